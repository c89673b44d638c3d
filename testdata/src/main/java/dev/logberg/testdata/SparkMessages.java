package dev.logberg.testdata;

import static dev.logberg.testdata.SparkLoggers.*;

import java.util.SplittableRandom;

/**
 * Realistic Spark-on-Kubernetes log events for one pod: the startup sequence, then tasks, shuffles,
 * block manager, broadcasts, GC pauses and the occasional failure with a stack trace. Keeps job,
 * stage and task counters so ids grow as in a real log. Appends into the reused {@link LogEvent}:
 * no formatting calls per line.
 */
final class SparkMessages {
  private static final String[] ACTIONS = {
    "save", "count", "collect", "parquet", "insertInto", "saveAsTable"
  };
  private static final String[] TABLES = {
    "events", "orders", "sessions", "inventory", "payments", "clicks"
  };
  private static final String[] UNICODE_TEXTS = {
    "Ünïcödé ✓ 日本語 🚀",
    "Zoë Saldaña, São Paulo — München",
    "東京都渋谷区 / Москва / Αθήνα ✓",
    "emoji in data: 🎉🔥 (surrogate pairs)",
  };

  private final PodContext ctx;
  private final SplittableRandom rnd;
  private final String source;
  private int startupStep;
  private int job;
  private int stage;
  private int tid;
  private int partitions = 200;
  private int finished;
  private int broadcast = 1;
  private int rdd = 4;
  private int gc;
  private String action = "save";
  private int actionLine = 142;

  SparkMessages(PodContext ctx, SplittableRandom rnd) {
    this.ctx = ctx;
    this.rnd = rnd;
    this.source = mainClass(ctx.app.appName()) + ".scala";
  }

  /** {@code etl-daily} -> {@code EtlDaily}. */
  private static String mainClass(String appName) {
    StringBuilder sb = new StringBuilder();
    for (String part : appName.split("-", -1)) {
      sb.append(Character.toUpperCase(part.charAt(0))).append(part, 1, part.length());
    }
    return sb.toString();
  }

  void fill(LogEvent ev, MessageKind kind) {
    switch (kind) {
      case RANDOM -> {
        if (ctx.pod.isDriver()) {
          driver(ev);
        } else {
          executor(ev);
        }
      }
      case UNICODE -> unicode(ev);
      case QUOTED -> quoted(ev);
      case EMPTY -> ev.start(Level.INFO, SPARK_CONTEXT, "main", 1);
      case LONG_TRACE -> {
        ev.start(Level.ERROR, WRITER, "main", 1)
            .append("Aborting job ")
            .append(TreeLayout.uuid(rnd))
            .append('.');
        StackTraces.attachLong(ev, rnd, 20_000);
      }
    }
  }

  private void driver(LogEvent ev) {
    if (startupStep < StartupMessages.DRIVER_FIXED_EVENTS + ctx.executorCount()) {
      StartupMessages.driver(ev, startupStep++, ctx, rnd);
      return;
    }
    int r = rnd.nextInt(1000);
    if (r < 100) {
      driverDebug(ev);
    } else if (r < 905) {
      driverInfo(ev);
    } else if (r < 975) {
      driverWarn(ev);
    } else {
      driverError(ev);
    }
  }

  private void executor(LogEvent ev) {
    if (startupStep < StartupMessages.EXECUTOR_EVENTS) {
      StartupMessages.executor(ev, startupStep++, ctx, rnd);
      return;
    }
    int r = rnd.nextInt(1000);
    if (r < 100) {
      executorDebug(ev);
    } else if (r < 915) {
      executorInfo(ev);
    } else if (r < 980) {
      executorWarn(ev);
    } else {
      executorError(ev);
    }
  }

