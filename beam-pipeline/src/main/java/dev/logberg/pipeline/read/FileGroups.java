package dev.logberg.pipeline.read;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Packs the files of a run into groups of about equal bytes, so that a few large files and many
 * small ones still give every worker a similar share, and a runner that makes one bundle per group
 * (the DirectRunner) makes few.
 */
public final class FileGroups {
  /** Group size when the number of groups is left to Logberg. */
  public static final long AUTO_GROUP_BYTES = 64L * 1024 * 1024;

  private FileGroups() {}

  /**
   * Longest-processing-time-first: files by size descending, each into the group with the fewest
   * bytes so far. The result does not depend on the order of {@code files}.
   *
   * @param groups how many groups; 0 for one per {@link #AUTO_GROUP_BYTES} of input. Never more
   *     groups than files.
   */
  public static List<FileGroup> pack(List<FileOfApp> files, int groups) {
    if (groups < 0) {
      throw new IllegalArgumentException("groups must be 0 (auto) or positive, got " + groups);
    }
    List<FileOfApp> bySize = new ArrayList<>(files);
    bySize.sort(
        Comparator.comparingLong((FileOfApp f) -> f.file().size())
            .reversed()
            .thenComparing(f -> f.file().sourceFile()));
    long total = bySize.stream().mapToLong(f -> f.file().size()).sum();
    int wanted =
        groups > 0 ? groups : (int) Math.max(1, (total + AUTO_GROUP_BYTES - 1) / AUTO_GROUP_BYTES);
    int count = Math.min(wanted, bySize.size());
    PriorityQueue<Bin> bins =
        new PriorityQueue<>(
            Comparator.comparingLong((Bin b) -> b.bytes).thenComparingInt(b -> b.index));
    for (int i = 0; i < count; i++) {
      bins.add(new Bin(i));
    }
    for (FileOfApp file : bySize) {
      Bin lightest = bins.poll();
      lightest.files.add(file);
      lightest.bytes += file.file().size();
      bins.add(lightest);
    }
    return bins.stream()
        .sorted(Comparator.comparingInt(b -> b.index))
        .map(b -> new FileGroup(b.files, b.bytes))
        .toList();
  }

  private static final class Bin {
    final int index;
    final List<FileOfApp> files = new ArrayList<>();
    long bytes;

    Bin(int index) {
      this.index = index;
    }
  }
}
