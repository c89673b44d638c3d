package dev.logberg.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import dev.logberg.pipeline.storage.LoopbackS3;
import dev.logberg.pipeline.tables.SparkLogsTable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline through Iceberg's REST catalog (its own servlet, in Jetty on loopback) into an S3
 * warehouse.
 */
class S3RestCatalogTest {
  private static final Path TREE =
      Path.of(System.getProperty("logberg.repo", ".."))
          .toAbsolutePath()
          .normalize()
          .resolve("testdata/spark-application-logs/spark-team-a");

  @TempDir Path dir;
  private LoopbackS3 s3;
  private JdbcCatalog backend;
  private Server rest;

  @BeforeEach
  void start() throws Exception {
    s3 = new LoopbackS3(dir.resolve("s3"));
    s3.createBucket("spark-logs");
    s3.createBucket("lake");
    s3.upload(TREE, "spark-logs", "spark-application-logs/spark-team-a/");
    // The server's catalog writes table metadata to the same S3 store the clients use.
    Map<String, String> properties = new HashMap<>(s3.settings().icebergProperties());
    properties.put("uri", "jdbc:sqlite:" + dir.resolve("rest-catalog.db"));
    properties.put("warehouse", "s3://lake/warehouse");
    properties.put("jdbc.schema-version", "V1");
    backend = new JdbcCatalog();
    backend.initialize("rest_backend", properties);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(
        new ServletHolder(new RESTCatalogServlet(new RESTCatalogAdapter(backend))), "/*");
    rest = new Server(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    rest.setHandler(context);
    rest.start();
  }

  @AfterEach
  void stop() throws Exception {
    rest.stop();
    backend.close();
    s3.close();
  }

  @Test
  void landsTheSameRowsAsTheLocalRunAndUpsertsOnARerun() {
    Lakehouse local = new Lakehouse(dir.resolve("local"), TREE.toString());
    String[] options = {
      "--catalogType=rest",
      "--catalogUri=" + rest.getURI(),
      "--warehouse=s3://lake/warehouse",
      "--s3Endpoint=" + s3.endpoint(),
      "--s3PathStyleAccess",
      "--region=" + LoopbackS3.REGION
    };
    Lakehouse remote =
        new Lakehouse(
            dir.resolve("remote"), "s3://spark-logs/spark-application-logs/spark-team-a", options);
    assertThat(local.run().exitCode(), is(Main.OK));
    Lakehouse.Run first = remote.run();
    assertThat(first.output(), first.exitCode(), is(Main.OK));

    assertThat(
        remote.table(remote.tables.dataTable()).location().startsWith("s3://lake/warehouse/"),
        is(true));
    assertThat(eventIds(remote), is(eventIds(local)));
    assertThat(
        remote.rows(remote.tables.metadataTable()),
        hasSize(local.rows(local.tables.metadataTable()).size()));

    assertThat(remote.run("--reprocessAll").exitCode(), is(Main.OK));
    assertThat(
        remote.rows(remote.tables.dataTable()),
        hasSize(local.rows(local.tables.dataTable()).size()));
    assertThat(eventIds(remote), is(eventIds(local)));
  }

  private static java.util.Set<String> eventIds(Lakehouse lake) {
    return lake.rows(lake.tables.dataTable()).stream()
        .map((Record r) -> (String) r.getField(SparkLogsTable.EVENT_ID))
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }
}
