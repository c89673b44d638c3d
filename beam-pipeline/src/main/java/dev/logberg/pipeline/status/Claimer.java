package dev.logberg.pipeline.status;

import dev.logberg.pipeline.Counters;
import dev.logberg.pipeline.RunContext;
import dev.logberg.pipeline.discover.AppFolder;
import dev.logberg.pipeline.discover.LogFile;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.pipeline.tables.ProcessingMetadataTable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which applications this run takes and claims them exclusively: the decision is made on
 * one snapshot of the metadata table, and the PROCESSING rows are committed only if no other run
 * committed a row for those applications since. A run that loses the race reads again and decides
 * again, so the applications the winner took are skipped (or, once the winner is done, found done).
 */
final class Claimer {
  private static final Logger LOG = LoggerFactory.getLogger(Claimer.class);

  /** Lost races after which the run gives up: other runs keep claiming the same applications. */
  static final int MAX_CONFLICTS = 10;

  private final Catalog catalog;
  private final LogbergTables tables;
  private final DecisionPolicy policy;
  private final RunContext context;
  private final long leaseMicros;
  private final long pollMillis;

  Claimer(Catalog catalog, ClaimWork.Settings settings) {
    this.catalog = catalog;
    this.tables = settings.tables();
    this.policy = settings.policy();
    this.context = settings.context();
    this.leaseMicros = Heartbeat.leaseMicros(settings.heartbeatSeconds());
    this.pollMillis = Math.max(100, TimeUnit.SECONDS.toMillis(settings.heartbeatSeconds()) / 2);
  }

  /** What the claim step decided: the runs it claimed, and the decision for every folder. */
  record Claimed(List<PlannedRun> runs, Map<Decision, Integer> decisions) {}

  Claimed claim(List<AppFolder> found) throws InterruptedException {
    Map<Decision, Integer> settled = new EnumMap<>(Decision.class);
    List<AppFolder> folders = unsettled(found, settled);
    Claimed claimed = claimUnsettled(folders);
    claimed.decisions().forEach((decision, count) -> settled.merge(decision, count, Integer::sum));
    return new Claimed(claimed.runs(), settled);
  }

