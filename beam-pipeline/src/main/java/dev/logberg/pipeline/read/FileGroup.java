package dev.logberg.pipeline.read;

import java.io.Serializable;
import java.util.List;

/**
 * Files read by one worker, one after the other: the unit of read parallelism.
 *
 * @param files largest first
 * @param bytes their total size on storage
 */
public record FileGroup(List<FileOfApp> files, long bytes) implements Serializable {
  public FileGroup {
    files = List.copyOf(files);
  }

  /** Bytes on storage of the files {@code [from, to)}. */
  public long bytes(long from, long to) {
    long sum = 0;
    for (long i = from; i < to; i++) {
      sum += files.get((int) i).file().size();
    }
    return sum;
  }
}
