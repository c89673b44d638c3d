package dev.logberg.runners;

import dev.logberg.pipeline.LogbergOptions;
import dev.logberg.pipeline.report.CanonicalTables;
import dev.logberg.pipeline.tables.CatalogSpecs;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.upsert.CatalogSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * A local warehouse that runs land {@code input} in, and what its tables hold. Its catalog is the
 * sqlite file beside it, or what {@code catalogArgs} say (e.g. a REST catalog server).
 */
record Warehouse(Path path, Path input, List<String> catalogArgs) {
  Warehouse(Path path, Path input) {
    this(path, input, List.of());
  }

  static final Path TESTDATA =
      RunnerJar.REPO.resolve("testdata/spark-application-logs/spark-team-a");
  static final Path MANIFEST =
      RunnerJar.REPO.resolve("testdata/expected/spark-team-a.manifest.json");

  /**
   * A copy of testdata/'s tree at {@code to}: runs that are compared must read one input location,
   * since the metadata table records it and the dumps compare it.
   */
  static Path copyTestdata(Path to) throws IOException {
    try (Stream<Path> files = Files.walk(TESTDATA)) {
      for (Path from : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(TESTDATA.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(target);
        } else {
          Files.copy(from, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  /**
   * A copy of testdata/'s tree at {@code to} with one more file in the first application: the first
   * half of a gzip stream, what a writer that died mid-upload leaves. A run records that
   * application FAILED (exit code 3) and lands the others. Returns the truncated file.
   */
  static Path copyTestdataWithATruncatedFile(Path to) throws IOException {
    Path tree = copyTestdata(to);
    Path pod;
    try (Stream<Path> folders = Files.walk(tree, 2)) {
      pod =
          folders
              .filter(
                  p ->
                      Files.isDirectory(p)
                          && tree.relativize(p).getNameCount() == 2
                          && tree.relativize(p).getName(0).toString().startsWith("spark-"))
              .sorted()
              .findFirst()
              .orElseThrow();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gzip = new GZIPOutputStream(bytes)) {
      for (int i = 0; i < 2000; i++) {
        gzip.write(
            ("{\"timestamp\":\"2025-01-15T00:00:00Z\",\"message\":\"line " + i + "\"}\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] all = bytes.toByteArray();
    Path corrupt = pod.resolve("zz-truncated.json.gz");
    Files.write(corrupt, Arrays.copyOf(all, all.length / 2));
    return corrupt;
  }

  Path logs() {
    return path.resolveSibling("logs");
  }

  /** The pipeline arguments of a run into this warehouse. */
  List<String> args(String... extra) {
    List<String> args =
        new ArrayList<>(List.of("--input=" + input, "--warehouse=" + path, "--progressSeconds=0"));
    args.addAll(catalogArgs);
    args.addAll(List.of(extra));
    return args;
  }

  CatalogSpec catalog() {
    return CatalogSpecs.fromOptions(
        PipelineOptionsFactory.fromArgs(args().toArray(String[]::new)).as(LogbergOptions.class));
  }

  LogbergTables tables() {
    return new LogbergTables("logs", "spark_logs");
  }

  List<String> dump() {
    return CanonicalTables.dump(catalog(), tables());
  }

  /**
   * The data, rejects and files tables of the dump: what a run that retried (a higher {@code
   * attempts} in the metadata table) must still equal.
   */
  List<String> landed() {
    return dump().stream()
        .filter(l -> !l.startsWith("spark_logs_processing_metadata\t"))
        .filter(l -> !l.startsWith("# spark_logs_processing_metadata\t"))
        .toList();
  }

  /** The metadata table's rows (dumped) of applications whose status is not SUCCESS. */
  List<String> notSucceeded() {
    return dump().stream()
        .filter(l -> l.startsWith("spark_logs_processing_metadata\t"))
        .filter(l -> !l.contains("\tSUCCESS\t"))
        .toList();
  }

  /** The current snapshot of each table: equal lists mean no table changed. */
  List<Long> snapshots() {
    LogbergTables tables = tables();
    return catalog()
        .apply(
            c ->
                Stream.of(
                        tables.dataTable(),
                        tables.metadataTable(),
                        tables.rejectsTable(),
                        tables.filesTable())
                    .map((TableIdentifier id) -> c.loadTable(id).currentSnapshot())
                    .map(Snapshot::snapshotId)
                    .toList());
  }

  /** The job id of every live row of a status table. */
  List<String> jobIds(TableIdentifier table) {
    return catalog()
        .apply(
            c -> {
              List<String> ids = new ArrayList<>();
              try (CloseableIterable<Record> rows =
                  IcebergGenerics.read(c.loadTable(table)).select("job_id").build()) {
                rows.forEach(r -> ids.add((String) r.getField("job_id")));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              return ids;
            });
  }
}