  private void driverDebug(LogEvent ev) {
    switch (rnd.nextInt(4)) {
      case 0 ->
          ev.start(Level.DEBUG, DAG, "dag-scheduler-event-loop", 48)
              .append("submitStage(ResultStage ")
              .append(stage)
              .append(" (name=")
              .append(action)
              .append(" at ")
              .append(source)
              .append(':')
              .append(actionLine)
              .append(";jobs=")
              .append(job)
              .append("))");
      case 1 ->
          ev.start(Level.DEBUG, DAG, "dag-scheduler-event-loop", 48).append("missing: List()");
      case 2 ->
          ev.start(Level.DEBUG, CLEANER, "Spark Context Cleaner", 71)
              .append("Got cleaning task CleanBroadcast(")
              .append(Math.max(0, broadcast - 3))
              .append(')');
      default ->
          ev.start(Level.DEBUG, DAG, "dag-scheduler-event-loop", 48)
              .append("Checking if any dependencies of ResultStage ")
              .append(stage)
              .append(" are now runnable");
    }
  }

  private void driverInfo(LogEvent ev) {
    int r = rnd.nextInt(100);
    if (r < 36) {
      startTask(ev);
    } else if (r < 70) {
      finishTask(ev);
    } else if (r < 75) {
      ev.start(Level.INFO, BLOCK_MANAGER_INFO, "dispatcher-BlockManagerMaster", 35)
          .append("Added broadcast_")
          .append(broadcast++)
          .append("_piece0 in memory on ");
      appendExecutorAddress(ev.message, rnd.nextInt(ctx.executorCount() + 1));
      ev.message.append(" (size: ");
      Decimals.tenths(ev.message, 10 + rnd.nextInt(500)).append(" KiB, free: ");
      Decimals.tenths(ev.message, 10 + rnd.nextInt(30)).append(" GiB)");
    } else if (r < 78) {
      ev.start(Level.INFO, BLOCK_MANAGER_INFO, "dispatcher-BlockManagerMaster", 35)
          .append("Removed broadcast_")
          .append(Math.max(0, broadcast - 2))
          .append("_piece0 on ");
      appendExecutorAddress(ev.message, rnd.nextInt(ctx.executorCount() + 1));
      ev.message.append(" in memory (size: ");
      Decimals.tenths(ev.message, 10 + rnd.nextInt(500)).append(" KiB, free: ");
      Decimals.tenths(ev.message, 10 + rnd.nextInt(30)).append(" GiB)");
    } else if (r < 81) {
      newJob(ev);
    } else if (r < 83) {
      ev.start(Level.INFO, DAG, "dag-scheduler-event-loop", 48)
          .append("Job ")
          .append(job)
          .append(" finished: ")
          .append(action)
          .append(" at ")
          .append(source)
          .append(':')
          .append(actionLine)
          .append(", took ");
      Decimals.millis(ev.message, 500 + rnd.nextInt(300_000))
          .append(rnd.nextInt(10))
          .append(rnd.nextInt(10))
          .append(rnd.nextInt(10))
          .append(" s");
    } else if (r < 86) {
      ev.start(Level.INFO, MAP_OUTPUT_MASTER, "dispatcher-event-loop-1", 29)
          .append("Size of output statuses for shuffle ")
          .append(Math.max(0, stage - 1))
          .append(" is ")
          .append(80 + rnd.nextInt(4_000))
          .append(" bytes");
    } else if (r < 89) {
      ev.start(Level.INFO, CODEGEN, "main", 1).append("Code generated in ");
      Decimals.millis(ev.message, 1_000 + rnd.nextInt(80_000)).append(" ms");
    } else if (r < 91) {
      ev.start(Level.INFO, FILE_SOURCE, "main", 1)
          .append("Pushed Filters: IsNotNull(event_date),EqualTo(event_date,")
          .append("2025-01-1")
          .append(3 + rnd.nextInt(3))
          .append(')');
    } else if (r < 94) {
      gcPause(ev);
    } else if (r < 96) {
      ev.start(Level.INFO, MEMORY_STORE, "main", 1)
          .append("Block broadcast_")
          .append(broadcast)
          .append(" stored as values in memory (estimated size ");
      Decimals.tenths(ev.message, 10 + rnd.nextInt(4_000)).append(" KiB, free ");
      Decimals.tenths(ev.message, 10 + rnd.nextInt(30)).append(" GiB)");
    } else if (r < 97) {
      ev.start(Level.INFO, BLOCK_MANAGER_MASTER, "dispatcher-BlockManagerMaster", 35)
          .append("Registering block manager ");
      appendExecutorAddress(ev.message, 1 + rnd.nextInt(Math.max(1, ctx.executorCount())));
      ev.message.append(" with 2.1 GiB RAM");
    } else if (r < 99) {
      quoted(ev);
    } else if (rnd.nextInt(4) == 0) {
      unicode(ev);
    } else {
      StartupMessages.registeredExecutor(
          ev, 1 + rnd.nextInt(Math.max(1, ctx.executorCount())), ctx, rnd);
    }
  }

