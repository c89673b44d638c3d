package dev.logberg.pipeline.status;

import static org.apache.iceberg.types.Types.NestedField.required;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import dev.logberg.pipeline.storage.LoopbackS3;
import dev.logberg.upsert.CatalogSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heartbeat on an S3 warehouse, as a run's launcher keeps it: each beat opens a catalog client
 * and must leave nothing open behind it. An S3 client left open keeps its pooled connection to the
 * store established; this counts those connections in the kernel's table (Linux /proc/net/tcp).
 */
class HeartbeatTest {
  private static final TableIdentifier TABLE = TableIdentifier.of("db", "meta");

  @TempDir Path dir;

  @Test
  void beatsLeaveNoS3ConnectionOpen() throws Exception {
    try (LoopbackS3 s3 = new LoopbackS3(dir.resolve("s3"))) {
      s3.createBucket("lake");
      Map<String, String> properties = new HashMap<>(s3.settings().icebergProperties());
      properties.putAll(
          Map.of(
              "type", "jdbc",
              "uri", "jdbc:sqlite:" + dir.resolve("catalog.db"),
              "jdbc.schema-version", "V1",
              "warehouse", "s3://lake/warehouse"));
      CatalogSpec spec = new CatalogSpec("heartbeat", properties);
      spec.withClosingFileIO()
          .apply(
              c -> {
                ((SupportsNamespaces) c).createNamespace(Namespace.of("db"));
                return c.createTable(TABLE, new Schema(required(1, "id", Types.LongType.get())));
              });
      int port = s3.endpoint().getPort();
      assertThat("no connection before", establishedTo(port), is(0));

      Heartbeat heartbeat = Heartbeat.start(spec, TABLE, "job-1", 1);
      Thread.sleep(3_500);
      heartbeat.close();

      Map<String, Long> beats =
          spec.withClosingFileIO().apply(c -> Heartbeat.beats(c.loadTable(TABLE)));
      assertThat("the heartbeat is removed when it closes", beats.isEmpty(), is(true));
      assertThat("every beat's S3 client is closed", establishedTo(port), is(0));
    }
  }

  /** Established TCP connections whose remote end is {@code port} on this machine. */
  private static int establishedTo(int port) throws IOException {
    String remote = String.format(Locale.ROOT, ":%04X", port);
    int count = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        String[] fields = line.trim().split("\\s+");
        // fields: sl, local address, remote address, state (01 = ESTABLISHED), ...
        if (fields[2].endsWith(remote) && fields[3].equals("01")) {
          count++;
        }
      }
    }
    assertThat(
        "this test reads Linux's /proc/net/tcp", Files.exists(Path.of("/proc/net/tcp")), is(true));
    return count;
  }
}
