package dev.logberg.pipeline.read;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/** Compact coder for the most numerous element of the graph (a Java-serialized record would be several times larger). */
public final class LogLineCoder extends AtomicCoder<LogLine> {
  private static final LogLineCoder INSTANCE = new LogLineCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();
  private static final BooleanCoder BOOLEAN = BooleanCoder.of();

  public static LogLineCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(LogLine line, OutputStream out) throws IOException {
    STRING.encode(line.appId(), out);
    STRING.encode(line.sourceFile(), out);
    LONG.encode(line.lineNumber(), out);
    STRING.encode(line.text(), out);
    BOOLEAN.encode(line.tooLong(), out);
  }

  @Override
  public LogLine decode(InputStream in) throws IOException {
    return new LogLine(STRING.decode(in), STRING.decode(in), LONG.decode(in), STRING.decode(in), BOOLEAN.decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}
