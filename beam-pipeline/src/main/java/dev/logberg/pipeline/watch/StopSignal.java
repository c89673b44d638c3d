package dev.logberg.pipeline.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-lived {@code watch} ends: SIGTERM (a pod's deletion, Ctrl-C) asks it to stop, and the
 * JVM's exit waits for the run in progress to end, up to a grace period within Kubernetes' default
 * of 30 s. A run cut short there is one killed run: the next one repairs it.
 */
public final class StopSignal implements AutoCloseable {
  static final Duration GRACE = Duration.ofSeconds(25);

  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;

  private StopSignal() {
    hook = new Thread(this::stopAndWait, "logberg-watch-stop");
  }

  /** A signal that the JVM's shutdown (SIGTERM, SIGINT) gives. */
  public static StopSignal onShutdown() {
    StopSignal signal = new StopSignal();
    Runtime.getRuntime().addShutdownHook(signal.hook);
    return signal;
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

  private void stopAndWait() {
    requested.countDown();
    try {
      finished.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Watch has ended: the JVM's exit need not wait any more. */
  @Override
  public void close() {
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook is running and now returns.
    }
  }
}
