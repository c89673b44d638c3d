package dev.logberg.launch.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The AWS emulator moto (IAM, STS, Glue and S3 on one loopback port) in a process of its own:
 * {@code python3 -m moto.server}, started through {@code moto_server.py} (a test resource next to
 * this class), which makes moto check S3 signatures over the request as the client sent it
 * (getmoto/moto#5948: moto re-signs a URL with {@code %2F} already decoded, so every signed listing
 * with a "/" in its prefix failed). It starts with IAM enforcement off, so setup calls pass as an
 * administrator's would; {@link #enforce} turns it on, after which every call is checked against
 * the policies of the caller's user or assumed role, and an assumed role's session token must come
 * with each call. A machine without python3 or moto fails the test, with the command that installs
 * it.
 */
final class AwsEmulator implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final URI endpoint;

  private AwsEmulator(Process process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  static AwsEmulator start(Path log) throws IOException, InterruptedException {
    Process probe;
    try {
      probe =
          new ProcessBuilder("python3", "-c", "import moto.server, boto3; print(moto.__version__)")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "AwsRehearsalIT needs python3 with the AWS emulator moto: python3 is not on the PATH ("
              + e.getMessage()
              + "). Install it, then `python3 -m pip install 'moto[server]==5.2.1'`.",
          e);
    }
    String version = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (probe.waitFor() != 0) {
      throw new AssertionError(
          "AwsRehearsalIT needs the AWS emulator moto: `python3 -m pip install"
              + " 'moto[server]==5.2.1'`. python3 said: "
              + version.strip());
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path bootstrap = log.resolveSibling("moto_server.py");
    try (InputStream script = AwsEmulator.class.getResourceAsStream("moto_server.py")) {
      Files.copy(Objects.requireNonNull(script, "moto_server.py"), bootstrap);
    }
    Process process =
        new ProcessBuilder("python3", bootstrap.toString(), "-H", "127.0.0.1", "-p", "" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    AwsEmulator emulator = new AwsEmulator(process, URI.create("http://127.0.0.1:" + port));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        emulator.resetAuth(Long.MAX_VALUE);
        return emulator;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new AssertionError(
              "moto " + version.strip() + " did not start: " + Files.readString(log), notYet);
        }
        Thread.sleep(100);
      }
    }
  }

  URI endpoint() {
    return endpoint;
  }

  /** From now on every call is authenticated and checked against the caller's policies. */
  void enforce() throws IOException, InterruptedException {
    resetAuth(0);
  }

  /** From now on no call is checked: for changing the setup between runs. */
  void relax() throws IOException, InterruptedException {
    resetAuth(Long.MAX_VALUE);
  }

  /** moto's own switch: the next {@code calls} calls pass unchecked, every later one is checked. */
  private void resetAuth(long calls) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset-auth"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(Long.toString(calls)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("moto reset-auth: " + response.body());
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
