package dev.logberg.testdata;

/** JSON string escaping, shared by the line renderers and the manifest writer. */
final class Json {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Json() {}

  /** Appends {@code s} as a quoted JSON string. */
  static void appendString(StringBuilder out, CharSequence s) {
    out.append('"');
    appendEscaped(out, s);
    out.append('"');
  }

  /**
   * Appends the body of a JSON string: quotes, backslashes and control characters escaped,
   * everything else verbatim (non-ASCII text stays readable and is written as UTF-8).
   */
  static void appendEscaped(StringBuilder out, CharSequence s) {
    int n = s.length();
    int run = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(s, run, i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
      run = i + 1;
    }
    out.append(s, run, n);
  }
}
