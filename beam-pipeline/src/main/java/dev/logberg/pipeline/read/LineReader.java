package dev.logberg.pipeline.read;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into numbered UTF-8 lines ({@code \n} or {@code \r\n}), keeping at most
 * {@code maxLineBytes} of any line so that one runaway line cannot exhaust memory. A final line
 * without terminator counts; the empty remainder after a final terminator does not.
 */
public final class LineReader {

  /** Receives each line in order. */
  @FunctionalInterface
  public interface Sink {
    void line(long lineNumber, String text, boolean tooLong);
  }

  private static final int BUFFER_BYTES = 64 * 1024;

  private final int maxLineBytes;

  public LineReader(int maxLineBytes) {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be positive");
    }
    this.maxLineBytes = maxLineBytes;
  }

  /** Reads {@code in} to its end; returns the number of lines. */
  public long read(InputStream in, Sink sink) throws IOException {
    byte[] buffer = new byte[BUFFER_BYTES];
    Line line = new Line(maxLineBytes);
    long lineNumber = 0;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (buffer[i] == '\n') {
          line.append(buffer, start, i);
          sink.line(++lineNumber, line.text(), line.tooLong);
          line.clear();
          start = i + 1;
        }
      }
      line.append(buffer, start, n);
    }
    if (line.pending) {
      sink.line(++lineNumber, line.text(), line.tooLong);
    }
    return lineNumber;
  }

  /** The bytes of the line being read, capped at the limit. */
  private static final class Line {
    private final int max;
    private byte[] bytes = new byte[1024];
    private int length;
    private boolean tooLong;
    private boolean pending;

    Line(int max) {
      this.max = max;
    }

    void append(byte[] src, int from, int to) {
      if (from == to) {
        return;
      }
      pending = true;
      int take = Math.min(max - length, to - from);
      tooLong |= take < to - from;
      if (length + take > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.min(max, Math.max(bytes.length * 2, length + take)));
      }
      System.arraycopy(src, from, bytes, length, take);
      length += take;
    }

    String text() {
      int end = length > 0 && bytes[length - 1] == '\r' ? length - 1 : length;
      return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    void clear() {
      length = 0;
      tooLong = false;
      pending = false;
    }
  }
}
