package dev.logberg.pipeline.read;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/** Compact coder for the batches of lines, the bulk of what moves between reading and parsing. */
public final class LineBatchCoder extends AtomicCoder<LineBatch> {
  private static final LineBatchCoder INSTANCE = new LineBatchCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();
  private static final VarIntCoder INT = VarIntCoder.of();
  private static final NullableCoder<String> FAILURE = NullableCoder.of(StringUtf8Coder.of());

  public static LineBatchCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(LineBatch batch, OutputStream out) throws IOException {
    STRING.encode(batch.appId(), out);
    STRING.encode(batch.sourceFile(), out);
    LONG.encode(batch.firstLineNumber(), out);
    List<String> texts = batch.texts();
    INT.encode(texts.size(), out);
    for (String text : texts) {
      STRING.encode(text, out);
    }
    int[] cut = batch.cut();
    INT.encode(cut.length, out);
    for (int index : cut) {
      INT.encode(index, out);
    }
    FAILURE.encode(batch.failure(), out);
  }

  @Override
  public LineBatch decode(InputStream in) throws IOException {
    String appId = STRING.decode(in);
    String sourceFile = STRING.decode(in);
    long first = LONG.decode(in);
    int size = INT.decode(in);
    List<String> texts = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      texts.add(STRING.decode(in));
    }
    int[] cut = new int[INT.decode(in)];
    for (int i = 0; i < cut.length; i++) {
      cut[i] = INT.decode(in);
    }
    return new LineBatch(appId, sourceFile, first, texts, cut, FAILURE.decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}
