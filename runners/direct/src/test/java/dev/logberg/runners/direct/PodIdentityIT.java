package dev.logberg.runners.direct;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.logberg.pipeline.LogbergOptions;
import dev.logberg.pipeline.tables.CatalogSpecs;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.upsert.CatalogSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * EKS Pod Identity, end to end: {@code logberg-direct.jar} in a JVM of its own whose environment
 * holds no AWS keys, only what the Pod Identity webhook injects into a pod ({@code
 * AWS_CONTAINER_CREDENTIALS_FULL_URI} and {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}). A
 * loopback endpoint plays the Pod Identity agent: it hands out temporary credentials only to a
 * caller presenting the token from that file, and s3proxy accepts only those credentials. Discovery
 * (S3 listing), reading (Beam's S3 filesystem), the table writes and the upsert's delete commits
 * (Iceberg's S3FileIO) all have to authenticate through the SDK's default chain. AWS SDK versions
 * before 2.21.30 never send the token and fail here.
 */
class PodIdentityIT {
  private static final Path REPO =
      Path.of(System.getProperty("logberg.repo", "../..")).toAbsolutePath().normalize();
  private static final Path TREE = REPO.resolve("testdata/spark-application-logs/spark-team-a");
  private static final Path MANIFEST = REPO.resolve("testdata/expected/spark-team-a.manifest.json");
  private static final String REGION = "us-east-1";
  private static final Pattern UPSERT =
      Pattern.compile("upsert: ([\\d,]+) superseded rows deleted");

  @TempDir Path dir;

  private final String accessKeyId = "ASIA" + random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  private final String secretAccessKey = random(ALPHANUMERIC + "/+", 40);
  private final String sessionToken = random(ALPHANUMERIC + "/+=", 200);
  private final String agentToken = random(ALPHANUMERIC, 64);
  private final AtomicInteger authorizedCalls = new AtomicInteger();
  private final AtomicInteger refusedCalls = new AtomicInteger();

  private HttpServer agent;
  private BlobStoreContext blobs;
  private S3Proxy s3;
  private URI s3Endpoint;

  @BeforeEach
  void start() throws Exception {
    agent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    agent.createContext("/v1/credentials", this::credentials);
    agent.start();

    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", dir.resolve("s3").toString());
    Files.createDirectories(dir.resolve("s3"));
    // filesystem-nio2, not filesystem: the latter lists folders as objects ending in "/".
    blobs =
        ContextBuilder.newBuilder("filesystem-nio2")
            .credentials("identity", "credential")
            .overrides(properties)
            .build(BlobStoreContext.class);
    // Only the credentials the agent hands out sign valid requests. s3proxy answers 501 to headers
    // it does not know,
    // x-amz-security-token (sent with temporary credentials) among them; it still checks the
    // signature over it.
    s3 =
        S3Proxy.builder()
            .blobStore(blobs.getBlobStore())
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKeyId, secretAccessKey)
            .ignoreUnknownHeaders(true)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .build();
    s3.start();
    while (!"STARTED".equals(s3.getState())) {
      Thread.sleep(10);
    }
    s3Endpoint = URI.create("http://127.0.0.1:" + s3.getPort());

    try (S3Client client = testClient()) {
      client.createBucket(b -> b.bucket("logs"));
      client.createBucket(b -> b.bucket("lake"));
      try (Stream<Path> files = Files.walk(TREE)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          String key =
              "spark-application-logs/spark-team-a/"
                  + TREE.relativize(file).toString().replace('\\', '/');
          client.putObject(b -> b.bucket("logs").key(key), RequestBody.fromFile(file));
        }
      }
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (s3 != null) {
      s3.stop();
    }
    if (blobs != null) {
      blobs.close();
    }
    if (agent != null) {
      agent.stop(0);
    }
  }

  @Test
  void theJarAuthenticatesWithPodIdentityAloneAndLeaksNoCredential() throws Exception {
    Path tokenFile = dir.resolve("eks-pod-identity-token");
    Files.writeString(tokenFile, agentToken);

    Fork first = runJar(tokenFile, "first");
    assertThat(first.output(), first.exitCode(), is(0));
    assertThat(first.output(), containsString("applications: 5 succeeded, 0 failed"));
    // Every row again: every key has two rows and the upsert's delete commits go through S3FileIO.
    Fork again = runJar(tokenFile, "again", "--reprocessAll");
    assertThat(again.output(), again.exitCode(), is(0));
    Matcher upsert = UPSERT.matcher(again.output());
    assertThat(again.output(), upsert.find(), is(true));
    assertThat(Long.parseLong(upsert.group(1).replace(",", "")), greaterThan(0L));

    JsonNode totals = new ObjectMapper().readTree(MANIFEST.toFile()).get("totals");
    long rejects = 0;
    for (JsonNode count : totals.get("rejects")) {
      rejects += count.asLong();
    }
    LogbergTables tables = new LogbergTables("logs", "spark_logs");
    assertThat(
        "one live row per valid line",
        liveRows(tables.dataTable()),
        is(totals.get("validLines").asLong()));
    assertThat(
        "one status per application",
        liveRows(tables.metadataTable()),
        is(totals.get("apps").asLong()));
    assertThat("one row per rejected line", liveRows(tables.rejectsTable()), is(rejects));

    assertThat("the jar asked the agent, with the token", authorizedCalls.get(), greaterThan(0));
    assertThat("and never without it", refusedCalls.get(), is(0));
    for (Fork fork : List.of(first, again)) {
      String everything = fork.output() + fork.errors();
      for (String secret : List.of(accessKeyId, secretAccessKey, sessionToken, agentToken)) {
        assertThat(
            "a credential value is in the output or logs of the " + fork.name() + " run",
            everything.contains(secret),
            is(false));
      }
    }
  }

  /**
   * The Pod Identity agent's answer: temporary credentials for the bearer of the token, 401 for
   * anyone else.
   */
  private void credentials(HttpExchange exchange) throws IOException {
    try (exchange) {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      byte[] body;
      if (agentToken.equals(authorization)) {
        authorizedCalls.incrementAndGet();
        body =
            ("{\"AccessKeyId\":\""
                    + accessKeyId
                    + "\",\"SecretAccessKey\":\""
                    + secretAccessKey
                    + "\",\"Token\":\""
                    + sessionToken
                    + "\",\"AccountId\":\"111122223333\",\"Expiration\":\""
                    + Instant.now().plus(6, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)
                    + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
      } else {
        refusedCalls.incrementAndGet();
        body =
            "{\"message\":\"Service account token cannot be empty\"}"
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(authorization == null ? 401 : 403, body.length);
      }
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private record Fork(String name, int exitCode, String output, String errors) {}

  /**
   * {@code java -jar logberg-direct.jar run ...} with no AWS key in its environment, only Pod
   * Identity's.
   */
  private Fork runJar(Path tokenFile, String name, String... extra)
      throws IOException, InterruptedException {
    Path jar = REPO.resolve("runners/direct/target/logberg-direct.jar");
    assertThat(
        jar + " is missing: build it with `mvn -B package -DskipTests -pl runners/direct -am`",
        Files.isRegularFile(jar),
        is(true));
    List<String> line =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g",
                "-jar",
                jar.toString(),
                "run"));
    line.addAll(args());
    line.addAll(List.of(extra));
    ProcessBuilder builder = new ProcessBuilder(line);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(key -> key.startsWith("AWS_"));
    env.put(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://127.0.0.1:" + agent.getAddress().getPort() + "/v1/credentials");
    env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile.toString());
    // Nothing else may answer: no profile files of the machine, no instance metadata (the node role
    // on EKS).
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials-file").toString());
    env.put("AWS_CONFIG_FILE", dir.resolve("no-config-file").toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("the " + name + " run did not end in 10 minutes; see " + out);
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    String errors = Files.readString(err, StandardCharsets.UTF_8);
    System.out.printf("--- %s run: exit %d%n%s%n", name, process.exitValue(), output);
    if (process.exitValue() != 0) {
      System.out.println(errors);
    }
    return new Fork(name, process.exitValue(), output, errors);
  }

  /**
   * Options naming the store only: region, endpoint, path-style addressing. No credentials.
   * Verbose, so that every log event reaches the standard error this test searches for credentials.
   */
  private List<String> args() {
    return List.of(
        "--verbose",
        "--input=s3://logs/spark-application-logs/spark-team-a",
        "--warehouse=s3://lake/warehouse",
        "--catalogUri=jdbc:sqlite:" + dir.resolve("catalog.db"),
        "--s3Endpoint=" + s3Endpoint,
        "--s3PathStyleAccess",
        "--region=" + REGION,
        "--progressSeconds=0");
  }

  /** Live rows of a table, read in this JVM with the same temporary credentials. */
  private long liveRows(TableIdentifier table) {
    CatalogSpec spec =
        CatalogSpecs.fromOptions(
                PipelineOptionsFactory.fromArgs(args().toArray(String[]::new))
                    .as(LogbergOptions.class))
            .with(
                Map.of(
                    "s3.access-key-id",
                    accessKeyId,
                    "s3.secret-access-key",
                    secretAccessKey,
                    "s3.session-token",
                    sessionToken));
    return spec.apply(
        catalog -> {
          try (CloseableIterable<Record> rows =
              IcebergGenerics.read(catalog.loadTable(table)).build()) {
            long n = 0;
            for (Record ignored : rows) {
              n++;
            }
            return n;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private S3Client testClient() {
    return S3Client.builder()
        .endpointOverride(s3Endpoint)
        .forcePathStyle(true)
        .region(Region.of(REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsSessionCredentials.create(accessKeyId, secretAccessKey, sessionToken)))
        .build();
  }

  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private static String random(String alphabet, int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return s.toString();
  }
}
