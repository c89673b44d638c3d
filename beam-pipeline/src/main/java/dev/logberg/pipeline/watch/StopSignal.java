package dev.logberg.pipeline.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * How a long-lived {@code watch} ends: SIGTERM (a pod's deletion) or SIGINT (Ctrl-C) asks it to
 * stop after the run in progress, and it exits 0. The signals are taken from the JVM rather than
 * waited for in a shutdown hook: at shutdown, Iceberg's worker pools and Hadoop's file systems
 * close in hooks of their own, under the run still in progress. A second signal stops at once, the
 * JVM's way; a run cut short is then one killed run, which the next one repairs.
 */
public final class StopSignal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);
  private static final List<String> SIGNALS = List.of("TERM", "INT");

  private final CountDownLatch requested = new CountDownLatch(1);
  private final List<Signal> taken = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();

  private StopSignal() {}

  /** Takes SIGTERM and SIGINT until closed. */
  public static StopSignal onSignals() {
    StopSignal stop = new StopSignal();
    for (String name : SIGNALS) {
      Signal signal = new Signal(name);
      try {
        stop.previous.add(Signal.handle(signal, stop::handle));
        stop.taken.add(signal);
      } catch (IllegalArgumentException e) {
        // The JVM keeps this signal for itself (e.g. with -Xrs): it ends watch its own way.
        LOG.warn("Cannot take SIG{}: {}", name, e.getMessage());
      }
    }
    return stop;
  }

  private void handle(Signal signal) {
    if (requested.getCount() == 0) {
      previous.get(taken.indexOf(signal)).handle(signal);
      return;
    }
    LOG.info("SIG{}: stopping after the run in progress", signal.getName());
    requested.countDown();
  }

  public boolean requested() {
    return requested.getCount() == 0;
  }

  /** Waits until {@code then} or a stop request, whichever comes first. */
  public void sleepUntil(Instant then) throws InterruptedException {
    long millis = Duration.between(Instant.now(), then).toMillis();
    if (millis > 0) {
      requested.await(millis, TimeUnit.MILLISECONDS);
    }
  }

  /** Gives the signals back to the JVM. */
  @Override
  public void close() {
    for (int i = 0; i < taken.size(); i++) {
      Signal.handle(taken.get(i), previous.get(i));
    }
  }
}
