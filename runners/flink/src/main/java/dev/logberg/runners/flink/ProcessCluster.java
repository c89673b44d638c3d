package dev.logberg.runners.flink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.flink.api.common.time.Time;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.client.program.ContextEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.blob.BlobServer;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.dispatcher.MemoryExecutionGraphInfoStore;
import org.apache.flink.runtime.entrypoint.component.DispatcherResourceManagerComponent;
import org.apache.flink.runtime.heartbeat.HeartbeatServices;
import org.apache.flink.runtime.metrics.MetricRegistry;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.flink.runtime.rpc.FatalErrorHandler;
import org.apache.flink.runtime.security.token.DelegationTokenManager;
import org.apache.flink.runtime.webmonitor.retriever.MetricQueryServiceRetriever;
import org.apache.flink.util.concurrent.FutureUtils;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local Flink cluster for every job of a {@code watch} on {@code [local]}, instead of Beam's
 * one per job.
 *
 * <p>Beam's {@code [local]} starts a MiniCluster for each job and stops it after. In a process that
 * runs a job every interval that costs seconds per run, and it leaks: each cluster's RPC system has
 * its own class loader (about 1,900 classes, 8-10 MB of metaspace), and the job's user-code class
 * loader, which static caches outside Flink keep (Iceberg's shared pool threads as their context
 * loader, Beam io-iceberg's table cache through a Hadoop {@code Configuration}), references the
 * cluster that made it. An hour of 30 s runs grew to 2.25 GB. With one cluster for the process
 * there is nothing per run for those caches to keep.
 *
 * <p>Beam's {@code [auto]} master takes Flink's context environment when one is installed (as
 * Flink's client does before it calls a {@code main}): this class installs one whose executor
 * submits each job to the process's cluster, and the jobs carry no jars (the classes are this
 * JVM's).
 */
final class ProcessCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessCluster.class);
  private static final String MASTER = "--flinkMaster";
  private static final String PARALLELISM = "--parallelism";

  private final MiniCluster cluster;

  private ProcessCluster(MiniCluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Starts the process's cluster if {@code args} are a {@code watch} on a local cluster ({@code
   * [local]}, or {@code [auto]} outside Flink) and returns it; otherwise null.
   */
  static @Nullable ProcessCluster startFor(String[] args) throws Exception {
    if (args.length == 0 || !args[0].equals("watch")) {
      return null;
    }
    String master = value(args, MASTER, "[auto]");
    if (!master.equals("[local]") && !master.equals("[auto]")) {
      return null;
    }
    String parallelism = value(args, PARALLELISM, "");
    if (!parallelism.matches("[1-9][0-9]{0,3}") && !parallelism.isEmpty()) {
      return null; // the options' validation names the bad value
    }
    // Without one, what Beam's [local] takes.
    int slots =
        parallelism.isEmpty()
            ? Runtime.getRuntime().availableProcessors()
            : Integer.parseInt(parallelism);
    Configuration configuration = new Configuration();
    // Its REST endpoint (every MiniCluster has one) on loopback only: in a pod it must not take
    // jobs from the network.
    configuration.set(RestOptions.BIND_ADDRESS, "localhost");
    configuration.set(RestOptions.ADDRESS, "localhost");
    configuration.set(RestOptions.BIND_PORT, "0");
    MiniCluster cluster =
        new BoundedHistoryCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(configuration)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .setRpcServiceSharing(RpcServiceSharing.SHARED)
                .build());
    cluster.start();
    Configuration client = new Configuration();
    client.set(DeploymentOptions.TARGET, Executor.NAME);
    client.set(DeploymentOptions.ATTACHED, true);
    client.set(PipelineOptions.JARS, List.of());
    client.set(CoreOptions.DEFAULT_PARALLELISM, slots);
    ContextEnvironment.setAsContext(
        new Executor(cluster), client, ProcessCluster.class.getClassLoader(), false, true);
    LOG.info("Started one local Flink cluster with {} slots for every run of watch", slots);
    return new ProcessCluster(cluster);
  }

  /** {@code args} with the master that takes the context environment this cluster installed. */
  String[] args(String[] args) {
    List<String> result = new ArrayList<>();
    for (String arg : args) {
      if (!arg.startsWith(MASTER + "=")) {
        result.add(arg);
      }
    }
    result.add(MASTER + "=[auto]");
    return result.toArray(String[]::new);
  }

  @Override
  public void close() throws Exception {
    ContextEnvironment.unsetAsContext();
    cluster.close();
  }

  /** The value of {@code --name=value} in {@code args}, or {@code otherwise}. */
  private static String value(String[] args, String name, String otherwise) {
    for (String arg : args) {
      if (arg.startsWith(name + "=")) {
        return arg.substring(name.length() + 1);
      }
    }
    return otherwise;
  }

  /**
   * A MiniCluster that keeps the archived graphs of its last {@link #FINISHED_JOBS} finished jobs
   * only. Flink's keeps every one (its {@code MemoryExecutionGraphInfoStore} has neither expiry nor
   * capacity), about 1 MB a job with Beam's metrics: 60-120 MB an hour at a run every 30 s, for a
   * cluster that lives for months. Only its dispatcher's job store differs from Flink's.
   */
  private static final class BoundedHistoryCluster extends MiniCluster {
    /** Enough for the result of the job that just ended, which its client reads. */
    private static final int FINISHED_JOBS = 8;

    BoundedHistoryCluster(MiniClusterConfiguration configuration) {
      super(configuration);
    }

    @Override
    protected Collection<? extends DispatcherResourceManagerComponent>
        createDispatcherResourceManagerComponents(
            Configuration configuration,
            RpcServiceFactory rpcServiceFactory,
            BlobServer blobServer,
            HeartbeatServices heartbeatServices,
            DelegationTokenManager delegationTokenManager,
            MetricRegistry metricRegistry,
            MetricQueryServiceRetriever metricQueryServiceRetriever,
            FatalErrorHandler fatalErrorHandler)
            throws Exception {
      DispatcherResourceManagerComponent component =
          createDispatcherResourceManagerComponentFactory()
              .create(
                  configuration,
                  ResourceID.generate(),
                  getIOExecutor(),
                  rpcServiceFactory.createRpcService(),
                  getHaServices(),
                  blobServer,
                  heartbeatServices,
                  delegationTokenManager,
                  metricRegistry,
                  new MemoryExecutionGraphInfoStore(
                      Time.milliseconds(0), FINISHED_JOBS, null, null),
                  metricQueryServiceRetriever,
                  Collections.emptySet(),
                  fatalErrorHandler);
      // As Flink's: the cluster stops its application when the component shuts down.
      FutureUtils.assertNoException(
          component
              .getShutDownFuture()
              .thenCompose(status -> component.stopApplication(status, null)));
      return Collections.singleton(component);
    }
  }

  /** Submits each job to the process's cluster; nothing shuts the cluster down after a job. */
  private record Executor(MiniCluster cluster)
      implements PipelineExecutorServiceLoader, PipelineExecutorFactory, PipelineExecutor {
    static final String NAME = "logberg-process-cluster";

    @Override
    public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
      return this;
    }

    @Override
    public Stream<String> getExecutorNames() {
      return Stream.of(getName());
    }

    @Override
    public String getName() {
      return NAME;
    }

    @Override
    public boolean isCompatibleWith(Configuration configuration) {
      return true;
    }

    @Override
    public PipelineExecutor getExecutor(Configuration configuration) {
      return this;
    }

    @Override
    public CompletableFuture<JobClient> execute(
        Pipeline pipeline, Configuration configuration, ClassLoader userCode) throws Exception {
      return cluster
          .submitJob(PipelineExecutorUtils.getJobGraph(pipeline, configuration, userCode))
          .thenApply(
              submitted ->
                  new MiniClusterJobClient(
                      submitted.getJobID(),
                      cluster,
                      userCode,
                      MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
    }
  }
}
