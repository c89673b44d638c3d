package dev.logberg.upsert;

import static dev.logberg.upsert.TestLake.append;
import static dev.logberg.upsert.TestLake.row;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The maintenance command, distributed on the DirectRunner, over a table written without upserts.
 */
class DeduplicateTest {
  @TempDir Path dir;

  @Test
  void leavesOneLiveRowPerKeyInAnExistingTable() {
    TestLake lake = new TestLake(dir);
    Table table = lake.create("dedupe", 2, true);
    append(table, row("a", "a1", 1, "x"), row("b", "b2", 2, "y"), row("b", "b1", 1, "x"));
    append(table, row("a", "a3", 3, "y"), row("c", "c1", 1, "x"), row("a", "a2", 2, "x"));
    assertThat(TestLake.liveCount(table), is(6L));

    List<String> args =
        new ArrayList<>(
            List.of(
                "--table=db.dedupe",
                "--mergeKeys=id",
                "--orderBy=ts",
                "--catalogName=test",
                // The distributed path: the in-process one is what MergeKeyResolverTest covers.
                "--inProcessMaxRows=0"));
    StringBuilder properties = new StringBuilder("--catalogProperties=");
    lake.workerSpec
        .properties()
        .forEach((k, v) -> properties.append(k).append('=').append(v).append(','));
    args.add(properties.substring(0, properties.length() - 1));
    Deduplicate.Options options =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
            .withValidation()
            .as(Deduplicate.Options.class);

    assertThat(Deduplicate.run(options).getState(), is(PipelineResult.State.DONE));
    assertThat(TestLake.live(table), is(Map.of("a", "a3", "b", "b2", "c", "c1")));
  }
}
