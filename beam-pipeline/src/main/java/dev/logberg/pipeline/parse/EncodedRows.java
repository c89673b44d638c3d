package dev.logberg.pipeline.parse;

import dev.logberg.pipeline.tables.SparkLogsTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.values.Row;

/**
 * Rows of the data table encoded back to back into one array, the form in which a {@link
 * ParsedBatch} carries them.
 *
 * <p>One instance per parsing thread is reused batch after batch, so the array grows a few times
 * per worker instead of several times per batch, and its writes take no lock: a {@code
 * ByteArrayOutputStream} (synchronized, grown from a guess) cost a third of the encoding's time.
 */
final class EncodedRows extends OutputStream {
  private static final RowCoder ROW = RowCoder.of(SparkLogsTable.ROW_SCHEMA);

  private byte[] bytes = new byte[64 * 1024];
  private int length;
  private int count;

  /** Encodes a row after those added since the last {@link #take}. */
  void add(Row row) {
    try {
      ROW.encode(row, this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a row", e);
    }
    count++;
  }

  int count() {
    return count;
  }

  /** The rows added since the last take, encoded; starts over. */
  byte[] take() {
    byte[] taken = Arrays.copyOf(bytes, length);
    clear();
    return taken;
  }

  /** Forgets the rows added since the last take (those of a batch that failed half-way). */
  void clear() {
    length = 0;
    count = 0;
  }

  @Override
  public void write(int b) {
    ensure(1);
    bytes[length++] = (byte) b;
  }

  @Override
  public void write(byte[] source, int offset, int len) {
    ensure(len);
    System.arraycopy(source, offset, bytes, length, len);
    length += len;
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }

  /** Decodes {@code count} rows encoded by {@link #add}. */
  static List<Row> decode(byte[] encoded, int count) {
    List<Row> rows = new ArrayList<>(count);
    InputStream in = new Reader(encoded);
    try {
      for (int i = 0; i < count; i++) {
        rows.add(ROW.decode(in));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode rows", e);
    }
    return rows;
  }

  /** Reads an array without the locks of {@code ByteArrayInputStream}. */
  private static final class Reader extends InputStream {
    private final byte[] bytes;
    private int position;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read() {
      return position < bytes.length ? bytes[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] target, int offset, int len) {
      if (len == 0) {
        return 0;
      }
      int n = Math.min(len, bytes.length - position);
      if (n <= 0) {
        return -1;
      }
      System.arraycopy(bytes, position, target, offset, n);
      position += n;
      return n;
    }
  }
}
