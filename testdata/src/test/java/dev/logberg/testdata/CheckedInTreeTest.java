package dev.logberg.testdata;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checked-in tree and manifest are exactly what the generator writes today, so anyone can
 * reproduce them and a change to the generator cannot silently drift from the data the pipeline
 * tests use.
 */
class CheckedInTreeTest {
  private static final String REGENERATE =
      "regenerate it from the repository root with: mvn -q -pl testdata"
          + " compile exec:java -Dexec.args=\"--out testdata/spark-application-logs/spark-team-a --profile testdata"
          + " --seed 20250115 --manifest testdata/expected/spark-team-a.manifest.json\"";

  @TempDir Path tmp;

  @Test
  void checkedInTreeAndManifestMatchARegeneration() throws Exception {
    Path tree = tmp.resolve("spark-team-a");
    Path manifest = tmp.resolve("manifest.json");
    Trees.generate(
        "--out",
        tree.toString(),
        "--profile",
        "testdata",
        "--seed",
        "20250115",
        "--manifest",
        manifest.toString());

    assertThat(
        "checked-in tree is stale; " + REGENERATE,
        Trees.hashes(Trees.CHECKED_IN_TREE),
        equalTo(Trees.hashes(tree)));
    assertThat(
        "checked-in manifest is stale; " + REGENERATE,
        Files.readString(Trees.CHECKED_IN_MANIFEST),
        equalTo(Files.readString(manifest)));
  }
}
