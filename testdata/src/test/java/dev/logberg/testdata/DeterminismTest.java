package dev.logberg.testdata;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same seed and options give byte-identical trees, gzip files included; another seed gives another
 * tree.
 */
class DeterminismTest {
  @TempDir Path tmp;

  @Test
  void sameSeedGivesIdenticalBytesAndManifest() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Trees.generate(
        "--out", a.toString(), "--seed", "7", "--size", "2MB", "--manifest", tmp + "/a.json");
    Trees.generate(
        "--out", b.toString(), "--seed", "7", "--size", "2MB", "--manifest", tmp + "/b.json");

    SortedMap<String, String> hashesA = Trees.hashes(a);
    assertThat(hashesA.keySet(), hasItem(endsWith(".json.gz")));
    assertThat(Trees.hashes(b), equalTo(hashesA));
    assertThat(
        Files.readString(tmp.resolve("b.json")), equalTo(Files.readString(tmp.resolve("a.json"))));
  }

  @Test
  void differentSeedGivesDifferentBytes() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Trees.generate("--out", a.toString(), "--seed", "7", "--profile", "testdata");
    Trees.generate("--out", b.toString(), "--seed", "8", "--profile", "testdata");

    assertThat(Trees.hashes(b).values(), not(equalTo(Trees.hashes(a).values())));
  }

  @Test
  void threadCountDoesNotChangeTheOutput() throws Exception {
    Path one = tmp.resolve("one");
    Path three = tmp.resolve("three");
    // A plan holds the pods' random streams, which writing consumes: each run needs its own plan.
    TreePlan plan1 = SizeProfile.plan(11, 1 << 20, SizeProfile.DEFAULT_FIRST_DAY);
    TreePlan plan3 = SizeProfile.plan(11, 1 << 20, SizeProfile.DEFAULT_FIRST_DAY);
    String json1 = ManifestWriter.toJson(TreeGenerator.write(plan1, one, 1));
    String json3 = ManifestWriter.toJson(TreeGenerator.write(plan3, three, 3));

    assertThat(json3, is(json1));
    assertThat(Trees.hashes(three), equalTo(Trees.hashes(one)));
  }
}
