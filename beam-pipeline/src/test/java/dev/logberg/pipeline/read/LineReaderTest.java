package dev.logberg.pipeline.read;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  private static List<String> read(byte[] bytes, int max) throws IOException {
    List<String> lines = new ArrayList<>();
    long count =
        new LineReader(max)
            .read(
                new ByteArrayInputStream(bytes),
                (n, text, tooLong) -> lines.add(n + (tooLong ? "!" : ":") + text));
    assertThat(count, is((long) lines.size()));
    return lines;
  }

  private static List<String> read(String text, int max) throws IOException {
    return read(text.getBytes(StandardCharsets.UTF_8), max);
  }

  @Test
  void numbersLinesFromOneAndHandlesCrLfAndEmptyLines() throws IOException {
    assertThat(read("a\r\nb\n\n  \nc", 100), contains("1:a", "2:b", "3:", "4:  ", "5:c"));
  }

  @Test
  void trailingNewlineAddsNoLine() throws IOException {
    assertThat(read("a\nb\n", 100), contains("1:a", "2:b"));
    assertThat(read("", 100), is(List.of()));
    assertThat(read("\n", 100), contains("1:"));
  }

  @Test
  void longLinesAreCutAtTheLimitAndFlaggedWithoutLosingTheNextLine() throws IOException {
    String longLine = "x".repeat(10_000);
    assertThat(
        read(longLine + "\nshort\n" + longLine, 16),
        contains("1!" + "x".repeat(16), "2:short", "3!" + "x".repeat(16)));
    assertThat(read("exactly16bytes!!\n", 16), contains("1:exactly16bytes!!"));
  }

  @Test
  void decodesUtf8AcrossBufferBoundaries() throws IOException {
    String unicode = "Ünïcödé ✓ 日本語 🚀";
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      text.append(i).append(' ').append(unicode).append('\n');
    }
    // One byte per read() call: every multi-byte character is split between reads.
    InputStream trickle =
        new FilterInputStream(
            new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8))) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1));
          }
        };
    List<String> lines = new ArrayList<>();
    new LineReader(1024).read(trickle, (n, line, tooLong) -> lines.add(line));
    assertThat(lines.size(), is(5000));
    assertThat(lines.get(4321), is("4321 " + unicode));
  }
}
