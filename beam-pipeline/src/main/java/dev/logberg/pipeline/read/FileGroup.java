package dev.logberg.pipeline.read;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Files read by one worker, one after the other: the unit of read parallelism.
 *
 * <p>The files are read in spans: consecutive files of at least {@link #SPAN_BYTES} together (a
 * larger file alone), each read under one claim of the reader and sent on in few elements.
 *
 * @param files largest first
 * @param bytes their total size on storage
 * @param spanEnds where each span ends: ascending, exclusive indexes into {@code files}
 */
public record FileGroup(List<FileOfApp> files, long bytes, List<Integer> spanEnds)
    implements Serializable {
  /** Bytes on storage a span reaches before it ends. */
  static final long SPAN_BYTES = 1L << 20;

  public FileGroup {
    files = List.copyOf(files);
    spanEnds = List.copyOf(spanEnds);
  }

  /** The files in spans of {@link #SPAN_BYTES}. */
  public FileGroup(List<FileOfApp> files, long bytes) {
    this(files, bytes, spanEnds(files));
  }

  private static List<Integer> spanEnds(List<FileOfApp> files) {
    List<Integer> ends = new ArrayList<>();
    long span = 0;
    for (int i = 0; i < files.size(); i++) {
      span += files.get(i).file().size();
      if (span >= SPAN_BYTES || i == files.size() - 1) {
        ends.add(i + 1);
        span = 0;
      }
    }
    return ends;
  }

  /** The files of span {@code index}. */
  public List<FileOfApp> span(int index) {
    return files.subList(index == 0 ? 0 : spanEnds.get(index - 1), spanEnds.get(index));
  }

  /** Bytes on storage of the spans {@code [from, to)}. */
  public long bytes(long from, long to) {
    long sum = 0;
    for (long i = from; i < to; i++) {
      for (FileOfApp file : span((int) i)) {
        sum += file.file().size();
      }
    }
    return sum;
  }
}
