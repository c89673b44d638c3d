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

/**
 * Drops the application folders this run certainly skips ({@link DecisionPolicy#settledSkip}),
 * comparing each folder's fingerprint with its status in the side input: one row per application,
 * however many files were ever landed. The rest go to {@link ClaimWork}, which decides with the
 * claims and the per-file state of just those applications.
 */
public final class FilterProcessed
    extends PTransform<PCollection<AppFolder>, PCollection<AppFolder>> {
  private final PCollectionView<Map<String, AppStatus>> latest;
  private final DecisionPolicy policy;

  private FilterProcessed(PCollectionView<Map<String, AppStatus>> latest, DecisionPolicy policy) {
    this.latest = latest;
    this.policy = policy;
  }

  public static FilterProcessed using(
      PCollectionView<Map<String, AppStatus>> latest, DecisionPolicy policy) {
    return new FilterProcessed(latest, policy);
  }

  @Override
  public PCollection<AppFolder> expand(PCollection<AppFolder> folders) {
    return folders
        .apply("Decide", ParDo.of(new Decide(latest, policy)).withSideInputs(latest))
        .setCoder(SerializableCoder.of(AppFolder.class));
  }

  static final class Decide extends DoFn<AppFolder, AppFolder> {
    private static final Logger LOG = LoggerFactory.getLogger(Decide.class);
    private final PCollectionView<Map<String, AppStatus>> latest;
    private final DecisionPolicy policy;

    Decide(PCollectionView<Map<String, AppStatus>> latest, DecisionPolicy policy) {
      this.latest = latest;
      this.policy = policy;
    }

    @ProcessElement
    public void process(@Element AppFolder folder, ProcessContext context) {
      AppStatus previous = context.sideInput(latest).get(folder.appId());
      Decision skip = policy.settledSkip(folder.appId(), folder.fingerprint(), previous);
      if (skip == null) {
        context.output(folder);
        return;
      }
      Counters.counter(Counters.DECISION_PREFIX + skip.name()).inc();
      Counters.counter(Counters.FOLDERS_SKIPPED).inc();
      if (skip == Decision.SKIP_ATTEMPTS_EXHAUSTED) {
        LOG.warn(
            "Skipping {}: it failed {} times (--maxAttempts); fix the cause and pass --reprocess={}",
            folder.appId(),
            Objects.requireNonNull(previous, "attempts are exhausted on a FAILED status")
                .attempts(),
            folder.appId());
      }
    }
  }
}
