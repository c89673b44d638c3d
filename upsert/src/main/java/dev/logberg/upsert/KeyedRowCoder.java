package dev.logberg.upsert;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/** Compact coder for the rows that cross the key shuffle: one per scanned key. */
final class KeyedRowCoder extends AtomicCoder<KeyedRow> {
  private static final KeyedRowCoder INSTANCE = new KeyedRowCoder();
  private static final BigEndianLongCoder FIXED = BigEndianLongCoder.of();
  private static final VarLongCoder VAR = VarLongCoder.of();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();

  static KeyedRowCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(KeyedRow row, OutputStream out) throws IOException {
    FIXED.encode(row.order(), out);
    VAR.encode(row.dataSequence(), out);
    STRING.encode(row.file(), out);
    VAR.encode(row.position(), out);
  }

  @Override
  public KeyedRow decode(InputStream in) throws IOException {
    return new KeyedRow(FIXED.decode(in), VAR.decode(in), STRING.decode(in), VAR.decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}