  private void startTask(LogEvent ev) {
    if (finished >= partitions) {
      newJob(ev);
      return;
    }
    int e = 1 + rnd.nextInt(Math.max(1, ctx.executorCount()));
    int p = rnd.nextInt(partitions);
    ev.start(Level.INFO, TASK_SET, "dispatcher-CoarseGrainedScheduler", 37)
        .append("Starting task ")
        .append(p)
        .append(".0 in stage ")
        .append(stage)
        .append(".0 (TID ")
        .append(++tid)
        .append(") (")
        .append(ctx.executor(e).ip())
        .append(", executor ")
        .append(e)
        .append(", partition ")
        .append(p)
        .append(", PROCESS_LOCAL, ")
        .append(7_000 + rnd.nextInt(5_000))
        .append(" bytes)");
  }

  private void finishTask(LogEvent ev) {
    int e = 1 + rnd.nextInt(Math.max(1, ctx.executorCount()));
    int p = rnd.nextInt(partitions);
    finished = Math.min(partitions, finished + 1);
    ev.start(Level.INFO, TASK_SET, "task-result-getter-", 60)
        .append("Finished task ")
        .append(p)
        .append(".0 in stage ")
        .append(stage)
        .append(".0 (TID ")
        .append(Math.max(1, tid - rnd.nextInt(8)))
        .append(") in ")
        .append(40 + rnd.nextInt(20_000))
        .append(" ms on ")
        .append(ctx.executor(e).ip())
        .append(" (executor ")
        .append(e)
        .append(") (")
        .append(finished)
        .append('/')
        .append(partitions)
        .append(')');
    ev.thread.append(rnd.nextInt(4));
  }

  private void newJob(LogEvent ev) {
    job++;
    stage += 1 + rnd.nextInt(3);
    partitions = 1 + rnd.nextInt(400);
    finished = 0;
    rdd += 2 + rnd.nextInt(6);
    action = ACTIONS[rnd.nextInt(ACTIONS.length)];
    actionLine = 40 + rnd.nextInt(300);
    ev.start(Level.INFO, DAG, "dag-scheduler-event-loop", 48)
        .append("Submitting ")
        .append(partitions)
        .append(" missing tasks from ResultStage ")
        .append(stage)
        .append(" (MapPartitionsRDD[")
        .append(rdd)
        .append("] at ")
        .append(action)
        .append(" at ")
        .append(source)
        .append(':')
        .append(actionLine)
        .append(
            ") (first 15 tasks are for partitions Vector(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14))");
  }

