package dev.logberg.pipeline.discover;

import java.io.Serializable;

/**
 * One file of an application folder.
 *
 * @param location where to read it (local path or URI)
 * @param sourceFile its path from the application folder's parent, e.g. {@code
 *     spark-<id>/<pod>/<file>.json}: the identity of its lines, the same whether the tree lies on
 *     S3 or was copied to a laptop
 * @param size bytes on storage (compressed size for compressed files)
 * @param modifiedMillis when storage last changed it (milliseconds since the epoch): how long it
 *     has waited to be landed, for the progress of a continuous run
 */
public record LogFile(String location, String sourceFile, long size, long modifiedMillis)
    implements Serializable {}
