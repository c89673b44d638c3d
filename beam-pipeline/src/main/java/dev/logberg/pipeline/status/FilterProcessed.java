package dev.logberg.pipeline.status;

import dev.logberg.pipeline.Counters;
import dev.logberg.pipeline.discover.AppFolder;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps the application folders this run must process, by the rules of {@link DecisionPolicy}. */
public final class FilterProcessed
    extends PTransform<PCollection<AppFolder>, PCollection<PlannedRun>> {
  private final PCollectionView<Map<String, AppStatus>> latest;
  private final DecisionPolicy policy;
  private final long nowMicros;

  private FilterProcessed(
      PCollectionView<Map<String, AppStatus>> latest, DecisionPolicy policy, long nowMicros) {
    this.latest = latest;
    this.policy = policy;
    this.nowMicros = nowMicros;
  }

  public static FilterProcessed using(
      PCollectionView<Map<String, AppStatus>> latest, DecisionPolicy policy, long nowMicros) {
    return new FilterProcessed(latest, policy, nowMicros);
  }

  @Override
  public PCollection<PlannedRun> expand(PCollection<AppFolder> folders) {
    return folders
        .apply("Decide", ParDo.of(new Decide(latest, policy, nowMicros)).withSideInputs(latest))
        .setCoder(SerializableCoder.of(PlannedRun.class));
  }

  static final class Decide extends DoFn<AppFolder, PlannedRun> {
    private static final Logger LOG = LoggerFactory.getLogger(Decide.class);
    private final PCollectionView<Map<String, AppStatus>> latest;
    private final DecisionPolicy policy;
    private final long nowMicros;

    Decide(PCollectionView<Map<String, AppStatus>> latest, DecisionPolicy policy, long nowMicros) {
      this.latest = latest;
      this.policy = policy;
      this.nowMicros = nowMicros;
    }

    @ProcessElement
    public void process(@Element AppFolder folder, ProcessContext context) {
      AppStatus previous = context.sideInput(latest).get(folder.appId());
      Decision decision = policy.decide(folder.appId(), folder.fingerprint(), previous, nowMicros);
      Counters.counter(Counters.DECISION_PREFIX + decision.name()).inc();
      if (!decision.process()) {
        Counters.counter(Counters.FOLDERS_SKIPPED).inc();
        if (decision == Decision.SKIP_ATTEMPTS_EXHAUSTED) {
          LOG.warn(
              "Skipping {}: it failed {} times (--maxAttempts); fix the cause and pass --reprocess={}",
              folder.appId(),
              Objects.requireNonNull(previous, "attempts are exhausted on a FAILED status")
                  .attempts(),
              folder.appId());
        }
        return;
      }
      Counters.counter(Counters.FOLDERS_TO_PROCESS).inc();
      context.output(
          new PlannedRun(folder, decision, DecisionPolicy.attemptOf(decision, previous)));
    }
  }
}
