package dev.logberg.pipeline;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This JVM's running totals of the {@link Counters}, as the steps count them: what live progress is
 * printed from.
 *
 * <p>Beam's own metrics are not live on every runner: the Flink and Spark runners publish a step's
 * counters when its bundle ends, and a batch bundle is a whole partition, so the launcher would see
 * nothing until the reading is over. Every {@link Counters#counter} also adds here, so where the
 * steps run in the launching JVM (the DirectRunner, Flink's local mini-cluster, Spark's local
 * master) the launcher sees each file and batch as it happens. The run's summary still comes from
 * Beam's metrics. One run at a time per JVM: a JVM running two shows their sum.
 */
final class LiveCounters {
  private static final Map<String, LongAdder> TOTALS = new ConcurrentHashMap<>();

  private LiveCounters() {}

  static LongAdder adder(String name) {
    return TOTALS.computeIfAbsent(name, n -> new LongAdder());
  }

  /** Zeroes every total, at the start of a run (the adders stay: counters hold them). */
  static void reset() {
    TOTALS.values().forEach(LongAdder::reset);
  }

  /** The totals now, by counter name. */
  static Map<String, Long> snapshot() {
    Map<String, Long> now = new TreeMap<>();
    TOTALS.forEach((name, total) -> now.put(name, total.sum()));
    return now;
  }
}
