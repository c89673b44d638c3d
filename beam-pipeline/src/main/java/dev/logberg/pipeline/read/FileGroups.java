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
  /**
   * Group size left to Logberg on a runner that holds a few chunks of every group in memory at once
   * (the DirectRunner): few groups keep that small. 512 groups of a 1 GB tree exhaust a 1.4 GB heap
   * there.
   */
  public static final long FEW_GROUP_BYTES = 64L * 1024 * 1024;

  /**
   * Group size left to Logberg on the other runners. Flink and Spark place each group on a worker
   * by hashing a random key (the shuffle in Beam's expansion of the splittable read), so a few
   * large groups land unevenly: with the 16 groups of a 1 GB tree, one Flink worker once read for 7
   * s and the other for 17 s, and the job took as long as the larger share. Hundreds of small
   * groups even out.
   */
  public static final long SPREAD_GROUP_BYTES = 2L * 1024 * 1024;

  private FileGroups() {}

  /**
   * Longest-processing-time-first: files by size descending, each into the group with the fewest
   * bytes so far. The result does not depend on the order of {@code files}.
   *
   * @param groups how many groups; 0 for one per {@code autoGroupBytes} of input. Never more groups
   *     than files.
   * @param autoGroupBytes the bytes of a group when {@code groups} is 0
   */
  public static List<FileGroup> pack(List<FileOfApp> files, int groups, long autoGroupBytes) {
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
        groups > 0 ? groups : (int) Math.max(1, (total + autoGroupBytes - 1) / autoGroupBytes);
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
