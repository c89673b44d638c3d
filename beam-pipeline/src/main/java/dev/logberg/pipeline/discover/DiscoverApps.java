package dev.logberg.pipeline.discover;

import dev.logberg.pipeline.Counters;
import dev.logberg.pipeline.storage.S3Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the application folders under the input roots and lists each one's files.
 *
 * <p>Folders are listed first and redistributed, so that listing thousands of folders' files runs
 * in parallel. A root that cannot be listed fails the job: an empty result would look like "nothing
 * to do".
 */
public final class DiscoverApps extends PTransform<PBegin, PCollection<AppFolder>> {
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
        .apply("SpreadFolders", Reshuffle.viaRandomKey())
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

  static final class ListFolderFiles extends DoFn<String, AppFolder> {
    private static final Logger LOG = LoggerFactory.getLogger(ListFolderFiles.class);
    private final Counter empty = Counters.counter(Counters.FOLDERS_EMPTY);
    private final S3Settings s3;

    ListFolderFiles(S3Settings s3) {
      this.s3 = s3;
    }

    @ProcessElement
    public void process(@Element String folder, OutputReceiver<AppFolder> out) {
      List<LogFile> files;
      try {
        files = AppFolderLister.forLocation(folder, s3).listFiles(folder);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot list application folder " + folder + ": " + e.getMessage(), e);
      }
      if (files.isEmpty()) {
        // Nothing to record yet: the folder may receive files later, and then it is new.
        empty.inc();
        LOG.info("Application folder {} has no log files yet; skipped", folder);
        return;
      }
      out.output(new AppFolder(appIdOf(folder), folder, files));
    }

    private static String appIdOf(String folder) {
      String trimmed = folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : folder;
      return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
  }
}
