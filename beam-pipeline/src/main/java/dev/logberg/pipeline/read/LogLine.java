package dev.logberg.pipeline.read;

/**
 * One physical line of a log file.
 *
 * @param appId the application folder's id, which owns the line whatever the line says
 * @param sourceFile the file's identity (see {@code LogFile#sourceFile})
 * @param lineNumber 1-based
 * @param text the line without its terminator; only its first bytes when {@code tooLong}
 * @param tooLong the line was longer than the limit and was cut
 */
public record LogLine(String appId, String sourceFile, long lineNumber, String text, boolean tooLong) {}
