package dev.logberg.pipeline.status;

import dev.logberg.pipeline.Counters;
import dev.logberg.pipeline.RunContext;
import dev.logberg.pipeline.discover.AppFolder;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.upsert.CatalogSpec;
import dev.logberg.upsert.FaultPoints;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
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

  private final CatalogSpec catalog;
  private final LogbergTables tables;
  private final DecisionPolicy policy;
  private final RunContext context;
  private final long heartbeatSeconds;

  private ClaimWork(
      CatalogSpec catalog,
      LogbergTables tables,
      DecisionPolicy policy,
      RunContext context,
      long heartbeatSeconds) {
    this.catalog = catalog;
    this.tables = tables;
    this.policy = policy;
    this.context = context;
    this.heartbeatSeconds = heartbeatSeconds;
  }

  /**
   * @param heartbeatSeconds the interval of every run's {@link Heartbeat}: a claim whose heartbeat
   *     stopped for three of them is taken over
   */
  public static ClaimWork in(
      CatalogSpec catalog,
      LogbergTables tables,
      DecisionPolicy policy,
      RunContext context,
      long heartbeatSeconds) {
    return new ClaimWork(catalog, tables, policy, context, heartbeatSeconds);
  }

  @Override
  public PCollection<PlannedRun> expand(PCollection<AppFolder> candidates) {
    return candidates
        .apply("OneKey", WithKeys.of(0))
        .setCoder(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(AppFolder.class)))
        .apply("AllCandidates", GroupByKey.create())
        .apply("Claim", ParDo.of(new ClaimFn(catalog, tables, policy, context, heartbeatSeconds)))
        .setCoder(SerializableCoder.of(PlannedRun.class));
  }

  static final class ClaimFn extends DoFn<KV<Integer, Iterable<AppFolder>>, PlannedRun> {
    private final CatalogSpec catalog;
    private final LogbergTables tables;
    private final DecisionPolicy policy;
    private final RunContext context;
    private final long heartbeatSeconds;

    ClaimFn(
        CatalogSpec catalog,
        LogbergTables tables,
        DecisionPolicy policy,
        RunContext context,
        long heartbeatSeconds) {
      this.catalog = catalog;
      this.tables = tables;
      this.policy = policy;
      this.context = context;
      this.heartbeatSeconds = heartbeatSeconds;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<AppFolder>> candidates, OutputReceiver<PlannedRun> out)
        throws InterruptedException {
      List<AppFolder> folders = new ArrayList<>();
      candidates.getValue().forEach(folders::add);
      Claimer.Claimed claimed =
          catalog.apply(
              c -> {
                try {
                  return new Claimer(c, tables, policy, context, heartbeatSeconds).claim(folders);
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
      FaultPoints.reach(CLAIMED);
      claimed.runs().forEach(out::output);
    }
  }
}
