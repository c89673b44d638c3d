package dev.logberg.pipeline.status;

import dev.logberg.pipeline.Counters;
import dev.logberg.pipeline.RunContext;
import dev.logberg.pipeline.discover.AppFolder;
import dev.logberg.pipeline.discover.LogFile;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.upsert.CatalogSpec;
import dev.logberg.upsert.faults.FaultPoints;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Claims the candidate applications in one conditional commit ({@link Claimer}) and outputs what
 * this run lands of each. Every candidate meets in one element: a claim is one commit, and a run
 * that lost a race must decide again over all of them.
 */
public final class ClaimWork extends PTransform<PCollection<AppFolder>, PCollection<PlannedRun>> {
  /** Fault point (see {@link FaultPoints}): the claim is committed, nothing is read yet. */
  public static final String CLAIMED = "claimed";

  /**
   * What claiming needs: where the tables are, the rules, the run, and its heartbeat interval (a
   * claim whose heartbeat stopped for three of them is taken over).
   */
  record Settings(
      CatalogSpec catalog,
      LogbergTables tables,
      DecisionPolicy policy,
      RunContext context,
      long heartbeatSeconds)
      implements Serializable {}

  private final Settings settings;

  private ClaimWork(Settings settings) {
    this.settings = settings;
  }

  /**
   * @param heartbeatSeconds the interval of every run's {@link Heartbeat}
   */
  public static ClaimWork in(
      CatalogSpec catalog,
      LogbergTables tables,
      DecisionPolicy policy,
      RunContext context,
      long heartbeatSeconds) {
    return new ClaimWork(new Settings(catalog, tables, policy, context, heartbeatSeconds));
  }

  @Override
  public PCollection<PlannedRun> expand(PCollection<AppFolder> candidates) {
    return candidates
        .apply("OneKey", WithKeys.of(0))
        .setCoder(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(AppFolder.class)))
        .apply("AllCandidates", GroupByKey.create())
        .apply("Claim", ParDo.of(new ClaimFn(settings)))
        .setCoder(SerializableCoder.of(PlannedRun.class));
  }

  static final class ClaimFn extends DoFn<KV<Integer, Iterable<AppFolder>>, PlannedRun> {
    private final Settings settings;

    ClaimFn(Settings settings) {
      this.settings = settings;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<AppFolder>> candidates, OutputReceiver<PlannedRun> out) {
      List<AppFolder> folders = new ArrayList<>();
      candidates.getValue().forEach(folders::add);
      Claimer.Claimed claimed =
          settings
              .catalog()
              .apply(
                  c -> {
                    try {
                      return new Claimer(c, settings).claim(folders);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      throw new IllegalStateException("interrupted while claiming", e);
                    }
                  });
      claimed
          .decisions()
          .forEach(
              (decision, count) -> {
                Counters.counter(Counters.DECISION_PREFIX + decision.name()).inc(count);
                Counters.counter(
                        decision.process() ? Counters.FOLDERS_TO_PROCESS : Counters.FOLDERS_SKIPPED)
                    .inc(count);
              });
      List<LogFile> toLand = claimed.runs().stream().flatMap(r -> r.toLand().stream()).toList();
      Counters.counter(Counters.FILES_PLANNED).inc(toLand.size());
      Counters.counter(Counters.BYTES_PLANNED).inc(toLand.stream().mapToLong(LogFile::size).sum());
      toLand.stream()
          .mapToLong(LogFile::modifiedMillis)
          .min()
          .ifPresent(
              Metrics.distribution(Counters.NAMESPACE, Counters.PLANNED_MODIFIED_MILLIS)::update);
      Counters.counter(Counters.CLAIMS_COMMITTED).inc();
      FaultPoints.reach(CLAIMED);
      claimed.runs().forEach(out::output);
    }
  }
}
