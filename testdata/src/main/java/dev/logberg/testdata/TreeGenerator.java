package dev.logberg.testdata;

import dev.logberg.testdata.TreePlan.AppPlan;
import dev.logberg.testdata.TreePlan.ExtraFile;
import dev.logberg.testdata.TreePlan.PodPlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a {@link TreePlan} under a root folder and returns its manifest. Pods are written in
 * parallel; each uses only its own random stream and results are collected in plan order, so the
 * thread count never changes the output.
 */
final class TreeGenerator {
  private TreeGenerator() {}

  static Manifest write(TreePlan plan, Path root, int threads) throws IOException {
    List<Callable<List<Tally>>> jobs = new ArrayList<>();
    for (AppPlan app : plan.apps()) {
      for (PodPlan pod : app.pods()) {
        Path podDir = root.resolve(app.appId()).resolve(pod.podName());
        jobs.add(() -> new PodWriter(app, pod, podDir).write());
      }
    }
    List<List<Tally>> perPod = runAll(jobs, threads);

    List<Manifest.App> apps = new ArrayList<>();
    Tally totals = new Tally();
    int job = 0;
    for (AppPlan app : plan.apps()) {
      Tally tally = new Tally();
      List<String> pods = new ArrayList<>();
      for (PodPlan pod : app.pods()) {
        pods.add(pod.podName());
        perPod.get(job++).forEach(tally::add);
      }
      pods.sort(Comparator.naturalOrder());
      apps.add(new Manifest.App(app.appId(), List.copyOf(pods), tally));
      totals.add(tally);
    }
    apps.sort(Comparator.comparing(Manifest.App::appId));

    for (ExtraFile extra : plan.extras()) {
      Path file = root.resolve(extra.path());
      Files.createDirectories(file.getParent());
      Files.writeString(file, extra.content(), StandardCharsets.UTF_8);
    }
    return new Manifest(
        plan.origin(), List.copyOf(apps), totals, plan.ignoredFolders(), plan.emptyAppFolders());
  }

  private static <T> List<T> runAll(List<Callable<T>> jobs, int threads) throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "logberg-testdata-writer");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> job : jobs) {
        futures.add(pool.submit(job));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing the tree", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException("writing a pod failed", cause);
    } finally {
      pool.shutdownNow();
    }
  }
}