  private void driverWarn(LogEvent ev) {
    switch (rnd.nextInt(4)) {
      case 0 -> {
        int e = 1 + rnd.nextInt(Math.max(1, ctx.executorCount()));
        ev.start(Level.WARN, TASK_SET, "task-result-getter-1", 61)
            .append("Lost task ")
            .append(rnd.nextInt(partitions))
            .append(".0 in stage ")
            .append(stage)
            .append(".0 (TID ")
            .append(tid)
            .append(") (")
            .append(ctx.executor(e).ip())
            .append(" executor ")
            .append(e)
            .append("): ");
        StackTraces.attach(ev, rnd, 4, 12);
        ev.message.append(ev.thrownName).append(": ").append(ev.thrownMessage);
      }
      case 1 ->
          ev.start(Level.WARN, TASK_SCHEDULER, "task-starvation-timer", 77)
              .append(
                  "Initial job has not accepted any resources; check your cluster UI to ensure that workers are"
                      + " registered and have sufficient resources");
      case 2 ->
          ev.start(Level.WARN, HEARTBEAT, "heartbeat-receiver-event-loop-thread", 44)
              .append("Removing executor ")
              .append(1 + rnd.nextInt(Math.max(1, ctx.executorCount())))
              .append(" with no recent heartbeats: ")
              .append(120_001 + rnd.nextInt(20_000))
              .append(" ms exceeds timeout 120000 ms");
      default ->
          ev.start(Level.WARN, TASK_SET, "dag-scheduler-event-loop", 48)
              .append("Stage ")
              .append(stage)
              .append(" contains a task of very large size (")
              .append(1_001 + rnd.nextInt(9_000))
              .append(" KiB). The maximum recommended task size is 1000 KiB.");
    }
  }

  private void driverError(LogEvent ev) {
    switch (rnd.nextInt(3)) {
      case 0 ->
          ev.start(Level.ERROR, TASK_SET, "task-result-getter-2", 62)
              .append("Task ")
              .append(rnd.nextInt(partitions))
              .append(" in stage ")
              .append(stage)
              .append(".0 failed 4 times; aborting job");
      case 1 -> {
        int e = 1 + rnd.nextInt(Math.max(1, ctx.executorCount()));
        ev.start(Level.ERROR, TASK_SCHEDULER, "dispatcher-CoarseGrainedScheduler", 37)
            .append("Lost executor ")
            .append(e)
            .append(" on ")
            .append(ctx.executor(e).ip())
            .append(": The executor with id ")
            .append(e)
            .append(" exited with exit code 137(SIGKILL, possible container OOM).");
      }
      default -> {
        ev.start(Level.ERROR, WRITER, "main", 1)
            .append("Aborting job ")
            .append(TreeLayout.uuid(rnd))
            .append('.');
        StackTraces.attach(ev, rnd, 6, 12);
      }
    }
  }

