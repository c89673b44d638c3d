package dev.logberg.pipeline.parse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EventIdsTest {
  private static final String FILE = "s3://logs/spark-0123/driver/part-0001.log";

  @Test
  void isTheFirst16BytesOfSha256OfFileNewlineLineNumberInLowercaseHex() throws Exception {
    byte[] sha =
        MessageDigest.getInstance("SHA-256")
            .digest((FILE + "\n42").getBytes(StandardCharsets.UTF_8));
    String expected = HexFormat.of().formatHex(sha).substring(0, 32);

    assertThat(EventIds.of(FILE, 42), equalTo(expected));
  }

  @Test
  void knownValue() {
    // From `printf 'a.log\n1' | sha256sum`: ids already stored must keep matching.
    assertThat(EventIds.of("a.log", 1), equalTo("756b83e70c1b2c3b7016d07e211c8dc9"));
    assertThat(EventIds.of(FILE, 123_456_789L), matchesPattern("[0-9a-f]{32}"));
  }

  @Test
  void isStableAcrossCalls() {
    assertThat(EventIds.of(FILE, 7), equalTo(EventIds.of(FILE, 7)));
  }

  @Test
  void differsByLineNumberAndByFile() {
    assertThat(EventIds.of(FILE, 7), not(equalTo(EventIds.of(FILE, 8))));
    assertThat(EventIds.of(FILE, 7), not(equalTo(EventIds.of(FILE + "x", 7))));
    // The separator keeps ("f1", 23) apart from ("f12", 3).
    assertThat(EventIds.of("f1", 23), not(equalTo(EventIds.of("f12", 3))));
  }

  @Test
  void hashesNonAsciiFileNamesAsUtf8() {
    assertThat(EventIds.of("journal/日本-😀.log", 3), equalTo(sha256Prefix("journal/日本-😀.log\n3")));
  }

  @Test
  void isCorrectWhenUsedFromManyThreadsAtOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<?>[] runs = new Future<?>[8];
      for (int t = 0; t < runs.length; t++) {
        runs[t] =
            pool.submit(
                () -> {
                  for (long line = 0; line < 2_000; line++) {
                    assertThat(EventIds.of(FILE, line), equalTo(sha256Prefix(FILE + "\n" + line)));
                  }
                });
      }
      for (Future<?> run : runs) {
        run.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static String sha256Prefix(String text) {
    try {
      byte[] sha =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha, 0, 16);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
