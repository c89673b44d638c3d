package dev.logberg.bench;

import dev.logberg.upsert.CatalogSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Issue 27's freshness probe: how long a new file waits before its rows are in a snapshot of the
 * data table, at a steady trickle, and whether the landing JVM's memory stays flat.
 *
 * <p>Starts a runner jar's {@code watch} (or, with {@code --mode=loop}, the baseline: a fresh JVM's
 * {@code run} every interval, the way a shell loop or a frequent schedule gets fresh logs without
 * watch) on an empty input, writes a new Fluent Bit-shaped file every {@code --fileEverySeconds}
 * (each appears whole, as S3 objects do), and polls the data table every second: a file's latency
 * is the commit time of the first snapshot holding its rows minus the time it appeared. Every five
 * minutes it forces a full collection in the landing JVM and reads the heap still in use (the live
 * set) and its resident memory.
 *
 * <pre>
 * FreshnessProbe --jar=runners/direct/target/logberg-direct.jar --work=/tmp/f --minutes=60
 *     [--mode=watch|loop] [--fileEverySeconds=5] [--linesPerFile=200] [--commitEverySeconds=30]
 *     [--jvm="-Xmx1g ..."] [--runnerArgs="--flinkMaster=[local] --parallelism=2"]
 * </pre>
 *
 * Prints {@code latency_ms} and {@code memory} lines (TSV) and a {@code summary} line.
 */
public final class FreshnessProbe {
  private static final TableIdentifier DATA = TableIdentifier.of("logs", "spark_logs");
  private static final String SOURCE_FILE = "source_file";
  private static final long MEMORY_EVERY_MS = TimeUnit.MINUTES.toMillis(5);

  private final Map<String, String> options;
  private final Path input;
  private final Path lake;
  private final Map<String, Long> appeared = new ConcurrentHashMap<>();
  private final Map<String, Long> latencies = new HashMap<>();
  private final Set<Long> seenSnapshots = new HashSet<>();

  private FreshnessProbe(Map<String, String> options) throws IOException {
    this.options = options;
    Path work = Path.of(options.get("work")).toAbsolutePath();
    this.input = Files.createDirectories(work.resolve("spark-application-logs/team-a"));
    this.lake = work.resolve("lake");
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    new FreshnessProbe(options).measure();
  }

  private String option(String name, String otherwise) {
    return options.getOrDefault(name, otherwise);
  }

  private void measure() throws Exception {
    long minutes = Long.parseLong(option("minutes", "10"));
    long fileEvery = TimeUnit.SECONDS.toMillis(Long.parseLong(option("fileEverySeconds", "5")));
    boolean loop = option("mode", "watch").equals("loop");
    long started = System.currentTimeMillis();
    long end = started + TimeUnit.MINUTES.toMillis(minutes);
    Landing landing = loop ? new RunLoop(this::runOnce, interval()) : new Watch(startWatch());
    long nextFile = started + fileEvery;
    long nextMemory = started + MEMORY_EVERY_MS;
    int written = 0;
    try {
      while (System.currentTimeMillis() < end) {
        long now = System.currentTimeMillis();
        if (now >= nextFile) {
          write(written++);
          nextFile += fileEvery;
        }
        if (!loop && now >= nextMemory) {
          memory(((Watch) landing).jvm(), (now - started) / 1000);
          nextMemory += MEMORY_EVERY_MS;
        }
        landing.poke();
        poll();
        Thread.sleep(Math.max(10, Math.min(nextFile, now + 1_000) - System.currentTimeMillis()));
      }
      // The last files get the time a landing needs; files never landed count as such.
      long drain = System.currentTimeMillis() + 3 * interval();
      while (latencies.size() < appeared.size() && System.currentTimeMillis() < drain) {
        landing.poke();
        poll();
        Thread.sleep(1_000);
      }
      if (!loop) {
        memory(((Watch) landing).jvm(), (System.currentTimeMillis() - started) / 1000);
      }
    } finally {
      landing.stop();
    }
    summary(written);
  }

  private long interval() {
    return TimeUnit.SECONDS.toMillis(Long.parseLong(option("commitEverySeconds", "30")));
  }

  private List<String> command(String command, String... extra) {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    line.addAll(words(option("jvm", "-Xmx1g")));
    line.addAll(List.of("-jar", options.get("jar"), command));
    line.addAll(words(option("runnerArgs", "")));
    line.addAll(
        List.of(
            "--input=" + input, "--warehouse=" + lake.resolve("warehouse"), "--progressSeconds=0"));
    line.addAll(List.of(extra));
    return line;
  }

  private static List<String> words(String text) {
    return text.isBlank() ? List.of() : List.of(text.trim().split("\\s+", -1));
  }

  private Process startWatch() throws IOException {
    return new ProcessBuilder(command("watch", "--commitEverySeconds=" + interval() / 1000))
        .redirectErrorStream(true)
        .redirectOutput(lake.resolveSibling("watch.log").toFile())
        .start();
  }

