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
 * How the rows of a table are matched and which one wins: the merge-key columns and an optional
 * order column (the row with the highest value wins; then the later commit, then file path and
 * position).
 *
 * <p>{@code keyDeterminedColumns} are columns whose value the key determines: every row with a
 * given key has the same value in them (Logberg's data table: a log line's {@code timestamp}).
 * Declaring them lets a resolution read only the existing files and row groups that can hold a
 * value of the batch in those columns; without a declaration every live file that may hold a batch
 * key is read, because a key may move between partitions.
 */
public record MergeKeys(
    List<String> columns, @Nullable String orderColumn, List<String> keyDeterminedColumns)
    implements Serializable {

  private static final Set<Type.TypeID> ORDER_TYPES =
      Set.of(Type.TypeID.LONG, Type.TypeID.INTEGER, Type.TypeID.TIMESTAMP, Type.TypeID.DATE);

  public MergeKeys {
    columns = List.copyOf(columns);
    keyDeterminedColumns = List.copyOf(keyDeterminedColumns);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("at least one merge-key column is required");
    }
  }

  public MergeKeys(List<String> columns, @Nullable String orderColumn) {
    this(columns, orderColumn, List.of());
  }

  public static MergeKeys of(String... columns) {
    return new MergeKeys(List.of(columns), null);
  }

  public MergeKeys orderedBy(String column) {
    return new MergeKeys(columns, column, keyDeterminedColumns);
  }

  /**
   * Declares columns whose value the key determines: a row rewritten under the same key always has
   * the same value in each of them. A wrong declaration makes resolution miss old rows of a key
   * whose value changed; leave it out when unsure.
   */
  public MergeKeys withKeyDeterminedColumns(String... determined) {
    return new MergeKeys(columns, orderColumn, List.of(determined));
  }

  /** Fails with a message naming the column if the table cannot be resolved by these keys. */
  public void check(Schema schema, String table) {
    List<String> problems = new ArrayList<>();
    for (String column : columns) {
      Types.NestedField field = schema.findField(column);
      if (field == null) {
        problems.add("merge-key column '" + column + "' is not in the table");
      } else if (!field.type().isPrimitiveType()) {
        problems.add(
            "merge-key column '" + column + "' is " + field.type() + "; keys must be primitive");
      }
    }
    for (String column : keyDeterminedColumns) {
      Types.NestedField field = schema.findField(column);
      if (field == null) {
        problems.add("key-determined column '" + column + "' is not in the table");
      } else if (!field.type().isPrimitiveType()) {
        problems.add(
            "key-determined column '" + column + "' is " + field.type() + "; it must be primitive");
      }
    }
    if (orderColumn != null) {
      Types.NestedField field = schema.findField(orderColumn);
      if (field == null) {
        problems.add("order column '" + orderColumn + "' is not in the table");
      } else if (!ORDER_TYPES.contains(field.type().typeId())) {
        problems.add(
            "order column '"
                + orderColumn
                + "' is "
                + field.type()
                + "; use a long, int, date or timestamp");
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
