package dev.logberg.testdata;

/** The logger names of the Spark classes whose events the generator writes. */
final class SparkLoggers {
  private SparkLoggers() {}

  static final String SPARK_CONTEXT = "org.apache.spark.SparkContext";
  static final String SPARK_ENV = "org.apache.spark.SparkEnv";
  static final String UTILS = "org.apache.spark.util.Utils";
  static final String DAG = "org.apache.spark.scheduler.DAGScheduler";
  static final String TASK_SET = "org.apache.spark.scheduler.TaskSetManager";
  static final String TASK_SCHEDULER = "org.apache.spark.scheduler.TaskSchedulerImpl";
  static final String BLOCK_MANAGER_INFO = "org.apache.spark.storage.BlockManagerInfo";
  static final String BLOCK_MANAGER_MASTER = "org.apache.spark.storage.BlockManagerMasterEndpoint";
  static final String MEMORY_STORE = "org.apache.spark.storage.memory.MemoryStore";
  static final String K8S_BACKEND =
      "org.apache.spark.scheduler.cluster.k8s.KubernetesClusterSchedulerBackend$KubernetesDriverEndpoint";
  static final String PODS_ALLOCATOR =
      "org.apache.spark.scheduler.cluster.k8s.ExecutorPodsAllocator";
  static final String MAP_OUTPUT_MASTER = "org.apache.spark.MapOutputTrackerMaster";
  static final String MAP_OUTPUT_WORKER = "org.apache.spark.MapOutputTrackerWorker";
  static final String CODEGEN = "org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator";
  static final String FILE_SOURCE = "org.apache.spark.sql.execution.datasources.FileSourceStrategy";
  static final String SQL = "org.apache.spark.sql.execution.SparkSqlParser";
  static final String HEARTBEAT = "org.apache.spark.HeartbeatReceiver";
  static final String CLEANER = "org.apache.spark.ContextCleaner";
  static final String WRITER = "org.apache.spark.sql.execution.datasources.FileFormatWriter";
  static final String GC = "jvm.gc";
  static final String EXECUTOR = "org.apache.spark.executor.Executor";
  static final String EXECUTOR_BACKEND = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
  static final String CLIENT_FACTORY = "org.apache.spark.network.client.TransportClientFactory";
  static final String SHUFFLE_FETCH = "org.apache.spark.storage.ShuffleBlockFetcherIterator";
  static final String FILE_SCAN = "org.apache.spark.sql.execution.datasources.FileScanRDD";
  static final String BROADCAST = "org.apache.spark.broadcast.TorrentBroadcast";
  static final String BLOCK_MANAGER = "org.apache.spark.storage.BlockManager";
  static final String COMMITTER = "org.apache.spark.mapred.SparkHadoopMapRedUtil";
  static final String SORTER = "org.apache.spark.util.collection.ExternalSorter";
  static final String TRANSPORT = "org.apache.spark.network.server.TransportChannelHandler";
  static final String RETRY = "org.apache.spark.network.shuffle.RetryingBlockTransferor";
  static final String TASK_MEMORY = "org.apache.spark.memory.TaskMemoryManager";
}