  private Process runOnce() {
    try {
      Files.createDirectories(lake);
      return new ProcessBuilder(command("run"))
          .redirectErrorStream(true)
          .redirectOutput(
              ProcessBuilder.Redirect.appendTo(lake.resolveSibling("runs.log").toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** File {@code n}: application n / 6, pods driver, exec-1 and exec-2 in turn. */
  private void write(int n) throws IOException {
    int app = n / 6;
    String appId = String.format(Locale.ROOT, "spark-%032x", 0xF00D0000L + app);
    String pod = "app" + app + "-" + List.of("driver", "exec-1", "exec-2").get(n % 3);
    String name = String.format(Locale.ROOT, "%s_%06d_%04x.json", pod, n, n);
    Path folder = Files.createDirectories(input.resolve(appId).resolve(pod));
    int lines = Integer.parseInt(option("linesPerFile", "200"));
    StringBuilder text = new StringBuilder();
    for (int line = 0; line < lines; line++) {
      text.append(
          String.format(
              Locale.ROOT,
              "{\"time\":\"2026-12-07T%02d:%02d:%02d.%06dZ\",\"namespace\":\"spark-jobs\","
                  + "\"pod_name\":\"%s\",\"container_name\":\"spark\",\"app\":\"app%d\","
                  + "\"level\":\"INFO\",\"message\":\"file %d line %d\"}\n",
              n / 3600 % 24,
              n / 60 % 60,
              n % 60,
              line,
              pod,
              app,
              n,
              line));
    }
    Path part = folder.resolve("." + name + ".part");
    Files.writeString(part, text, StandardCharsets.UTF_8);
    Files.move(part, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    appeared.put(appId + "/" + pod + "/" + name, System.currentTimeMillis());
  }

  /** Finds the files whose rows the data table's new snapshots hold. */
  private void poll() {
    if (!Files.exists(lake.resolve("catalog.db"))) {
      return;
    }
    Set<String> waiting = new HashSet<>(appeared.keySet());
    waiting.removeAll(latencies.keySet());
    if (waiting.isEmpty()) {
      return;
    }
    try {
      CatalogSpec.sqlite("logberg", lake)
          .apply(
              c -> {
                if (!c.tableExists(DATA)) {
                  return null;
                }
                Table data = c.loadTable(DATA);
                List<Snapshot> snapshots = new ArrayList<>();
                data.snapshots().forEach(snapshots::add);
                snapshots.sort((a, b) -> Long.compare(a.timestampMillis(), b.timestampMillis()));
                for (Snapshot snapshot : snapshots) {
                  if (seenSnapshots.add(snapshot.snapshotId())) {
                    found(data, snapshot, waiting);
                  }
                }
                return null;
              });
    } catch (RuntimeException e) {
      // A catalog busy with a commit: the next poll reads it.
      System.err.println("poll: " + e);
    }
  }

  private void found(Table data, Snapshot snapshot, Set<String> waiting) {
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(data)
            .useSnapshot(snapshot.snapshotId())
            .select(SOURCE_FILE)
            .where(Expressions.in(SOURCE_FILE, waiting.toArray()))
            .build()) {
      for (Record row : rows) {
        String file = (String) row.getField(SOURCE_FILE);
        if (waiting.remove(file)) {
          long latency = snapshot.timestampMillis() - appeared.getOrDefault(file, 0L);
          latencies.put(file, latency);
          System.out.printf("latency_ms\t%s\t%d%n", file, latency);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The landing JVM's live heap (after a full collection) and resident memory. */
  private static void memory(Process watch, long second) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    String pid = Long.toString(watch.pid());
    new ProcessBuilder(jcmd, pid, "GC.run").start().waitFor(1, TimeUnit.MINUTES);
    Process info = new ProcessBuilder(jcmd, pid, "GC.heap_info").redirectErrorStream(true).start();
    String heap = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    info.waitFor(1, TimeUnit.MINUTES);
    java.util.regex.Matcher used =
        java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(heap);
    String rss =
        Files.readAllLines(Path.of("/proc", pid, "status")).stream()
            .filter(l -> l.startsWith("VmRSS:"))
            .map(l -> l.replaceAll("\\D", ""))
            .findFirst()
            .orElse("0");
    System.out.printf(
        "memory\t%d\tlive_heap_mb=%d\trss_mb=%d%n",
        second,
        used.find() ? Long.parseLong(used.group(1)) / 1024 : -1,
        Long.parseLong(rss) / 1024);
  }

  private void summary(int written) {
    List<Long> sorted = latencies.values().stream().sorted().toList();
    System.out.printf(
        "summary\tmode=%s\tfiles=%d\tlanded=%d\tp50_s=%.1f\tp95_s=%.1f\tmax_s=%.1f%n",
        option("mode", "watch"),
        written,
        sorted.size(),
        percentile(sorted, 50) / 1000.0,
        percentile(sorted, 95) / 1000.0,
        sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1) / 1000.0);
  }

  /** The nearest-rank percentile. */
  static long percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  /** What lands the files. */
  private interface Landing {
    /** Checks on the landing, starting what is due. */
    void poke();

    void stop() throws InterruptedException;
  }

  /** One long-lived watch process. */
  private record Watch(Process jvm) implements Landing {
    @Override
    public void poke() {
      if (!jvm.isAlive()) {
        throw new IllegalStateException("watch ended with exit code " + jvm.exitValue());
      }
    }

    @Override
    public void stop() throws InterruptedException {
      jvm.destroy();
      jvm.waitFor(2, TimeUnit.MINUTES);
    }
  }

  /** The baseline: a fresh JVM's run every interval from the last start, never two at once. */
  private static final class RunLoop implements Landing {
    private final Supplier<Process> run;
    private final long every;
    private final List<Process> started = new ArrayList<>();
    private long lastStart;

    RunLoop(Supplier<Process> run, long every) {
      this.run = run;
      this.every = every;
    }

    @Override
    public void poke() {
      long now = System.currentTimeMillis();
      boolean running = !started.isEmpty() && started.get(started.size() - 1).isAlive();
      if (!running && now >= lastStart + every) {
        lastStart = now;
        started.add(run.get());
      }
    }

    @Override
    public void stop() throws InterruptedException {
      if (!started.isEmpty()) {
        started.get(started.size() - 1).waitFor(2, TimeUnit.MINUTES);
      }
    }
  }
}
