package dev.logberg.pipeline.tables;

import java.io.Serializable;
import org.apache.iceberg.catalog.TableIdentifier;

/** The identifiers of the four tables of one Logberg deployment. */
public record LogbergTables(String database, String data) implements Serializable {

  public TableIdentifier dataTable() {
    return TableIdentifier.of(database, data);
  }

  public TableIdentifier metadataTable() {
    return TableIdentifier.of(database, data + "_processing_metadata");
  }

  public TableIdentifier rejectsTable() {
    return TableIdentifier.of(database, data + "_rejects");
  }

  public TableIdentifier filesTable() {
    return TableIdentifier.of(database, data + "_files");
  }
}
