package dev.logberg.runners;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * Iceberg's own REST catalog server on loopback, over an in-memory catalog whose table metadata
 * lives in a local warehouse: one catalog service that several forked runs commit through at once,
 * as they do through Glue. (A sqlite file shared by processes is not such a service: Iceberg's JDBC
 * catalog turns its lock errors into failed commits.)
 */
final class RestCatalogServer implements AutoCloseable {
  private final InMemoryCatalog backend = new InMemoryCatalog();
  private final Server server;

  RestCatalogServer(Path warehouse) throws Exception {
    backend.initialize(
        "rest_backend",
        Map.of(
            "warehouse",
            warehouse.toString(),
            "io-impl",
            "org.apache.iceberg.hadoop.HadoopFileIO"));
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(
        new ServletHolder(new RESTCatalogServlet(new RESTCatalogAdapter(backend))), "/*");
    server = new Server(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    server.setHandler(context);
    server.start();
  }

  /** The options that make a run use this server. */
  List<String> args() {
    return List.of("--catalogType=rest", "--catalogUri=" + server.getURI());
  }

  @Override
  public void close() throws Exception {
    server.stop();
    backend.close();
  }
}
