/**
 * Merge-key upserts for Iceberg tables written through Beam's Managed Iceberg write, published
 * atomically, and their upkeep.
 *
 * <h2>Public API</h2>
 *
 * <p>Ten public types; everything else is package-private.
 *
 * <ul>
 *   <li>{@link dev.logberg.upsert.UpsertIntoIceberg}: the transform: Managed writes the rows into a
 *       staging table, one commit publishes them into the target with one live row per merge key;
 *       {@link dev.logberg.upsert.UpsertIntoIceberg#appendOnly} appends only, and {@link
 *       dev.logberg.upsert.UpsertIntoIceberg#dropUnreadWrittenRows} spares runners the rows
 *       Managed's write emits and nothing reads. {@link dev.logberg.upsert.StagingTable} creates,
 *       lists and drops staging tables. {@link dev.logberg.upsert.Deduplicate} (a command line)
 *       resolves a whole existing table.
 *   <li>{@link dev.logberg.upsert.Publication}: the same publication of data files written by other
 *       means, or of records ({@link dev.logberg.upsert.Publication#publishRecords}), retried on
 *       conflict or validated from the caller's snapshot (an exclusive claim).
 *   <li>{@link dev.logberg.upsert.MergeKeys} (keys, order column, key-determined columns) and
 *       {@link dev.logberg.upsert.CatalogSpec} (how workers open the catalog); {@link
 *       dev.logberg.upsert.RowSchemas} maps Iceberg schemas to Beam's.
 *   <li>{@link dev.logberg.upsert.MergeKeyResolver}: resolution in the calling process (appends
 *       committed by other means, whole tables), with the time of each phase.
 *   <li>{@link dev.logberg.upsert.TableUpkeep}: the front door of upkeep, which runs {@code
 *       ManifestClustering}, {@code Compaction} (with its {@code CompactionRewriter}), {@code
 *       SnapshotExpiry} and {@code OrphanFiles}, one class per job.
 *   <li>{@link dev.logberg.upsert.SharedS3FileIO}: the FileIO to name as {@code io-impl} on S3
 *       (apache/beam issue 36438).
 * </ul>
 *
 * <p>Not API: {@code dev.logberg.upsert.faults} holds the fault-injection tests' hook, public only
 * because beam-pipeline's steps reach its points too.
 *
 * <h2>How a publication flows</h2>
 *
 * <pre>
 * UpsertIntoIceberg
 *   AppendToIceberg          Managed Iceberg write into the staging table (files in the target's
 *                            data location); its output names the committed snapshots
 *   ResolveMergeKeys         groups the snapshot ids of one write (the trigger), then:
 *     PlanFn                 ResolutionPlan.forStaging: every staged file (StagedFiles: once each,
 *                            under the target's spec), their token (PublicationToken), and the
 *                            target's live files that may hold their keys (KeyDeterminedFilter)
 *     ResolvePlans           by the batch's rows (UpsertTarget.inProcessMaxRows):
 *       in process           MergeKeyResolver: KeyScanner hashes the batch's keys (KeyHashes), reads
 *                            in full only contested keys, WinnerSelection picks each key's winner
 *       distributed          ScanKeysFn per file, GroupByKey by key, winners, losers per file
 *     ResolutionCommitter    one transaction: a RowDelta adding the staged files that keep a live
 *                            row and the losers' position deletes (v2) or deletion vectors (v3),
 *                            then a RewriteFiles removing emptied files; validated from the plan's
 *                            snapshot. Already committed (the token is in the history): nothing
 *                            again. On conflict, plan again at the new snapshot
 *                            (ResolutionPlan.replan) and retry
 * </pre>
 *
 * <p>{@link dev.logberg.upsert.Publication} runs the same plan, resolution and commit in process.
 * Every transform shares one {@code UpsertTarget} (catalog, table, keys, in-process limit). Design
 * and guarantees: docs/ARCHITECTURE.md ("Publication"), docs/UPSERT-PRUNING.md, docs/UPKEEP.md.
 */
package dev.logberg.upsert;
