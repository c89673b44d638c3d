package dev.logberg.pipeline.discover;

import dev.logberg.pipeline.Counters;
import dev.logberg.pipeline.storage.S3Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the application folders under the input roots and lists each one's files.
 *
 * <p>Folders are listed first and spread over {@link #SHARDS} shards, each listing its folders'
 * files on a few threads of its own: listing tens of thousands of folders runs in parallel, in a
 * bounded number of elements. One element per folder would cost a runner bundle per application (on
 * the DirectRunner its bookkeeping grows with the number of bundles in flight). A root that cannot
 * be listed fails the job: an empty result would look like "nothing to do".
 */
public final class DiscoverApps extends PTransform<PBegin, PCollection<AppFolder>> {
  /** Elements the folders are listed in: enough to spread over a cluster's workers. */
  static final int SHARDS = 16;

  /** Folders of one shard listed at once (listing is waiting on storage, mostly). */
  static final int LISTING_THREADS = 8;

  private final List<String> roots;
  private final S3Settings s3;

  private DiscoverApps(List<String> roots, S3Settings s3) {
    this.roots = List.copyOf(roots);
    this.s3 = s3;
  }

  /**
   * Discovers the application folders under {@code roots}.
   *
   * @param s3 how to reach the s3:// roots, if any
   */
  public static DiscoverApps under(List<String> roots, S3Settings s3) {
    return new DiscoverApps(roots, s3);
  }

  @Override
  public PCollection<AppFolder> expand(PBegin begin) {
    return begin
        .apply("Roots", Create.of(roots).withCoder(StringUtf8Coder.of()))
        .apply("ListAppFolders", ParDo.of(new ListAppFolders(s3)))
        .apply(
            "ToShards",
            WithKeys.of((String folder) -> Math.floorMod(folder.hashCode(), SHARDS))
                .withKeyType(TypeDescriptors.integers()))
        .setCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of()))
        .apply("SpreadFolders", GroupByKey.create())
        .apply("ListFolderFiles", ParDo.of(new ListFolderFiles(s3)))
        .setCoder(SerializableCoder.of(AppFolder.class));
  }

  static final class ListAppFolders extends DoFn<String, String> {
    private final Counter found = Counters.counter(Counters.FOLDERS_FOUND);
    private final S3Settings s3;

    ListAppFolders(S3Settings s3) {
      this.s3 = s3;
    }

    @ProcessElement
    public void process(@Element String root, OutputReceiver<String> out) {
      List<String> folders;
      try {
        folders = AppFolderLister.forLocation(root, s3).listAppFolders(root);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list input " + root + ": " + e.getMessage(), e);
      }
      found.inc(folders.size());
      folders.forEach(out::output);
    }
  }

  static final class ListFolderFiles extends DoFn<KV<Integer, Iterable<String>>, AppFolder> {
    private static final Logger LOG = LoggerFactory.getLogger(ListFolderFiles.class);
    private final Counter empty = Counters.counter(Counters.FOLDERS_EMPTY);
    private final S3Settings s3;
    private transient @Nullable ExecutorService listing;

    ListFolderFiles(S3Settings s3) {
      this.s3 = s3;
    }

    @Setup
    public void setup() {
      listing =
          Executors.newFixedThreadPool(
              LISTING_THREADS,
              r -> {
                Thread thread = new Thread(r, "logberg-listing");
                thread.setDaemon(true);
                return thread;
              });
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<String>> shard, OutputReceiver<AppFolder> out)
        throws InterruptedException {
      List<Future<@Nullable AppFolder>> listed = new ArrayList<>();
      for (String folder : shard.getValue()) {
        listed.add(Objects.requireNonNull(listing).submit(() -> list(folder)));
      }
      for (Future<@Nullable AppFolder> result : listed) {
        AppFolder folder;
        try {
          folder = result.get();
        } catch (ExecutionException e) {
          listed.forEach(f -> f.cancel(true));
          throw e.getCause() instanceof RuntimeException r
              ? r
              : new IllegalStateException(e.getCause());
        }
        if (folder == null) {
          empty.inc();
        } else {
          out.output(folder);
        }
      }
    }

    @Teardown
    public void teardown() {
      if (listing != null) {
        listing.shutdownNow();
      }
    }

    /** The folder with its files, or null if it has none yet. */
    private @Nullable AppFolder list(String folder) {
      List<LogFile> files;
      try {
        files = AppFolderLister.forLocation(folder, s3).listFiles(folder);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot list application folder " + folder + ": " + e.getMessage(), e);
      }
      if (files.isEmpty()) {
        // Nothing to record yet: the folder may receive files later, and then it is new.
        LOG.info("Application folder {} has no log files yet; skipped", folder);
        return null;
      }
      return new AppFolder(appIdOf(folder), folder, files);
    }

    private static String appIdOf(String folder) {
      String trimmed = folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : folder;
      return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
  }
}
