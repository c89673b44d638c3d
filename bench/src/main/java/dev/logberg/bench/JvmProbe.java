package dev.logberg.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/** Peak heap in use and GC time during one measurement, and facts about the machine. */
final class JvmProbe implements AutoCloseable {
  private final AtomicLong peak = new AtomicLong();
  private final AtomicLong peakAfterGc = new AtomicLong();
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "heap-sampler");
            t.setDaemon(true);
            return t;
          });
  private static final Set<String> HEAP_POOLS =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName)
          .collect(Collectors.toSet());
  private long gcMillisAtStart;

  JvmProbe() {
    sampler.scheduleAtFixedRate(
        () -> peak.accumulateAndGet(usedHeap(), Math::max), 0, 100, TimeUnit.MILLISECONDS);
    // After every collection (young ones too): the heap still in use, roughly the live data.
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(
            (notification, handback) -> {
              if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                  notification.getType())) {
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from(
                        (CompositeData) notification.getUserData());
                long after =
                    info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                        .filter(e -> HEAP_POOLS.contains(e.getKey()))
                        .mapToLong(e -> e.getValue().getUsed())
                        .sum();
                peakAfterGc.accumulateAndGet(after, Math::max);
              }
            },
            null,
            null);
      }
    }
  }

  /**
   * Starts a measurement window, after a full collection so that runs do not pay for each other's
   * garbage.
   */
  void start() {
    System.gc();
    peak.set(usedHeap());
    peakAfterGc.set(-1);
    gcMillisAtStart = gcMillis();
  }

  /**
   * "heap 1.2 GB peak / 0.4 GB after GC, GC 0.3 s" since {@link #start()}: the peak of heap in use
   * (garbage included) and the largest heap left after a collection (roughly the live data; 0 if no
   * collection ran).
   */
  String window() {
    long afterGc = peakAfterGc.get();
    return afterGc < 0
        ? String.format("heap %.2f GB peak, no GC", peak.get() / 1e9)
        : String.format(
            "heap %.2f GB peak / %.2f GB after GC, GC %.1f s",
            peak.get() / 1e9, afterGc / 1e9, (gcMillis() - gcMillisAtStart) / 1000.0);
  }

  /**
   * After a cancelled pipeline: waits (at most {@code maxSeconds}) until this process uses less
   * than a fifth of a core, i.e. the runner's worker threads have really stopped. Returns the
   * seconds waited, or -1 if they had not.
   */
  static int awaitQuiet(int maxSeconds) {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (!(os instanceof com.sun.management.OperatingSystemMXBean sun)) {
      return 0;
    }
    long previous = sun.getProcessCpuTime();
    for (int s = 1; s <= maxSeconds; s++) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
      long now = sun.getProcessCpuTime();
      if (now - previous < 200_000_000L) {
        return s;
      }
      previous = now;
    }
    return -1;
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  static String machine() {
    Runtime rt = Runtime.getRuntime();
    return String.format(
        "%d cores (%s), %s RAM; %s %s (%s); -Xmx %.1f GB; GC %s; %s %s",
        rt.availableProcessors(),
        cpuModel(),
        memTotal(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vendor"),
        rt.maxMemory() / 1e9,
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .toList(),
        System.getProperty("os.name"),
        System.getProperty("os.version"));
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+", -1);
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return String.format(
          "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
  }

  private static String memTotal() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(l -> l.startsWith("MemTotal:"))
          .map(l -> String.format("%.1f GB", Long.parseLong(l.replaceAll("\\D", "")) / 1e6))
          .findFirst()
          .orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