  private void executorInfo(LogEvent ev) {
    int r = rnd.nextInt(100);
    if (r < 28) {
      if (rnd.nextInt(40) == 0) {
        stage += 1 + rnd.nextInt(2);
      }
      int p = rnd.nextInt(400);
      taskThread(ev, Level.INFO, EXECUTOR, p, ++tid)
          .append("Running task ")
          .append(p)
          .append(".0 in stage ")
          .append(stage)
          .append(".0 (TID ")
          .append(tid)
          .append(')');
    } else if (r < 56) {
      int p = rnd.nextInt(400);
      taskThread(ev, Level.INFO, EXECUTOR, p, tid)
          .append("Finished task ")
          .append(p)
          .append(".0 in stage ")
          .append(stage)
          .append(".0 (TID ")
          .append(tid)
          .append("). ")
          .append(1_500 + rnd.nextInt(6_000))
          .append(" bytes result sent to driver");
    } else if (r < 66) {
      int n = 10 + rnd.nextInt(400);
      int local = rnd.nextInt(n / 4 + 1);
      taskThread(ev, Level.INFO, SHUFFLE_FETCH, rnd.nextInt(400), tid)
          .append("Getting ")
          .append(n)
          .append(" (");
      Decimals.tenths(ev.message, 10 + rnd.nextInt(5_000))
          .append(" MiB) non-empty blocks including ")
          .append(local)
          .append(" (");
      Decimals.tenths(ev.message, rnd.nextInt(1_000))
          .append(" MiB) local and 0 (0.0 B) host-local and 0 (0.0 B)" + " push-merged-local and ")
          .append(n - local)
          .append(" (");
      Decimals.tenths(ev.message, 10 + rnd.nextInt(4_000)).append(" MiB) remote blocks");
    } else if (r < 72) {
      taskThread(ev, Level.INFO, SHUFFLE_FETCH, rnd.nextInt(400), tid)
          .append("Started ")
          .append(1 + rnd.nextInt(ctx.executorCount() + 1))
          .append(" remote fetches in ")
          .append(rnd.nextInt(90))
          .append(" ms");
    } else if (r < 78) {
      int p = rnd.nextInt(400);
      taskThread(ev, Level.INFO, FILE_SCAN, p, tid)
          .append("Reading File path: s3a://acme-data-lake/raw/")
          .append(TABLES[rnd.nextInt(TABLES.length)])
          .append("/dt=2025-01-1")
          .append(3 + rnd.nextInt(3))
          .append("/part-")
          .append(String.valueOf(100_000 + p), 1, 6)
          .append('-')
          .append(TreeLayout.uuid(rnd))
          .append("-c000.snappy.parquet, range: 0-")
          .append(1 + rnd.nextInt(134_217_728))
          .append(", partition values: [empty row]");
    } else if (r < 82) {
      ev.start(Level.INFO, MEMORY_STORE, "Executor task launch worker-0", 63)
          .append("Block rdd_")
          .append(rdd)
          .append('_')
          .append(rnd.nextInt(400))
          .append(" stored as values in memory (estimated size ");
      Decimals.tenths(ev.message, 10 + rnd.nextInt(3_000)).append(" MiB, free ");
      Decimals.tenths(ev.message, 10 + rnd.nextInt(30)).append(" GiB)");
    } else if (r < 86) {
      ev.start(Level.INFO, BROADCAST, "Executor task launch worker-0", 63)
          .append("Reading broadcast variable ")
          .append(broadcast++)
          .append(" took ")
          .append(1 + rnd.nextInt(300))
          .append(" ms");
    } else if (r < 89) {
      int p = rnd.nextInt(400);
      taskThread(ev, Level.INFO, COMMITTER, p, tid)
          .append("attempt_202501151023")
          .append(1_000_000 + rnd.nextInt(9_000_000))
          .append("_000")
          .append(stage % 10)
          .append("_m_")
          .append(String.valueOf(1_000_000 + p), 1, 7)
          .append('_')
          .append(tid)
          .append(": Committed. Elapsed time: ")
          .append(rnd.nextInt(900))
          .append(" ms.");
    } else if (r < 95) {
      gcPause(ev);
    } else if (r < 98) {
      ev.start(Level.INFO, SORTER, "Executor task launch worker-0", 63)
          .append("Thread ")
          .append(60 + rnd.nextInt(30))
          .append(" spilling in-memory map of ");
      Decimals.tenths(ev.message, 1_000 + rnd.nextInt(5_000))
          .append(" MiB to disk (")
          .append(1 + rnd.nextInt(5))
          .append(" time so far)");
    } else if (r < 99) {
      quoted(ev);
    } else {
      unicode(ev);
    }
  }

  private StringBuilder taskThread(
      LogEvent ev, Level level, String logger, int partition, int taskId) {
    StringBuilder msg =
        ev.start(level, logger, "Executor task launch worker for task ", 60 + taskId % 40);
    ev.thread
        .append(partition)
        .append(".0 in stage ")
        .append(stage)
        .append(".0 (TID ")
        .append(taskId)
        .append(')');
    return msg;
  }

  private void executorDebug(LogEvent ev) {
    switch (rnd.nextInt(3)) {
      case 0 ->
          ev.start(Level.DEBUG, MAP_OUTPUT_WORKER, "Executor task launch worker-0", 63)
              .append("Fetching outputs for shuffle ")
              .append(Math.max(0, stage - 1));
      case 1 ->
          ev.start(Level.DEBUG, BLOCK_MANAGER, "Executor task launch worker-0", 63)
              .append("Getting local block broadcast_")
              .append(broadcast);
      default ->
          ev.start(Level.DEBUG, BLOCK_MANAGER, "Executor task launch worker-0", 63)
              .append("Level for block broadcast_")
              .append(broadcast)
              .append(" is StorageLevel(disk, memory, deserialized, 1 replicas)");
    }
  }

