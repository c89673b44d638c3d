package dev.logberg.testdata;

import dev.logberg.testdata.TreePlan.Origin;
import java.util.List;

/** The ground truth of a generated tree: what pipeline tests compare their tables against. */
record Manifest(
    Origin origin,
    List<App> apps,
    Tally totals,
    List<String> ignoredFolders,
    List<String> emptyAppFolders) {

  /** One application folder; {@code appId} is also the folder name. */
  record App(String appId, List<String> pods, Tally tally) {}
}
