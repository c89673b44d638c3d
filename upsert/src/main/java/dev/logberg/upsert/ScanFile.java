package dev.logberg.upsert;

import java.io.Serializable;

/**
 * A live data file to scan for merge keys, shipped to workers as Iceberg's own JSON form of its scan task (which
 * carries the delete files that apply to it).
 *
 * @param dataSequence the file's data sequence number (later commits rank higher)
 */
public record ScanFile(String path, String taskJson, long dataSequence, long records) implements Serializable {}
