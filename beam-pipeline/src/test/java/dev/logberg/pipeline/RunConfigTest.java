package dev.logberg.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import dev.logberg.pipeline.read.FileGroups;
import java.nio.file.Path;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.CrashingRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunConfigTest {

  private static RunConfig on(Class<? extends PipelineRunner<?>> runner, Path dir, String... more) {
    String[] base = {"--input=" + dir, "--warehouse=" + dir.resolve("w")};
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    LogbergOptions options = PipelineOptionsFactory.fromArgs(args).as(LogbergOptions.class);
    options.setRunner(runner);
    return RunConfig.of(options, RunContext.startingNow("logberg-test-run"));
  }

  /**
   * The DirectRunner holds a few chunks of every read group in memory, so it reads few large
   * groups; a runner that places groups on workers by a random key (any other) reads many small
   * ones, so that the placement evens out.
   */
  @Test
  void readGroupsAreSizedForTheRunner(@TempDir Path dir) {
    assertThat(on(DirectRunner.class, dir).readGroupBytes(), is(FileGroups.FEW_GROUP_BYTES));
    assertThat(on(CrashingRunner.class, dir).readGroupBytes(), is(FileGroups.SPREAD_GROUP_BYTES));
    assertThat(on(CrashingRunner.class, dir, "--readGroups=3").readGroups(), is(3));
  }

  @Test
  void maxBytesReadsSizesInBinaryUnits() {
    assertThat(RunConfig.bytes("0"), is(0L));
    assertThat(RunConfig.bytes("1500"), is(1_500L));
    assertThat(RunConfig.bytes("500MB"), is(500L << 20));
    assertThat(RunConfig.bytes("20GB"), is(20L << 30));
    assertThat(RunConfig.bytes("2TB"), is(2L << 40));
  }
}
