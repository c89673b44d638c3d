package dev.logberg.testdata;

import java.util.SplittableRandom;

/** Plausible JVM exceptions and stack frames from Spark jobs on Kubernetes. */
final class StackTraces {
  private static final String[][] EXCEPTIONS = {
    {"java.io.IOException", "Connection reset by peer"},
    {"org.apache.spark.shuffle.FetchFailedException", "Failed to connect to /10.0.3.17:7337"},
    {"java.lang.IllegalStateException", "Cannot call methods on a stopped SparkContext."},
    {
      "org.apache.spark.SparkException",
      "Job aborted due to stage failure: Task 3 in stage 5.0 failed 4 times"
    },
    {
      "java.io.FileNotFoundException",
      "No such file or directory: s3a://acme-data-lake/raw/events/_temporary/0"
    },
    {"java.util.concurrent.TimeoutException", "Futures timed out after [120 seconds]"},
    {
      "org.apache.spark.memory.SparkOutOfMemoryError",
      "Unable to acquire 65536 bytes of memory, got 0"
    },
    {
      "org.apache.hadoop.fs.s3a.AWSClientIOException",
      "getFileStatus on s3a://acme-data-lake/curated: Unable to execute HTTP request: Read timed out"
    },
  };

  private static final String[] CAUSES = {
    "java.net.SocketTimeoutException: Read timed out",
    "java.io.IOException: Broken pipe",
    "java.net.ConnectException: Connection refused",
    "java.lang.OutOfMemoryError: Java heap space",
  };

  private static final String[] FRAMES = {
    "java.base/sun.nio.ch.SocketDispatcher.read0(Native Method)",
    "java.base/sun.nio.ch.SocketDispatcher.read(SocketDispatcher.java:47)",
    "java.base/sun.nio.ch.NioSocketImpl.tryRead(NioSocketImpl.java:266)",
    "io.netty.buffer.PooledByteBuf.setBytes(PooledByteBuf.java:258)",
    "io.netty.channel.nio.AbstractNioByteChannel$NioByteUnsafe.read(AbstractNioByteChannel.java:151)",
    "io.netty.channel.nio.NioEventLoop.run(NioEventLoop.java:562)",
    "org.apache.spark.network.client.TransportResponseHandler.channelInactive(TransportResponseHandler.java:117)",
    "org.apache.spark.storage.ShuffleBlockFetcherIterator.throwFetchFailedException(ShuffleBlockFetcherIterator.scala:1239)",
    "org.apache.spark.storage.ShuffleBlockFetcherIterator.next(ShuffleBlockFetcherIterator.scala:971)",
    "org.apache.spark.util.CompletionIterator.hasNext(CompletionIterator.scala:31)",
    "scala.collection.Iterator$$anon$10.hasNext(Iterator.scala:460)",
    "org.apache.spark.sql.catalyst.expressions.GeneratedClass$GeneratedIteratorForCodegenStage2.processNext(Unknown Source)",
    "org.apache.spark.sql.execution.BufferedRowIterator.hasNext(BufferedRowIterator.java:43)",
    "org.apache.spark.sql.execution.datasources.FileFormatWriter$.executeTask(FileFormatWriter.scala:397)",
    "org.apache.spark.sql.execution.datasources.WriteFilesExec.$anonfun$doExecuteWrite$1(WriteFiles.scala:100)",
    "org.apache.spark.rdd.MapPartitionsRDD.compute(MapPartitionsRDD.scala:52)",
    "org.apache.spark.rdd.RDD.computeOrReadCheckpoint(RDD.scala:367)",
    "org.apache.spark.rdd.RDD.iterator(RDD.scala:331)",
    "org.apache.spark.scheduler.ResultTask.runTask(ResultTask.scala:93)",
    "org.apache.spark.scheduler.ShuffleMapTask.runTask(ShuffleMapTask.scala:104)",
    "org.apache.spark.scheduler.Task.run(Task.scala:141)",
    "org.apache.spark.executor.Executor$TaskRunner.$anonfun$run$4(Executor.scala:620)",
    "org.apache.spark.util.Utils$.tryWithSafeFinally(Utils.scala:1375)",
    "org.apache.spark.executor.Executor$TaskRunner.run(Executor.scala:623)",
    "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)",
    "java.base/java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:635)",
    "java.base/java.lang.Thread.run(Thread.java:840)",
    "org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2898)",
    "org.apache.spark.scheduler.DAGScheduler.$anonfun$abortStage$2(DAGScheduler.scala:2834)",
    "org.apache.spark.scheduler.DAGScheduler.abortStage(DAGScheduler.scala:2833)",
    "org.apache.spark.scheduler.DAGScheduler.handleTaskSetFailed(DAGScheduler.scala:1253)",
    "org.apache.spark.scheduler.DAGSchedulerEventProcessLoop.onReceive(DAGScheduler.scala:3024)",
    "org.apache.spark.util.EventLoop$$anon$1.run(EventLoop.scala:49)",
    "org.apache.hadoop.fs.s3a.S3AInputStream.read(S3AInputStream.java:533)",
    "org.apache.parquet.hadoop.ParquetFileReader.readNextRowGroup(ParquetFileReader.java:1014)",
    "org.apache.spark.sql.execution.datasources.parquet.VectorizedParquetRecordReader.nextBatch(VectorizedParquetRecordReader.java:301)",
  };

  private StackTraces() {}

  /**
   * Attaches a random exception with {@code minFrames..maxFrames} consecutive frames to the event.
   */
  static void attach(LogEvent ev, SplittableRandom rnd, int minFrames, int maxFrames) {
    String[] e = EXCEPTIONS[rnd.nextInt(EXCEPTIONS.length)];
    ev.thrownName = e[0];
    ev.thrownMessage.append(e[1]);
    appendFrames(ev.stackTrace, rnd, minFrames + rnd.nextInt(maxFrames - minFrames + 1));
  }

  /**
   * Attaches a job-abort exception whose trace, with nested causes, is at least {@code minChars}
   * long.
   */
  static void attachLong(LogEvent ev, SplittableRandom rnd, int minChars) {
    ev.thrownName = "org.apache.spark.SparkException";
    ev.thrownMessage.append(
        "Job aborted due to stage failure: Task 12 in stage 41.0 failed 4 times, most recent"
            + " failure: Lost task 12.3 in stage 41.0 (TID 9876) (10.0.3.17 executor 2)");
    StringBuilder st = ev.stackTrace;
    while (st.length() < minChars) {
      appendFrames(st, rnd, 20);
      st.append("\t... ")
          .append(20 + rnd.nextInt(40))
          .append(" more\nCaused by: ")
          .append(CAUSES[rnd.nextInt(CAUSES.length)])
          .append('\n');
    }
    appendFrames(st, rnd, 12);
  }

  private static void appendFrames(StringBuilder st, SplittableRandom rnd, int count) {
    int start = rnd.nextInt(FRAMES.length);
    for (int i = 0; i < count; i++) {
      st.append("\tat ").append(FRAMES[(start + i) % FRAMES.length]).append('\n');
    }
  }
}
