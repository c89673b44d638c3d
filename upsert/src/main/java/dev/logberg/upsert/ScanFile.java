package dev.logberg.upsert;

import java.io.Serializable;
import org.apache.iceberg.expressions.Expression;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A live data file to scan for merge keys, shipped to workers as Iceberg's own JSON form of its
 * scan task (which carries the delete files that apply to it).
 *
 * @param dataSequence the file's data sequence number (later commits rank higher)
 * @param rowGroupFilter when set, row groups whose statistics cannot satisfy it hold no row the
 *     resolution needs and are skipped (an existing file under a key-determined filter); null reads
 *     every row group
 */
record ScanFile(
    String path,
    String taskJson,
    long dataSequence,
    long records,
    @Nullable Expression rowGroupFilter)
    implements Serializable {}
