package dev.logberg.testdata;

/** Decimal numbers appended without formatting calls (the generator writes millions of lines). */
final class Decimals {
  private Decimals() {}

  /** {@code 123} -> {@code 12.3}. */
  static StringBuilder tenths(StringBuilder sb, int tenths) {
    return sb.append(tenths / 10).append('.').append(tenths % 10);
  }

  /** Microseconds as milliseconds with three decimals: {@code 18734} -> {@code 18.734}. */
  static StringBuilder millis(StringBuilder sb, int micros) {
    sb.append(micros / 1000).append('.');
    int frac = micros % 1000;
    if (frac < 100) {
      sb.append('0');
    }
    if (frac < 10) {
      sb.append('0');
    }
    return sb.append(frac);
  }
}
