package dev.logberg.upsert;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How the rows of a table are matched and which one wins: the merge-key columns and an optional order column
 * (the row with the highest value wins; then the later commit, then file path and position).
 */
public record MergeKeys(List<String> columns, @Nullable String orderColumn) implements Serializable {

  private static final Set<Type.TypeID> ORDER_TYPES =
      Set.of(Type.TypeID.LONG, Type.TypeID.INTEGER, Type.TypeID.TIMESTAMP, Type.TypeID.DATE);

  public MergeKeys {
    columns = List.copyOf(columns);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("at least one merge-key column is required");
    }
  }

  public static MergeKeys of(String... columns) {
    return new MergeKeys(List.of(columns), null);
  }

  public MergeKeys orderedBy(String column) {
    return new MergeKeys(columns, column);
  }

  /** Fails with a message naming the column if the table cannot be resolved by these keys. */
  public void check(Schema schema, String table) {
    List<String> problems = new ArrayList<>();
    for (String column : columns) {
      Types.NestedField field = schema.findField(column);
      if (field == null) {
        problems.add("merge-key column '" + column + "' is not in the table");
      } else if (!field.type().isPrimitiveType()) {
        problems.add("merge-key column '" + column + "' is " + field.type() + "; keys must be primitive");
      }
    }
    if (orderColumn != null) {
      Types.NestedField field = schema.findField(orderColumn);
      if (field == null) {
        problems.add("order column '" + orderColumn + "' is not in the table");
      } else if (!ORDER_TYPES.contains(field.type().typeId())) {
        problems.add("order column '" + orderColumn + "' is " + field.type() + "; use a long, int, date or timestamp");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("table " + table + ": " + String.join("; ", problems));
    }
  }

  /** Columns a key scan reads. */
  public List<String> projectedColumns() {
    List<String> projected = new ArrayList<>(columns);
    if (orderColumn != null && !projected.contains(orderColumn)) {
      projected.add(orderColumn);
    }
    return projected;
  }
}
