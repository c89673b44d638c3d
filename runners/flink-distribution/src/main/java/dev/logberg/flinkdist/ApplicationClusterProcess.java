package dev.logberg.flinkdist;

import java.io.File;
import java.net.URI;
import java.util.List;
import org.apache.flink.client.deployment.application.ApplicationClusterEntryPoint;
import org.apache.flink.client.deployment.application.ApplicationConfiguration;
import org.apache.flink.client.program.DefaultPackagedProgramRetriever;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.entrypoint.ClusterEntrypoint;
import org.apache.flink.runtime.entrypoint.ClusterEntrypointUtils;
import org.apache.flink.runtime.resourcemanager.StandaloneResourceManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink application cluster's job manager, started the way Flink's Kubernetes application entry
 * point starts it: the program comes from the configuration ({@code pipeline.jars} with one {@code
 * local://} jar, {@code $internal.application.main} and {@code $internal.application.program-args},
 * which the operator writes from the FlinkDeployment's {@code jarURI}, {@code entryClass} and
 * {@code args}), with {@code usrlib/} beside {@code FLINK_LIB_DIR} on the user class path, and
 * Flink's {@link ApplicationClusterEntryPoint} runs it through {@code
 * ApplicationDispatcherBootstrap}. Task managers register as in a standalone cluster (the resource
 * manager of Flink's standalone application entry point), since there is no Kubernetes API to start
 * pods.
 *
 * <p>Usage: {@code ApplicationClusterProcess <configuration directory> [-D key=value ...]}: the
 * directory holds {@code config.yaml}; the {@code -D} pairs are the memory settings that Flink's
 * {@code BashJavaUtils} derives for a job manager, as Flink's start scripts pass them.
 */
public final class ApplicationClusterProcess extends ApplicationClusterEntryPoint {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationClusterProcess.class);

  private ApplicationClusterProcess(Configuration configuration, PackagedProgram program) {
    super(configuration, program, StandaloneResourceManagerFactory.getInstance());
  }

  public static void main(String[] args) {
    if (args.length == 0 || args.length % 2 == 0) {
      System.err.println(
          "Usage: ApplicationClusterProcess <configuration directory> [-D key=value ...]");
      System.exit(1);
    }
    Configuration dynamic = new Configuration();
    for (int i = 1; i < args.length; i += 2) {
      String[] pair = args[i + 1].split("=", 2);
      dynamic.setString(pair[0], pair[1]);
    }
    Configuration configuration = GlobalConfiguration.loadConfiguration(args[0], dynamic);
    PackagedProgram program;
    try {
      program = program(configuration);
      configureExecution(configuration, program);
    } catch (Exception e) {
      // The same exit as Flink's own application entry points when the program cannot be built.
      LOG.error("Could not create the application program.", e);
      System.exit(1);
      return; // not reached: javac does not know that exit does not return
    }
    ClusterEntrypoint.runClusterEntrypoint(new ApplicationClusterProcess(configuration, program));
  }

  private static PackagedProgram program(Configuration configuration) throws Exception {
    ApplicationConfiguration application =
        ApplicationConfiguration.fromConfiguration(configuration);
    List<String> jars = configuration.get(PipelineOptions.JARS);
    if (jars == null || jars.size() != 1) {
      throw new IllegalArgumentException(
          "pipeline.jars must name exactly one local:// jar, found " + jars);
    }
    File jobJar = new File(URI.create(jars.get(0)).getPath());
    File userLib = ClusterEntrypointUtils.tryFindUserLibDirectory().orElse(null);
    return DefaultPackagedProgramRetriever.create(
            userLib,
            jobJar,
            application.getApplicationClassName(),
            application.getProgramArguments(),
            configuration)
        .getPackagedProgram();
  }
}
