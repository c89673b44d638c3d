package dev.logberg.pipeline.tables;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import com.sun.net.httpserver.HttpServer;
import dev.logberg.pipeline.LogbergOptions;
import dev.logberg.upsert.CatalogSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Glue catalog as Logberg configures it, pointed at a loopback stub of the Glue API (no AWS
 * account here): the requests that arrive show that the catalog id, region and endpoint reached the
 * Glue client.
 */
class GlueCatalogTest {
  /** One request as the stub saw it. */
  private record Call(String target, String authorization, String body) {}

  private HttpServer glue;
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startStub() throws IOException {
    System.setProperty("aws.accessKeyId", "logberg-test");
    System.setProperty("aws.secretAccessKey", "logberg-test-secret");
    glue = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    glue.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          calls.add(
              new Call(
                  exchange.getRequestHeaders().getFirst("X-Amz-Target"),
                  exchange.getRequestHeaders().getFirst("Authorization"),
                  body));
          byte[] reply =
              "{\"__type\":\"EntityNotFoundException\",\"Message\":\"no such database\"}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.getResponseHeaders().add("x-amzn-ErrorType", "EntityNotFoundException");
          exchange.sendResponseHeaders(400, reply.length);
          exchange.getResponseBody().write(reply);
          exchange.close();
        });
    glue.start();
  }

  @AfterEach
  void stopStub() {
    glue.stop(0);
  }

  @Test
  void catalogIdRegionAndEndpointReachTheGlueClient() {
    LogbergOptions options =
        PipelineOptionsFactory.fromArgs(
                "--catalogType=glue",
                "--warehouse=s3://lake/warehouse",
                "--region=eu-west-1",
                "--glueCatalogId=123456789012",
                "--glueEndpoint=http://127.0.0.1:" + glue.getAddress().getPort())
            .as(LogbergOptions.class);
    CatalogSpec spec = CatalogSpecs.fromOptions(options);
    assertThat(spec.properties().get("type"), is("glue"));
    // The warehouse is on S3, so the tables' FileIO is the S3 one that survives Beam closing it.
    assertThat(spec.properties().get("io-impl"), is("dev.logberg.upsert.SharedS3FileIO"));

    boolean exists =
        spec.apply(catalog -> ((SupportsNamespaces) catalog).namespaceExists(Namespace.of("logs")));

    assertThat(exists, is(false));
    assertThat(calls, hasSize(1));
    Call call = calls.get(0);
    assertThat(call.target(), is("AWSGlue.GetDatabase"));
    assertThat(call.body(), containsString("\"CatalogId\":\"123456789012\""));
    assertThat(call.body(), containsString("\"Name\":\"logs\""));
    assertThat(call.authorization(), containsString("/eu-west-1/glue/aws4_request"));
    // Credentials come from the default chain: the access key id is signed in, the secret never
    // sent.
    assertThat(call.authorization(), containsString("Credential=logberg-test/"));
    assertThat(call.authorization().contains("logberg-test-secret"), is(false));
    assertThat(spec.toString().contains("123456789012"), is(false));
  }
}
