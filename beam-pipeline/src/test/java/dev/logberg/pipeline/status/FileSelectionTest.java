package dev.logberg.pipeline.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import dev.logberg.pipeline.discover.AppFolder;
import dev.logberg.pipeline.discover.LogFile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** README's rows on files: which files of a processed application a run lands. */
class FileSelectionTest {
  private static final String APP = "spark-aa";

  private static LogFile file(String name, long size) {
    return new LogFile("/logs/" + APP + "/" + name, APP + "/" + name, size, 0);
  }

  private static final LogFile A = file("driver/a.json", 10);
  private static final LogFile B = file("driver/b.json", 20);
  private static final LogFile C = file("exec-1/c.json", 30);
  private static final AppFolder FOLDER = new AppFolder(APP, "/logs/" + APP, List.of(C, A, B));

  private static Map<String, LandedFile> landed(LogFile... files) {
    java.util.HashMap<String, LandedFile> map = new java.util.HashMap<>();
    for (LogFile f : files) {
      map.put(f.sourceFile(), new LandedFile(f.sourceFile(), f.size(), 1L, 0L));
    }
    return map;
  }

  @Test
  void aGrownFolderLandsItsNewFilesOnly() {
    Map<String, LandedFile> landed = landed(A, B);
    assertThat(FileSelection.toLand(FOLDER, Decision.PROCESS_CHANGED, landed), contains(C));
    assertThat(FileSelection.kept(FOLDER, Decision.PROCESS_CHANGED, landed), contains(A, B));
  }

  @Test
  void aFileWhoseSizeChangedIsLandedAgain() {
    Map<String, LandedFile> landed = landed(A, C);
    landed.put(B.sourceFile(), new LandedFile(B.sourceFile(), 5, 1L, 0L));
    assertThat(FileSelection.toLand(FOLDER, Decision.RETRY_FAILED, landed), contains(B));
  }

  @Test
  void aFailedOrTakenOverRunLandsWhatIsNotLandedYet() {
    for (Decision d :
        new Decision[] {
          Decision.RETRY_FAILED, Decision.TAKE_OVER_LAPSED, Decision.RESUME_OWN_CLAIM
        }) {
      assertThat(FileSelection.toLand(FOLDER, d, landed(A)), contains(B, C));
      assertThat(FileSelection.toLand(FOLDER, d, landed(A, B, C)), is(empty()));
    }
  }

  @Test
  void newAndForcedApplicationsLandEveryFile() {
    for (Decision d : new Decision[] {Decision.PROCESS_NEW, Decision.PROCESS_FORCED}) {
      assertThat(FileSelection.toLand(FOLDER, d, landed(A, B, C)), contains(A, B, C));
      assertThat(FileSelection.kept(FOLDER, d, landed(A, B, C)), is(empty()));
    }
  }

  @Test
  void theFilesOfAnEarlierFingerprintAreFoundByNameOrder() {
    AppFolder before = new AppFolder(APP, "/logs/" + APP, List.of(A, B));
    assertThat(FOLDER.prefixWithFingerprint(before.fingerprint()), contains(A, B));
    assertThat(FOLDER.prefixWithFingerprint(FOLDER.fingerprint()), contains(A, B, C));
    AppFolder empty = new AppFolder(APP, "/logs/" + APP, List.of());
    assertThat(FOLDER.prefixWithFingerprint(empty.fingerprint()), is(empty()));
    // Not a prefix (an old file was removed or renamed): the caller reads the landed rows instead.
    AppFolder other = new AppFolder(APP, "/logs/" + APP, List.of(B));
    assertThat(FOLDER.prefixWithFingerprint(other.fingerprint()), is(nullValue()));
  }
}
