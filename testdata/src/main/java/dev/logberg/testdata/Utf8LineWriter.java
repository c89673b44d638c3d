package dev.logberg.testdata;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes lines as UTF-8 to a plain or gzip file and counts the uncompressed bytes, which the {@code
 * --size} budget is measured in. Encodes by hand into one reused buffer: no String or byte[] per
 * line.
 */
final class Utf8LineWriter implements Closeable {
  private final OutputStream out;
  private final byte[] buf = new byte[1 << 16];
  private final boolean finalNewline;
  private int pos;
  private long bytes;
  private boolean first = true;

  /**
   * @param finalNewline false leaves the last line unterminated, like a writer that stopped
   *     mid-file
   */
  Utf8LineWriter(Path file, boolean gzip, boolean finalNewline) throws IOException {
    OutputStream file0 = Files.newOutputStream(file);
    // GZIPOutputStream writes mtime 0 and no file name, so the compressed bytes depend only on the
    // content.
    this.out = gzip ? new GZIPOutputStream(file0, 1 << 16) : file0;
    this.finalNewline = finalNewline;
  }

  /** Uncompressed bytes written so far. */
  long bytes() {
    return bytes + pos;
  }

  void writeLine(CharSequence line) throws IOException {
    // The newline goes before every line but the first, so close() decides whether the file ends
    // with one.
    if (!first) {
      put('\n');
    }
    first = false;
    int n = line.length();
    for (int i = 0; i < n; i++) {
      if (pos > buf.length - 4) {
        flushBuffer();
      }
      char c = line.charAt(i);
      if (c < 0x80) {
        buf[pos++] = (byte) c;
      } else if (c < 0x800) {
        buf[pos++] = (byte) (0xC0 | (c >> 6));
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n) {
        int cp = Character.toCodePoint(c, line.charAt(++i));
        buf[pos++] = (byte) (0xF0 | (cp >> 18));
        buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        buf[pos++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        buf[pos++] = (byte) (0xE0 | (c >> 12));
        buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      }
    }
  }

  private void put(char ascii) throws IOException {
    if (pos == buf.length) {
      flushBuffer();
    }
    buf[pos++] = (byte) ascii;
  }

  private void flushBuffer() throws IOException {
    out.write(buf, 0, pos);
    bytes += pos;
    pos = 0;
  }

  @Override
  public void close() throws IOException {
    if (finalNewline && !first) {
      put('\n');
    }
    flushBuffer();
    out.close();
  }
}
