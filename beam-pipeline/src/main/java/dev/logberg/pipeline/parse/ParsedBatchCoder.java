package dev.logberg.pipeline.parse;

import dev.logberg.pipeline.tables.RejectsTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.values.Row;

/** The parsed batches' coder: the already encoded rows are copied as they are. */
final class ParsedBatchCoder extends AtomicCoder<ParsedBatch> {
  private static final ParsedBatchCoder INSTANCE = new ParsedBatchCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarIntCoder INT = VarIntCoder.of();
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();
  private static final NullableCoder<String> FAILURE = NullableCoder.of(STRING);
  private static final ListCoder<Row> REJECTS = ListCoder.of(RowCoder.of(RejectsTable.ROW_SCHEMA));

  static ParsedBatchCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(ParsedBatch batch, OutputStream out) throws IOException {
    STRING.encode(batch.appId(), out);
    STRING.encode(batch.sourceFile(), out);
    INT.encode(batch.rowCount(), out);
    BYTES.encode(batch.encodedRows(), out);
    REJECTS.encode(batch.rejects(), out);
    FAILURE.encode(batch.failure(), out);
  }

  @Override
  public ParsedBatch decode(InputStream in) throws IOException {
    return new ParsedBatch(
        STRING.decode(in),
        STRING.decode(in),
        INT.decode(in),
        BYTES.decode(in),
        REJECTS.decode(in),
        FAILURE.decode(in));
  }
}
