/**
 * The log pipeline's entry points: {@link dev.logberg.pipeline.Main}, the command line, hands the
 * parsed options to one command each ({@code RunCommand}, the default, and {@code VerifyCommand},
 * {@code DumpCommand}, {@code UpkeepCommand}, {@code LogsCommand}, {@code AppsCommand}; {@code
 * HelpCommand} before any parsing), a new command being one more subclass of {@code Command} in
 * {@code Main.commands()}; {@code ConsoleLog} keeps the console to progress, summaries and
 * failures. {@link dev.logberg.pipeline.LogbergPipeline} builds the one graph every runner runs,
 * from a {@link dev.logberg.pipeline.RunConfig} derived from {@link
 * dev.logberg.pipeline.LogbergOptions}. The steps live in the subpackages by feature: discover,
 * read, parse, status, tables, storage, report, and query (what {@code logs} and {@code apps}
 * read).
 */
package dev.logberg.pipeline;
