package dev.logberg.launch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * STS's AssumeRoleWithWebIdentity as IRSA meets it, on loopback, in front of the AWS emulator: the
 * pod's SDK sends its projected service-account token ({@code AWS_WEB_IDENTITY_TOKEN_FILE}) for
 * {@code AWS_ROLE_ARN}, unsigned, to {@code AWS_ENDPOINT_URL_STS}. This front does what STS does
 * with the cluster's OIDC provider: it lets the token through only if the role's trust policy has
 * an {@code sts:AssumeRoleWithWebIdentity} statement for the provider of the token's issuer whose
 * {@code StringEquals} conditions name the token's {@code sub} and {@code aud} (deploy/iam's "Irsa"
 * statement). moto then issues the role's session: it cannot take the call unsigned while it
 * enforces IAM, so the front signs it as a user playing STS's OIDC federation, allowed only {@code
 * sts:AssumeRoleWithWebIdentity} on the role. The token is not a signed JWT (no keys here): the
 * front accepts only tokens the cluster of the test minted.
 */
final class WebIdentitySts implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final HttpServer server;
  private final URI emulator;
  private final AwsCredentials federation;
  private final String region;
  private final JsonNode trustPolicy;
  private final String account;
  private final Set<String> minted = ConcurrentHashMap.newKeySet();
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  /**
   * Serves on loopback, forwarding to {@code emulator} signed with {@code federation}; {@code
   * trustPolicy} is the role's assume-role policy document.
   */
  WebIdentitySts(
      URI emulator, AwsCredentials federation, String region, String account, String trustPolicy)
      throws IOException {
    this.emulator = emulator;
    this.federation = federation;
    this.region = region;
    this.account = account;
    this.trustPolicy = JSON.readTree(trustPolicy);
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The ARN of the cluster's OIDC provider for {@code issuer} (an https URL). */
  String providerArn(String issuer) {
    return "arn:aws:iam::" + account + ":oidc-provider/" + issuer.replaceFirst("^https://", "");
  }

  /**
   * A projected service-account token as the kubelet writes it (a JWT; its signature is not checked
   * here, so only tokens minted by this method are accepted).
   */
  String mint(String issuer, String subject, String audience) {
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String header = "{\"alg\":\"RS256\",\"kid\":\"rehearsal\"}";
    String claims =
        JSON.createObjectNode()
            .put("iss", issuer)
            .put("sub", subject)
            .put("aud", audience)
            .put("exp", System.currentTimeMillis() / 1000 + 86_400)
            .toString();
    String token =
        base64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8))
            + "."
            + base64.encodeToString("not-signed".getBytes(StandardCharsets.UTF_8));
    minted.add(token);
    return token;
  }

  /** The session tokens AssumeRoleWithWebIdentity issued (a live view). */
  Set<String> issuedTokens() {
    return tokens;
  }

  /** The secret key of each session it issued, by access key id (a live view). */
  Map<String, String> issuedSecrets() {
    return secrets;
  }

  /** Sessions issued. */
  int issued() {
    return issued.get();
  }

  /** Calls refused: not AssumeRoleWithWebIdentity, or a token the trust policy does not admit. */
  int refused() {
    return refused.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, String> form = form(new String(body, StandardCharsets.UTF_8));
      String reason = refusal(exchange, form);
      if (reason != null) {
        refused.incrementAndGet();
        answer(
            exchange,
            403,
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>"
                + "Not authorized to perform sts:AssumeRoleWithWebIdentity: "
                + reason
                + "</Message></Error></ErrorResponse>");
        return;
      }
      HttpResponse<String> response = forward(exchange, body);
      if (response.statusCode() == 200) {
        String token = element(response.body(), "SessionToken");
        secrets.put(
            element(response.body(), "AccessKeyId"), element(response.body(), "SecretAccessKey"));
        tokens.add(token);
        issued.incrementAndGet();
      }
      answer(exchange, response.statusCode(), response.body());
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  /** Why STS would refuse the call, or null if the role's trust policy admits the token. */
  private String refusal(HttpExchange exchange, Map<String, String> form) {
    if (!"POST".equals(exchange.getRequestMethod())
        || !"AssumeRoleWithWebIdentity".equals(form.get("Action"))) {
      return "only AssumeRoleWithWebIdentity is served here, not " + form.get("Action");
    }
    if (exchange.getRequestHeaders().getFirst("Authorization") != null) {
      return "the call is signed; the SDK sends it unsigned";
    }
    String token = form.getOrDefault("WebIdentityToken", "");
    if (!minted.contains(token)) {
      return "the token is not one the cluster issued";
    }
    JsonNode claims;
    try {
      claims = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    } catch (IOException | IllegalArgumentException e) {
      return "the token is not a JWT";
    }
    String issuer = claims.path("iss").asText().replaceFirst("^https://", "");
    for (JsonNode statement : trustPolicy.path("Statement")) {
      if ("Allow".equals(statement.path("Effect").asText())
          && IamPolicyTemplate.strings(statement, "Action")
              .contains("sts:AssumeRoleWithWebIdentity")
          && strings(statement.path("Principal").path("Federated"))
              .contains(providerArn(claims.path("iss").asText()))
          && strings(statement.path("Condition").path("StringEquals").path(issuer + ":sub"))
              .contains(claims.path("sub").asText())
          && strings(statement.path("Condition").path("StringEquals").path(issuer + ":aud"))
              .contains(claims.path("aud").asText())) {
        return null;
      }
    }
    return "the role's trust policy does not admit "
        + claims.path("sub").asText()
        + " of "
        + issuer
        + " for "
        + claims.path("aud").asText();
  }

  /** The call as it came, to the emulator, signed by the federation user. */
  private HttpResponse<String> forward(HttpExchange exchange, byte[] body) throws Exception {
    SdkHttpFullRequest unsigned =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(emulator)
            .putHeader(
                "Content-Type",
                exchange
                    .getRequestHeaders()
                    .getOrDefault(
                        "Content-Type", List.of("application/x-www-form-urlencoded; charset=utf-8"))
                    .get(0))
            .contentStreamProvider(() -> new ByteArrayInputStream(body))
            .build();
    SdkHttpRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(federation)
                        .request(unsigned)
                        .payload(() -> new ByteArrayInputStream(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region))
            .request();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(emulator)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signed
        .headers()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> request.header(name, v));
              }
            });
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void answer(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/xml");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  private static String element(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in " + xml);
    }
    return m.group(1);
  }

  private static List<String> strings(JsonNode node) {
    if (node.isArray()) {
      return java.util.stream.StreamSupport.stream(node.spliterator(), false)
          .map(JsonNode::asText)
          .toList();
    }
    return node.isMissingNode() ? List.of() : List.of(node.asText());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
