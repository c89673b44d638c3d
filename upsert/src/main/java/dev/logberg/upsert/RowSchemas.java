package dev.logberg.upsert;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Beam row schemas for Iceberg table schemas.
 *
 * <p>Timestamps travel as INT64 microseconds since the epoch: Beam's DATETIME holds only
 * milliseconds, and Managed Iceberg writes a Long into a timestamp column as microseconds, so
 * nothing is lost on the way.
 */
public final class RowSchemas {
  private RowSchemas() {}

  public static Schema fromIceberg(org.apache.iceberg.Schema iceberg) {
    Schema.Builder builder = Schema.builder();
    for (Types.NestedField field : iceberg.columns()) {
      Schema.FieldType type = beamType(field.name(), field.type());
      builder.addField(Schema.Field.of(field.name(), type.withNullable(field.isOptional())));
    }
    return builder.build();
  }

  private static Schema.FieldType beamType(String name, Type type) {
    switch (type.typeId()) {
      case STRING:
        return Schema.FieldType.STRING;
      case LONG:
      case TIMESTAMP:
        return Schema.FieldType.INT64;
      case INTEGER:
        return Schema.FieldType.INT32;
      case BOOLEAN:
        return Schema.FieldType.BOOLEAN;
      case DOUBLE:
        return Schema.FieldType.DOUBLE;
      default:
        throw new IllegalArgumentException(
            "column " + name + ": Iceberg type " + type + " has no row mapping here");
    }
  }
}
