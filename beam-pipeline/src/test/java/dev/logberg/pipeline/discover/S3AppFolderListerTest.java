package dev.logberg.pipeline.discover;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.logberg.pipeline.storage.LoopbackS3;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery on a real S3 server on loopback. */
class S3AppFolderListerTest {
  private static final String BUCKET = "logs";
  private static final String ROOT = "s3://logs/spark-application-logs/team-a";
  private static final int APPS = 1_005;

  @TempDir static Path dir;
  private static LoopbackS3 s3;

  @BeforeAll
  static void startS3() {
    s3 = new LoopbackS3(dir);
    s3.createBucket(BUCKET);
    byte[] line = "{}\n".getBytes(StandardCharsets.UTF_8);
    // More application folders than one ListObjectsV2 page (1,000) holds.
    for (int i = 0; i < APPS; i++) {
      s3.put(
          BUCKET,
          String.format(
              "spark-application-logs/team-a/spark-%032x/driver/driver_000000_aaaaaa.json", i),
          line);
    }
    s3.put(
        BUCKET,
        "spark-application-logs/team-a/spark-00000000000000000000000000000001/exec-1/e_1.json.gz",
        new byte[] {1, 2, 3});
    s3.put(
        BUCKET,
        "spark-application-logs/team-a/spark-00000000000000000000000000000001/exec-1/.e_1.json.swp",
        line);
    s3.put(BUCKET, "spark-application-logs/team-a/fluent-bit-buffer/chunk_000001.json", line);
    s3.put(
        BUCKET,
        "spark-application-logs/team-a/spark-ffffffffffffffffffffffffffffffff/.gitkeep",
        new byte[0]);
    s3.put(
        BUCKET,
        "spark-application-logs/team-b/spark-0123456789abcdef0123456789abcdef/d/d.json",
        line);
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  private static AppFolderLister lister() {
    return AppFolderLister.forLocation(ROOT, s3.settings());
  }

  @Test
  void findsEveryApplicationFolderAcrossPagesAndIgnoresOthers() throws IOException {
    List<String> folders = lister().listAppFolders(ROOT);
    // 1,005 with files, plus the one holding only a hidden file; not fluent-bit-buffer, not team-b.
    assertThat(folders, hasSize(APPS + 1));
    assertThat(
        folders.get(0),
        is("s3://logs/spark-application-logs/team-a/spark-00000000000000000000000000000000/"));
    assertThat(lister().listAppFolders(ROOT + "/"), is(folders));
  }

  @Test
  void listsAFoldersFilesWithSourceNamesFromTheFolderParentAndSkipsHiddenOnes() throws IOException {
    List<LogFile> files =
        lister()
            .listFiles(
                "s3://logs/spark-application-logs/team-a/spark-00000000000000000000000000000001/");
    assertThat(
        files.stream().map(LogFile::sourceFile).sorted().toList(),
        is(
            List.of(
                "spark-00000000000000000000000000000001/driver/driver_000000_aaaaaa.json",
                "spark-00000000000000000000000000000001/exec-1/e_1.json.gz")));
    assertThat(files.stream().mapToLong(LogFile::size).sum(), is(3L + 3L));
    assertThat(
        lister()
            .listFiles(
                "s3://logs/spark-application-logs/team-a/spark-ffffffffffffffffffffffffffffffff/"),
        hasSize(0));
  }

  @Test
  void aMissingBucketFailsNamingTheLocation() {
    IOException e =
        assertThrows(IOException.class, () -> lister().listAppFolders("s3://no-such-bucket/logs"));
    assertThat(e.getMessage(), containsString("cannot list s3://no-such-bucket/logs/"));
  }
}