  private void executorWarn(LogEvent ev) {
    switch (rnd.nextInt(3)) {
      case 0 -> {
        ev.start(Level.WARN, TRANSPORT, "shuffle-client-4-1", 80)
            .append("Exception in connection from /");
        appendExecutorAddress(ev.message, 1 + rnd.nextInt(Math.max(1, ctx.executorCount())));
        StackTraces.attach(ev, rnd, 3, 8);
      }
      case 1 ->
          ev.start(Level.WARN, RETRY, "shuffle-client-4-1", 80)
              .append("Retrying fetch (")
              .append(1 + rnd.nextInt(3))
              .append("/3) for ")
              .append(1 + rnd.nextInt(20))
              .append(" outstanding blocks after 5000 ms");
      default -> {
        int p = rnd.nextInt(400);
        taskThread(ev, Level.WARN, TASK_MEMORY, p, tid)
            .append("Managed memory leak detected; size = ")
            .append(1_000_000 + rnd.nextInt(60_000_000))
            .append(" bytes, task ")
            .append(p)
            .append(".0 in stage ")
            .append(stage)
            .append(".0 (TID ")
            .append(tid)
            .append(')');
      }
    }
  }

  private void executorError(LogEvent ev) {
    if (rnd.nextInt(4) == 0) {
      ev.start(Level.ERROR, EXECUTOR_BACKEND, "SIGTERM handler", 90).append("RECEIVED SIGNAL TERM");
      return;
    }
    int p = rnd.nextInt(400);
    taskThread(ev, Level.ERROR, EXECUTOR, p, tid)
        .append("Exception in task ")
        .append(p)
        .append(".0 in stage ")
        .append(stage)
        .append(".0 (TID ")
        .append(tid)
        .append(')');
    StackTraces.attach(ev, rnd, 6, 12);
  }

  private void gcPause(LogEvent ev) {
    int before = 600 + rnd.nextInt(3_000);
    ev.start(Level.INFO, GC, "GC Thread#0", 12)
        .append("GC(")
        .append(++gc)
        .append(") Pause Young (Normal) (G1 Evacuation Pause) ")
        .append(before)
        .append("M->")
        .append(before / (2 + rnd.nextInt(4)))
        .append("M(4096M) ");
    Decimals.millis(ev.message, 2_000 + rnd.nextInt(120_000)).append("ms");
  }

  /** SQL text with double quotes and a backslash, which JSON must escape. */
  private void quoted(LogEvent ev) {
    ev.start(Level.INFO, SQL, "main", 1)
        .append("Parsing command: SELECT \"customer_id\", sum(\"amount\") FROM \"sales\".\"")
        .append(TABLES[rnd.nextInt(TABLES.length)])
        .append("\" WHERE note LIKE '%\\_refund%' AND region = \"EU\"")
        .append(" GROUP BY 1");
  }

  private void unicode(LogEvent ev) {
    ev.start(Level.INFO, "com.acme.jobs." + mainClass(ctx.app.appName()), "main", 1)
        .append("Loaded ")
        .append(1 + rnd.nextInt(5_000))
        .append(" customer profiles for segment '")
        .append(UNICODE_TEXTS[rnd.nextInt(UNICODE_TEXTS.length)])
        .append('\'');
  }

  /** {@code ip:port} of the driver (0) or an executor's block manager. */
  private void appendExecutorAddress(StringBuilder sb, int executorId) {
    sb.append(executorId == 0 ? ctx.driver().ip() : ctx.executor(executorId).ip())
        .append(':')
        .append(30_000 + rnd.nextInt(20_000));
  }
}
