package dev.logberg.pipeline.status;

import java.io.Serializable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A file's row in the files table: what was landed of it.
 *
 * @param rows rows landed from it, null for a file migrated from an earlier release
 * @param rejects lines rejected, null likewise
 */
public record LandedFile(String sourceFile, long bytes, @Nullable Long rows, @Nullable Long rejects)
    implements Serializable {}
