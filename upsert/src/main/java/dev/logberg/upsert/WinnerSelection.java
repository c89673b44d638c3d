package dev.logberg.upsert;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Picks the one row that stays for a key; every other row is deleted. */
final class WinnerSelection {
  private WinnerSelection() {}

  /**
   * The rows to delete: all but the highest-ranked ({@link KeyedRow#RANK}). A row seen twice (the
   * same file and position, e.g. a data file committed twice) is deleted once, and never when it is
   * the winner.
   */
  public static List<KeyedRow> losers(Iterable<KeyedRow> rows) {
    List<KeyedRow> all = new ArrayList<>();
    rows.forEach(all::add);
    if (all.size() < 2) {
      return List.of();
    }
    all.sort(Collections.reverseOrder(KeyedRow.RANK));
    KeyedRow winner = all.get(0);
    Set<String> seen = new HashSet<>();
    seen.add(location(winner));
    List<KeyedRow> losers = new ArrayList<>(all.size() - 1);
    for (KeyedRow row : all.subList(1, all.size())) {
      if (seen.add(location(row))) {
        losers.add(row);
      }
    }
    return losers;
  }

  private static String location(KeyedRow row) {
    return row.position() + "@" + row.file();
  }
}
