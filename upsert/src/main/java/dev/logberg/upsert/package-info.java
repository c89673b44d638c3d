/**
 * Merge-key upserts for Iceberg tables written through Beam's Managed Iceberg write, and their
 * upkeep.
 *
 * <h2>Public API</h2>
 *
 * <ul>
 *   <li>{@link dev.logberg.upsert.UpsertIntoIceberg}: the transform: append rows, then leave one
 *       live row per merge key. {@link dev.logberg.upsert.AppendToIceberg} appends only; {@link
 *       dev.logberg.upsert.DeduplicateTable} (and its command line, {@link
 *       dev.logberg.upsert.Deduplicate}) resolves a whole existing table.
 *   <li>{@link dev.logberg.upsert.MergeKeys} (keys, order column, key-determined columns) and
 *       {@link dev.logberg.upsert.CatalogSpec} (how workers open the catalog); {@link
 *       dev.logberg.upsert.RowSchemas} maps Iceberg schemas to Beam's.
 *   <li>{@link dev.logberg.upsert.MergeKeyResolver}: the same resolution in the calling process,
 *       for callers that append by other means, with the time of each phase.
 *   <li>{@link dev.logberg.upsert.TableUpkeep}: compaction, snapshot expiry, orphan removal.
 *   <li>{@link dev.logberg.upsert.SharedS3FileIO}: the FileIO to name as {@code io-impl} on S3
 *       (apache/beam issue 36438).
 * </ul>
 *
 * <h2>How a resolution flows</h2>
 *
 * <pre>
 * UpsertIntoIceberg
 *   AppendToIceberg          Managed Iceberg write; its output names the committed snapshots
 *   ResolveMergeKeys         groups the snapshot ids of one table, then per table:
 *     PlanFn                 ResolutionPlan.forAppends: the added files, and the live files that may
 *                            hold their keys (pruned by key-determined columns, KeyDeterminedFilter)
 *     ResolvePlans           by the batch's added rows (UpsertTarget.inProcessMaxRows):
 *       in process           MergeKeyResolver: KeyScanner hashes the added keys (KeyHashes), reads
 *                            in full only contested keys, WinnerSelection picks each key's winner
 *       distributed          ScanKeysFn per file, GroupByKey by key, winners, losers per file
 *     DeleteCommitter        losers as position deletes (v2) or deletion vectors (v3), fully deleted
 *                            files removed, one validated commit; on conflict, recompute
 *                            (MergeKeyResolver.resolveAfterConflict)
 * </pre>
 *
 * <p>Every transform shares one {@code UpsertTarget} (catalog, table, keys, in-process limit).
 * Design and guarantees: docs/ARCHITECTURE.md, docs/UPSERT-PRUNING.md, docs/UPKEEP.md.
 */
package dev.logberg.upsert;
