package dev.logberg.upsert;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The manifest step's decisions, without a table (TableUpkeepTest runs them on one). */
class ManifestLayoutTest {
  static final long TARGET = 8L * 1024 * 1024;

  static List<String> days(int n) {
    return IntStream.range(0, n).mapToObj(d -> "0/day=" + (1000 + d)).toList();
  }

  static ManifestLayout.Manifest manifest(String path, long bytes, List<String> partitions) {
    return new ManifestLayout.Manifest(path, bytes, Set.copyOf(partitions));
  }

  static ManifestLayout.Decision decide(List<String> partitions, List<ManifestLayout.Manifest> m) {
    return ManifestLayout.decide(partitions, m, 32, TARGET, TARGET / 2);
  }

  @Test
  void oneManifestAcrossDaysIsRewrittenOnePartitionEach() {
    List<String> days = days(6);
    ManifestLayout.Decision d = decide(days, List.of(manifest("m0", 20_000, days)));
    assertThat(d.rewrite(), is(true));
    assertThat(d.reason(), containsString("covers 6 partitions (clustered: at most 1)"));
    assertThat(d.partitionsPerManifest(), is(1));
    assertThat(
        days.stream().map(d::clusterOf).collect(Collectors.toSet()),
        is(Set.copyOf(List.of(0, 1, 2, 3, 4, 5))));
    // A partition unknown at the decision (committed concurrently) is its own cluster.
    assertThat(d.clusterOf("0/day=9999"), is("0/day=9999"));
  }

  @Test
  void aClusteredTableIsLeftAlone() {
    List<String> days = days(6);
    List<ManifestLayout.Manifest> clustered = new ArrayList<>();
    days.forEach(day -> clustered.add(manifest("m-" + day, 7_000, List.of(day))));
    // Plus what compaction's commits and the empty file add: single-partition manifests, and one
    // with deleted entries only.
    clustered.add(manifest("compacted", 6_000, List.of(days.get(5))));
    clustered.add(manifest("empty-file", 6_000, List.of(days.get(5))));
    clustered.add(manifest("only-deletes", 6_000, List.of()));
    ManifestLayout.Decision d = decide(days, clustered);
    assertThat(d.rewrite(), is(false));
    assertThat(d.reason(), is(nullValue()));
  }

  @Test
  void beyondTheRunsPartitionsShareAManifestInOrder() {
    List<String> days = days(70); // 32 runs: 3 consecutive days each, 24 runs
    ManifestLayout.Decision d = decide(days, List.of(manifest("m0", 100_000, days)));
    assertThat(d.rewrite(), is(true));
    assertThat(d.partitionsPerManifest(), is(3));
    assertThat(d.clusterOf(days.get(0)), is(0));
    assertThat(d.clusterOf(days.get(2)), is(0));
    assertThat(d.clusterOf(days.get(3)), is(1));
    assertThat(d.clusterOf(days.get(69)), is(23));
    // Clustered so, a manifest of three days is fine, one of four is not.
    List<ManifestLayout.Manifest> clustered = new ArrayList<>();
    for (int i = 0; i < 70; i += 3) {
      clustered.add(manifest("m" + i, 9_000, days.subList(i, Math.min(70, i + 3))));
    }
    assertThat(decide(days, clustered).rewrite(), is(false));
    clustered.add(manifest("run", 3_000, days.subList(10, 14)));
    assertThat(decide(days, clustered).rewrite(), is(true));
  }

  @Test
  void manySmallManifestsOfFewPartitionsAreConsolidated() {
    List<String> days = days(2);
    List<ManifestLayout.Manifest> hourly = new ArrayList<>();
    for (int h = 0; h < 64; h++) {
      hourly.add(manifest("h" + h, 5_000, List.of(days.get(h % 2))));
    }
    assertThat(
        "64 = 2 x 32 small manifests are still fine", decide(days, hourly).rewrite(), is(false));
    hourly.add(manifest("h64", 5_000, List.of(days.get(0))));
    ManifestLayout.Decision d = decide(days, hourly);
    assertThat(d.rewrite(), is(true));
    assertThat(d.reason(), containsString("65 small data manifests (more than 64)"));
    // Manifests at the target size are not small: rolled pieces of a large partition stay.
    List<ManifestLayout.Manifest> large = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      large.add(manifest("l" + i, TARGET, List.of(days.get(0))));
    }
    assertThat(ManifestLayout.decide(days, large, 32, TARGET, Long.MAX_VALUE).rewrite(), is(false));
  }

  @Test
  void notDoneWhenIcebergsMergeWouldPackTheManifestsAgain() {
    List<String> days = days(6);
    ManifestLayout.Decision d = decide(days, List.of(manifest("m0", TARGET / 2 + 1, days)));
    assertThat(d.rewrite(), is(false));
    assertThat(d.reason(), containsString("Iceberg's manifest merging"));
    // Without the limit (merging off) it is done.
    assertThat(
        ManifestLayout.decide(
                days, List.of(manifest("m0", TARGET / 2 + 1, days)), 32, TARGET, Long.MAX_VALUE)
            .rewrite(),
        is(true));
  }
}
