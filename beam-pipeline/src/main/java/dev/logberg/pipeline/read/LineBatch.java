package dev.logberg.pipeline.read;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Consecutive lines of one file. Lines travel in batches because every element costs the runner
 * bookkeeping (and, between workers, a coder call): a batch of a thousand lines costs what one line
 * did.
 */
public final class LineBatch {
  private final String appId;
  private final String sourceFile;
  private final long firstLineNumber;
  private final List<String> texts;
  private final int[] cut;
  private final @Nullable String failure;

  /**
   * @param appId the application folder's id, which owns the lines whatever they say
   * @param sourceFile the file's identity (see {@code LogFile#sourceFile})
   * @param firstLineNumber 1-based number of the first line
   * @param texts the lines without their terminators
   * @param cut ascending indexes into {@code texts} of the lines that were longer than the limit
   *     and were cut
   */
  public LineBatch(
      String appId, String sourceFile, long firstLineNumber, List<String> texts, int[] cut) {
    this(appId, sourceFile, firstLineNumber, texts, cut, null);
  }

  /**
   * The last batch of a file that could not be read to its end: the lines read before the error
   * (perhaps none), and the error.
   */
  public LineBatch(
      String appId,
      String sourceFile,
      long firstLineNumber,
      List<String> texts,
      int[] cut,
      @Nullable String failure) {
    this.appId = appId;
    this.sourceFile = sourceFile;
    this.firstLineNumber = firstLineNumber;
    this.texts = List.copyOf(texts);
    this.cut = cut.clone();
    this.failure = failure;
  }

  public String appId() {
    return appId;
  }

  public String sourceFile() {
    return sourceFile;
  }

  public long firstLineNumber() {
    return firstLineNumber;
  }

  public int size() {
    return texts.size();
  }

  public String text(int index) {
    return texts.get(index);
  }

  public long lineNumber(int index) {
    return firstLineNumber + index;
  }

  /** Whether the line was longer than the limit: then {@link #text} is only its first bytes. */
  public boolean tooLong(int index) {
    return Arrays.binarySearch(cut, index) >= 0;
  }

  /** Why the file could not be read past this batch; null if it could. */
  public @Nullable String failure() {
    return failure;
  }

  List<String> texts() {
    return texts;
  }

  int[] cut() {
    return cut.clone();
  }

  @Override
  public String toString() {
    return sourceFile
        + " lines "
        + firstLineNumber
        + ".."
        + (firstLineNumber + texts.size() - 1)
        + (failure == null ? "" : ", then: " + failure);
  }

  /** Collects the lines of one file and hands out a batch whenever it is full. */
  static final class Builder {
    private final String appId;
    private final String sourceFile;
    private final int maxLines;
    private final long maxChars;
    private final List<String> texts = new ArrayList<>();
    private final List<Integer> cut = new ArrayList<>();
    private long firstLineNumber = 1;
    private long chars;
    private @Nullable String failure;

    Builder(String appId, String sourceFile, int maxLines, long maxChars) {
      this.appId = appId;
      this.sourceFile = sourceFile;
      this.maxLines = maxLines;
      this.maxChars = maxChars;
    }

    /** Adds the next line; returns true when the batch is full and should be taken. */
    boolean add(String text, boolean tooLong) {
      if (tooLong) {
        cut.add(texts.size());
      }
      texts.add(text);
      chars += text.length();
      return texts.size() >= maxLines || chars >= maxChars;
    }

    /** The file cannot be read further: the next batch taken is its last and says why. */
    void fail(String error) {
      failure = error;
    }

    /** The characters of the lines added since the last take. */
    long chars() {
      return chars;
    }

    /** Whether there is nothing to take: no line and no failure. */
    boolean isEmpty() {
      return texts.isEmpty() && failure == null;
    }

    /**
     * The lines added since the last take, as a batch; the builder continues with the next line
     * number.
     */
    LineBatch take() {
      LineBatch batch =
          new LineBatch(
              appId,
              sourceFile,
              firstLineNumber,
              texts,
              cut.stream().mapToInt(Integer::intValue).toArray(),
              failure);
      firstLineNumber += texts.size();
      texts.clear();
      cut.clear();
      chars = 0;
      failure = null;
      return batch;
    }
  }
}
