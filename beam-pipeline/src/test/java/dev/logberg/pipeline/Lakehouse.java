package dev.logberg.pipeline;

import dev.logberg.pipeline.tables.CatalogSpecs;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.upsert.CatalogSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * A local warehouse with a sqlite catalog in a temporary folder: runs Logberg into it and reads it
 * back.
 */
final class Lakehouse {
  private static final AtomicInteger COUNT = new AtomicInteger();

  private final String input;
  private final List<String> options;
  private final Path warehouse;
  // Beam's Managed writer caches tables per JVM by identifier alone, whatever the catalog: each
  // lakehouse of a test
  // JVM needs identifiers of its own.
  final LogbergTables tables = new LogbergTables("logs" + COUNT.incrementAndGet(), "spark_logs");

  /** What one run printed and returned. */
  record Run(int exitCode, String output) {}

  /**
   * @param options extra options of every run, e.g. how to reach an S3 input
   */
  Lakehouse(Path dir, String input, String... options) {
    this.warehouse = dir.resolve("warehouse");
    this.input = input;
    this.options = List.of(options);
  }

  String[] args(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of("--input=" + input, "--database=" + tables.database(), "--progressSeconds=0"));
    if (options.stream().noneMatch(o -> o.startsWith("--warehouse="))) {
      args.add("--warehouse=" + warehouse);
    }
    args.addAll(options);
    args.addAll(Arrays.asList(extra));
    return args.toArray(String[]::new);
  }

  Run run(String... extra) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      code = Main.run(args(extra), out);
    }
    String output = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(output);
    return new Run(code, output);
  }

  CatalogSpec catalog() {
    return CatalogSpecs.fromOptions(
        PipelineOptionsFactory.fromArgs(args()).as(LogbergOptions.class));
  }

  List<Record> rows(TableIdentifier id) {
    return catalog()
        .apply(
            c -> {
              Table table = c.loadTable(id);
              try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
                List<Record> all = new ArrayList<>();
                rows.forEach(r -> all.add(r.copy()));
                return all;
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  /** Current snapshot id, or -1 for a table without snapshots. */
  long snapshotId(TableIdentifier id) {
    return catalog()
        .apply(
            c -> {
              Snapshot current = c.loadTable(id).currentSnapshot();
              return current == null ? -1L : current.snapshotId();
            });
  }

  Table table(TableIdentifier id) {
    return catalog().apply(c -> c.loadTable(id));
  }
}
