package dev.logberg.upsert;

import java.io.Serializable;
import java.util.Comparator;

/**
 * One live row holding a merge key: where it is (data file and position) and what ranks it against
 * the other rows with the same key.
 *
 * @param order the order column's value ({@link Long#MIN_VALUE} when there is none or it is null)
 * @param dataSequence the data sequence number of the row's file: later commits rank higher
 */
record KeyedRow(long order, long dataSequence, String file, long position) implements Serializable {

  /** Ascending rank: the greatest row wins. */
  public static final Comparator<KeyedRow> RANK =
      Comparator.comparingLong(KeyedRow::order)
          .thenComparingLong(KeyedRow::dataSequence)
          .thenComparing(KeyedRow::file)
          .thenComparingLong(KeyedRow::position);
}