  /**
   * The folders whose decision depends on claims: the others are skipped whoever claims what (done
   * and unchanged, attempts exhausted) and counted in {@code settled}. One read of the statuses of
   * the applications found, so that the claim's retries decide over the rest only.
   */
  private List<AppFolder> unsettled(List<AppFolder> found, Map<Decision, Integer> settled) {
    Map<String, AppStatus> latest;
    try {
      latest =
          LatestStatuses.read(
              catalog.loadTable(tables.metadataTable()),
              found.stream().map(AppFolder::appId).toList(),
              null);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot read the metadata table "
              + tables.metadataTable()
              + " ("
              + e
              + "); refusing to treat it as empty, which would reprocess every application",
          e);
    }
    List<AppFolder> open = new ArrayList<>();
    for (AppFolder folder : found) {
      AppStatus previous = latest.get(folder.appId());
      Decision skip = policy.settledSkip(folder.appId(), folder.fingerprint(), previous);
      if (skip == null) {
        open.add(folder);
        continue;
      }
      settled.merge(skip, 1, Integer::sum);
      if (skip == Decision.SKIP_ATTEMPTS_EXHAUSTED) {
        LOG.warn(
            "Skipping {}: it failed {} times (--maxAttempts); fix the cause and pass --reprocess={}",
            folder.appId(),
            Objects.requireNonNull(previous).attempts(),
            folder.appId());
      }
    }
    LOG.info(
        "{} applications found, {} settled without a claim {}",
        found.size(),
        found.size() - open.size(),
        settled);
    return open;
  }

  private Claimed claimUnsettled(List<AppFolder> folders) throws InterruptedException {
    HeartbeatWatch watch = new HeartbeatWatch(context.jobId(), leaseMicros);
    List<String> apps = folders.stream().map(AppFolder::appId).toList();
    if (apps.isEmpty()) {
      return new Claimed(List.of(), Map.of());
    }
    int conflicts = 0;
    while (true) {
      Table metadata = catalog.loadTable(tables.metadataTable());
      Snapshot base = metadata.currentSnapshot();
      long baseId = base == null ? -1L : base.snapshotId();
      Map<String, AppStatus> latest =
          LatestStatuses.read(metadata, apps, base == null ? null : baseId);
      Map<String, ClaimState> claims = claimStates(watch, latest, Heartbeat.beats(metadata));
      if (claims.containsValue(ClaimState.UNDECIDED)) {
        Thread.sleep(pollMillis); // watching another run's heartbeat: at most one lease in all
        continue;
      }
      Claimed claimed = decide(folders, latest, claims);
      List<Record> rows = new ArrayList<>();
      long now = RunContext.nowMicros();
      for (PlannedRun run : claimed.runs()) {
        if (run.decision() != Decision.RESUME_OWN_CLAIM) {
          rows.add(StatusRows.processing(run, context, now));
        }
      }
      if (rows.isEmpty()) {
        return claimed;
      }
      try {
        RunFencing.fence(catalog, tables, takenOver(claimed, latest), context.jobId());
        TableCommits.publishIfUnchanged(
            context.jobId(),
            metadata,
            ProcessingMetadataTable.MERGE_KEYS,
            rows,
            baseId,
            ProcessingMetadataTable.SPARK_APP_SELECTOR,
            claimed.runs().stream().map(PlannedRun::appId).toList());
        LOG.info(
            "Claimed {} applications for {} (decisions {})",
            rows.size(),
            context.jobId(),
            claimed.decisions());
        return claimed;
      } catch (ValidationException | CommitFailedException e) {
        conflicts++;
        if (conflicts >= MAX_CONFLICTS) {
          throw new IllegalStateException(
              "lost the race to claim applications " + conflicts + " times in a row", e);
        }
        LOG.info(
            "Another run claimed some of these applications first ({}); deciding again",
            e.getMessage());
      }
    }
  }

  /** The runs whose lapsed claims this decision takes over. */
  private static Set<String> takenOver(Claimed claimed, Map<String, AppStatus> latest) {
    Set<String> jobs = new TreeSet<>();
    for (PlannedRun run : claimed.runs()) {
      if (run.decision() == Decision.TAKE_OVER_LAPSED) {
        jobs.add(Objects.requireNonNull(latest.get(run.appId())).jobId());
      }
    }
    return jobs;
  }

  private Map<String, ClaimState> claimStates(
      HeartbeatWatch watch, Map<String, AppStatus> latest, Map<String, Long> beats) {
    Map<String, ClaimState> states = new HashMap<>();
    long now = RunContext.nowMicros();
    latest.forEach(
        (app, status) ->
            states.put(
                app,
                status.status() == ProcessingStatus.PROCESSING
                    ? watch.observe(status.jobId(), beats.get(status.jobId()), now)
                    : ClaimState.NONE));
    return states;
  }

  private Claimed decide(
      List<AppFolder> folders, Map<String, AppStatus> latest, Map<String, ClaimState> claims) {
    Map<Decision, Integer> decisions = new EnumMap<>(Decision.class);
    Map<AppFolder, Decision> chosen = new HashMap<>();
    for (AppFolder folder : folders) {
      AppStatus status = latest.get(folder.appId());
      Decision decision =
          policy.decide(
              folder.appId(),
              folder.fingerprint(),
              status,
              claims.getOrDefault(folder.appId(), ClaimState.NONE));
      decisions.merge(decision, 1, Integer::sum);
      if (decision.process()) {
        chosen.put(folder, decision);
      } else if (decision == Decision.SKIP_CLAIMED) {
        LOG.info(
            "Skipping {}: claimed by {}, which is alive",
            folder.appId(),
            Objects.requireNonNull(status).jobId());
      }
    }
    int withWork = chosen.size();
    Set<AppFolder> slice =
        Set.copyOf(policy.slice(List.copyOf(chosen.keySet()), AppFolder::appId, AppFolder::bytes));
    if (slice.size() < withWork) {
      for (AppFolder later : List.copyOf(chosen.keySet())) {
        if (!slice.contains(later)) {
          Decision deferred = chosen.remove(later);
          decisions.computeIfPresent(deferred, (d, n) -> n == 1 ? null : n - 1);
          decisions.merge(Decision.SKIP_DEFERRED, 1, Integer::sum);
        }
      }
      LOG.info(
          "--maxApplications={} --maxBytes={}: this run processes {} of the {} applications with"
              + " work; {} are left for the next runs",
          policy.maxApplications(),
          policy.maxBytes(),
          slice.size(),
          withWork,
          withWork - slice.size());
    }
    List<String> selective =
        chosen.entrySet().stream()
            .filter(e -> !e.getValue().allFiles())
            .map(e -> e.getKey().appId())
            .toList();
    Map<String, Map<String, LandedFile>> landed =
        LandedFiles.read(catalog.loadTable(tables.filesTable()), selective);
    List<PlannedRun> runs = new ArrayList<>();
    chosen.forEach(
        (folder, decision) ->
            runs.add(
                plan(
                    folder,
                    decision,
                    latest.get(folder.appId()),
                    landed.getOrDefault(folder.appId(), Map.of()))));
    return new Claimed(runs, decisions);
  }

  private PlannedRun plan(
      AppFolder folder,
      Decision decision,
      @Nullable AppStatus latest,
      Map<String, LandedFile> landed) {
    int attempt = DecisionPolicy.attemptOf(decision, latest);
    if (landed.isEmpty() && decision == Decision.PROCESS_CHANGED && latest != null) {
      return migrated(folder, decision, attempt, latest);
    }
    long keptRecords = 0;
    long keptRejected = 0;
    for (LogFile kept : FileSelection.kept(folder, decision, landed)) {
      LandedFile row = Objects.requireNonNull(landed.get(kept.sourceFile()));
      keptRecords += row.rows() == null ? 0 : row.rows();
      keptRejected += row.rejects() == null ? 0 : row.rejects();
    }
    return new PlannedRun(
        folder,
        decision,
        attempt,
        FileSelection.toLand(folder, decision, landed),
        List.of(),
        keptRecords,
        keptRejected);
  }

  /**
   * An application an earlier release landed whole (SUCCESS, no files-table rows): its landed files
   * are the old fingerprint's files, found by name order, or else those with landed rows.
   */
  private PlannedRun migrated(AppFolder folder, Decision decision, int attempt, AppStatus latest) {
    List<LogFile> old = folder.prefixWithFingerprint(latest.fingerprint());
    if (old == null) {
      Set<String> withRows =
          LandedFiles.withRows(
              catalog.loadTable(tables.dataTable()),
              catalog.loadTable(tables.rejectsTable()),
              folder.appId());
      old = folder.files().stream().filter(f -> withRows.contains(f.sourceFile())).toList();
    }
    Set<LogFile> landed = Set.copyOf(old);
    Counters.counter(Counters.FILES_MIGRATED).inc(old.size());
    LOG.info(
        "Migrating {}: {} files landed by an earlier release are recorded, {} are new",
        folder.appId(),
        old.size(),
        folder.files().size() - old.size());
    return new PlannedRun(
        folder,
        decision,
        attempt,
        folder.files().stream().filter(f -> !landed.contains(f)).toList(),
        old,
        latest.records() == null ? 0 : latest.records(),
        latest.rejected() == null ? 0 : latest.rejected());
  }
}
