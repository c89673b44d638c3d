package dev.logberg.pipeline.status;

import dev.logberg.pipeline.RunContext;
import dev.logberg.pipeline.discover.LogFile;
import dev.logberg.pipeline.tables.FilesTable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.data.Record;

/**
 * The outcome of one claimed application, ready to be recorded: its status row and the files-table
 * rows of the files it landed.
 *
 * @param rows rows landed by this run, by source file
 * @param rejects lines rejected by this run, by source file
 * @param errors the errors of files that could not be read, by source file; those files are not
 *     recorded as landed, so a later run reads them again
 */
record StatusUpdate(
    PlannedRun run,
    Map<String, Long> rows,
    Map<String, Long> rejects,
    Map<String, String> errors,
    long endMicros)
    implements Serializable {

  boolean succeeded() {
    return errors.isEmpty();
  }

  Record statusRow(RunContext context) {
    long records = run.keptRecords() + sum(rows);
    long rejected = run.keptRejected() + sum(rejects);
    return succeeded()
        ? StatusRows.success(run, context, records, rejected, endMicros)
        : StatusRows.failed(
            run,
            context,
            records,
            rejected,
            String.join("; ", new TreeMap<>(errors).values()),
            endMicros);
  }

  List<Record> fileRows(RunContext context) {
    List<Record> files = new ArrayList<>();
    for (LogFile file : run.toLand()) {
      if (!errors.containsKey(file.sourceFile())) {
        files.add(
            StatusRows.file(
                run.appId(),
                file,
                rows.getOrDefault(file.sourceFile(), 0L),
                rejects.getOrDefault(file.sourceFile(), 0L),
                FilesTable.LANDED,
                context,
                endMicros));
      }
    }
    for (LogFile file : run.migrated()) {
      files.add(
          StatusRows.file(run.appId(), file, null, null, FilesTable.MIGRATED, context, endMicros));
    }
    return files;
  }

  private static long sum(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
