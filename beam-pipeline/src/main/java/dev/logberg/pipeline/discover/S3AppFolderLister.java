package dev.logberg.pipeline.discover;

import dev.logberg.pipeline.storage.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Lists application folders on S3: ListObjectsV2 with delimiter "/" finds the {@code spark-*}
 * prefixes under a root without listing their files, then each folder's objects are listed; both
 * follow pagination.
 */
final class S3AppFolderLister implements AppFolderLister {
  private final S3Settings settings;

  S3AppFolderLister(S3Settings settings) {
    this.settings = settings;
  }

  @Override
  public List<String> listAppFolders(String root) throws IOException {
    Location location = Location.parse(root);
    List<String> folders = new ArrayList<>();
    try (S3Client s3 = settings.client()) {
      ListObjectsV2Request request =
          ListObjectsV2Request.builder()
              .bucket(location.bucket())
              .prefix(location.prefix())
              .delimiter("/")
              .build();
      for (CommonPrefix prefix : s3.listObjectsV2Paginator(request).commonPrefixes()) {
        String name = prefix.prefix().substring(location.prefix().length());
        if (name.startsWith(APP_FOLDER_PREFIX)) {
          folders.add("s3://" + location.bucket() + "/" + prefix.prefix());
        }
      }
    } catch (SdkException e) {
      throw new IOException("cannot list " + location + ": " + e.getMessage(), e);
    }
    return folders;
  }

  @Override
  public List<LogFile> listFiles(String appFolder) throws IOException {
    Location folder = Location.parse(appFolder);
    // Source files are named from the folder's parent: spark-<id>/<pod>/<file>.
    String parent =
        folder
            .prefix()
            .substring(0, folder.prefix().lastIndexOf('/', folder.prefix().length() - 2) + 1);
    List<LogFile> files = new ArrayList<>();
    try (S3Client s3 = settings.client()) {
      ListObjectsV2Request request =
          ListObjectsV2Request.builder().bucket(folder.bucket()).prefix(folder.prefix()).build();
      for (S3Object object : s3.listObjectsV2Paginator(request).contents()) {
        String relative = object.key().substring(folder.prefix().length());
        if (relative.isEmpty() || relative.endsWith("/") || isHidden(relative)) {
          continue;
        }
        files.add(
            new LogFile(
                "s3://" + folder.bucket() + "/" + object.key(),
                object.key().substring(parent.length()),
                object.size(),
                object.lastModified().toEpochMilli()));
      }
    } catch (SdkException e) {
      throw new IOException("cannot list " + folder + ": " + e.getMessage(), e);
    }
    return files;
  }

  private static boolean isHidden(String relativeKey) {
    for (String part : relativeKey.split("/", -1)) {
      if (part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** An s3://bucket/prefix location; the prefix always ends with "/" unless empty. */
  record Location(String bucket, String prefix) {
    static Location parse(String location) {
      URI uri = URI.create(location);
      if (!"s3".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException(location + " is not an s3://bucket/prefix location");
      }
      String prefix = uri.getPath().replaceFirst("^/", "");
      if (!prefix.isEmpty() && !prefix.endsWith("/")) {
        prefix += "/";
      }
      return new Location(uri.getHost(), prefix);
    }

    @Override
    public String toString() {
      return "s3://" + bucket + "/" + prefix;
    }
  }
}
