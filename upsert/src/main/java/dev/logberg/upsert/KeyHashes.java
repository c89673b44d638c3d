package dev.logberg.upsert;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A set of merge keys as sorted 64-bit hashes, 8 bytes per key. Scans of older files keep only rows
 * whose key may be in a batch's set, and the in-process resolver keeps whole rows only for keys
 * whose hash occurs twice in the batch or in an older file. A hash collision only lets an extra row
 * through (it is then compared by its real key); it never hides a duplicate.
 */
final class KeyHashes implements Serializable {
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
    return mightContain(hash(key));
  }

  public boolean mightContain(long hash) {
    return Arrays.binarySearch(sorted, hash) >= 0;
  }

  /** Whether any of {@code hashes} is in this set. */
  public boolean mightContainAny(long[] hashes) {
    for (long h : hashes) {
      if (mightContain(h)) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return sorted.length == 0;
  }

  /** The hashes that occur more than once, each once: the keys that may have duplicates. */
  public long[] repeated() {
    Builder repeated = new Builder();
    for (int i = 1; i < sorted.length; i++) {
      boolean firstRepeat = i == 1 || sorted[i - 1] != sorted[i - 2];
      if (sorted[i] == sorted[i - 1] && firstRepeat) {
        repeated.add(sorted[i]);
      }
    }
    return repeated.toArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyHashes other && Arrays.equals(sorted, other.sorted);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sorted);
  }

  /**
   * 64-bit FNV-1a over the key's UTF-16 chars (no byte copy), then a final mix so that similar keys
   * spread.
   */
  public static long hash(String key) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      h ^= key.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  /**
   * A growable array of hashes; Java serialization writes it compactly (it is also a combiner's
   * accumulator).
   */
  public static final class Builder implements Serializable {
    private static final long serialVersionUID = 1L;
    private long[] values = new long[64];
    private int size;

    public Builder add(long hash) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = hash;
      return this;
    }

    public Builder addAll(long[] hashes) {
      for (long h : hashes) {
        add(h);
      }
      return this;
    }

    public Builder addAll(Builder other) {
      for (int i = 0; i < other.size; i++) {
        add(other.values[i]);
      }
      return this;
    }

    public long[] toArray() {
      return Arrays.copyOf(values, size);
    }

    public KeyHashes build() {
      long[] copy = toArray();
      Arrays.sort(copy);
      return new KeyHashes(copy);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Builder other
          && Arrays.equals(values, 0, size, other.values, 0, other.size);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(toArray());
    }
  }
}
