package dev.logberg.upsert;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The rows that can share a key with a batch, as an Iceberg filter, when the key determines some
 * columns' values.
 *
 * <p>A row with a batch key has, in every key-determined column, the value the batch row has; so it
 * lies inside the range of some added file on that column. Each added file contributes its own box
 * (per column: its lower and upper bound from the manifest, plus null or NaN when the file holds
 * any), and the filter is the union of the boxes: a batch of several days never widens into one
 * range over the days between them. Iceberg's scan planning projects the filter onto each file's
 * own partition spec (a file written under an older spec is judged by that spec) and evaluates it
 * against the file's column bounds; Iceberg's Parquet reader evaluates it against row-group
 * statistics.
 *
 * <p>When an added file has no bounds for a column (metrics disabled, or only nulls of unknown
 * count), nothing can be pruned: the filter is {@code alwaysTrue}.
 */
final class KeyDeterminedFilter {
  private KeyDeterminedFilter() {}

  /**
   * One added file's values in one column: a closed range (absent when the file holds only nulls)
   * and extras.
   */
  record Range(@Nullable Object lower, @Nullable Object upper, boolean hasNull, boolean hasNaN) {}

  static Expression of(Schema schema, List<String> columns, Collection<DataFile> added) {
    if (columns.isEmpty() || added.isEmpty()) {
      return Expressions.alwaysTrue();
    }
    List<List<Range>> boxes = new ArrayList<>();
    for (DataFile file : added) {
      if (file.recordCount() == 0) {
        continue; // no row, no key (the empty files of resolution commits have no metrics either)
      }
      List<Range> box = new ArrayList<>(columns.size());
      for (String column : columns) {
        Range range = range(file, schema.findField(column));
        if (range == null) {
          return Expressions.alwaysTrue();
        }
        box.add(range);
      }
      boxes.add(box);
    }
    if (columns.size() == 1) {
      Types.NestedField field = schema.findField(columns.get(0));
      return or(
          terms(columns.get(0), merged(boxes.stream().map(b -> b.get(0)).toList(), field.type())));
    }
    // Boxes over several columns do not merge without loss: one conjunction per added file.
    List<Expression> conjunctions = new ArrayList<>(boxes.size());
    for (List<Range> box : boxes) {
      Expression all = Expressions.alwaysTrue();
      for (int i = 0; i < columns.size(); i++) {
        all = Expressions.and(all, or(terms(columns.get(i), List.of(box.get(i)))));
      }
      conjunctions.add(all);
    }
    return or(conjunctions);
  }

  /** The file's range in the column, or null when unknown. */
  static @Nullable Range range(DataFile file, Types.NestedField field) {
    int id = field.fieldId();
    Object lower = bound(file.lowerBounds(), field);
    Object upper = bound(file.upperBounds(), field);
    Long nulls = count(file.nullValueCounts(), id);
    Long values = count(file.valueCounts(), id);
    boolean floating =
        field.type().typeId() == Type.TypeID.FLOAT || field.type().typeId() == Type.TypeID.DOUBLE;
    Long nans = count(file.nanValueCounts(), id);
    // An unknown count may be non-zero.
    boolean hasNull = nulls == null || nulls > 0;
    boolean hasNaN = floating && (nans == null || nans > 0);
    if (lower == null || upper == null) {
      boolean onlyNullsOrNaN =
          values != null && nulls != null && (nans == null ? 0 : nans) + nulls == values;
      return onlyNullsOrNaN ? new Range(null, null, hasNull, hasNaN) : null;
    }
    return new Range(lower, upper, hasNull, hasNaN);
  }

  /**
   * Overlapping ranges of one column joined (lossless: their union is the same set of values),
   * sorted by lower bound; nulls and NaN are carried by a value-less range.
   */
  static List<Range> merged(List<Range> ranges, Type type) {
    Comparator<Object> order = Comparators.forType(type.asPrimitiveType());
    List<Range> valued = new ArrayList<>(ranges.stream().filter(r -> r.lower() != null).toList());
    valued.sort((a, b) -> order.compare(a.lower(), b.lower()));
    List<Range> result = new ArrayList<>();
    Range current = null;
    for (Range r : valued) {
      if (current != null && order.compare(r.lower(), current.upper()) <= 0) {
        Object upper = order.compare(r.upper(), current.upper()) > 0 ? r.upper() : current.upper();
        current = new Range(current.lower(), upper, false, false);
      } else {
        if (current != null) {
          result.add(current);
        }
        current = new Range(r.lower(), r.upper(), false, false);
      }
    }
    if (current != null) {
      result.add(current);
    }
    boolean anyNull = ranges.stream().anyMatch(Range::hasNull);
    boolean anyNaN = ranges.stream().anyMatch(Range::hasNaN);
    if (anyNull || anyNaN) {
      result.add(new Range(null, null, anyNull, anyNaN));
    }
    return result;
  }

  private static List<Expression> terms(String column, List<Range> ranges) {
    List<Expression> terms = new ArrayList<>();
    for (Range r : ranges) {
      if (r.lower() != null) {
        terms.add(
            Expressions.and(
                Expressions.greaterThanOrEqual(column, r.lower()),
                Expressions.lessThanOrEqual(column, r.upper())));
      }
      if (r.hasNull()) {
        terms.add(Expressions.isNull(column));
      }
      if (r.hasNaN()) {
        terms.add(Expressions.isNaN(column));
      }
    }
    return terms;
  }

  /**
   * A balanced OR: Iceberg's visitors recurse, and a chain of thousands of terms would be as deep.
   */
  private static Expression or(List<Expression> terms) {
    if (terms.isEmpty()) {
      return Expressions.alwaysFalse();
    }
    if (terms.size() == 1) {
      return terms.get(0);
    }
    int half = terms.size() / 2;
    return Expressions.or(or(terms.subList(0, half)), or(terms.subList(half, terms.size())));
  }

  private static @Nullable Object bound(
      @Nullable Map<Integer, ByteBuffer> bounds, Types.NestedField field) {
    ByteBuffer bytes = bounds == null ? null : bounds.get(field.fieldId());
    return bytes == null ? null : Conversions.fromByteBuffer(field.type(), bytes);
  }

  private static @Nullable Long count(@Nullable Map<Integer, Long> counts, int id) {
    return counts == null ? null : counts.get(id);
  }
}
