package dev.logberg.upsert;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The set of merge keys written by a batch, as sorted 64-bit hashes: scans of older files keep only rows whose key
 * may be in it, so that only those rows are shuffled. A hash collision only lets an extra row through (it then finds
 * no partner and is dropped); it never hides a duplicate.
 */
public final class KeyHashes implements Serializable {
  private static final long serialVersionUID = 1L;
  private final long[] sorted;

  private KeyHashes(long[] sorted) {
    this.sorted = sorted;
  }

  public static KeyHashes of(long[] hashes) {
    long[] copy = hashes.clone();
    Arrays.sort(copy);
    return new KeyHashes(copy);
  }

  public boolean mightContain(String key) {
    return Arrays.binarySearch(sorted, hash(key)) >= 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyHashes other && Arrays.equals(sorted, other.sorted);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sorted);
  }

  /** 64-bit FNV-1a over the key's UTF-8 bytes, then a final mix so that similar keys spread. */
  public static long hash(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
