package dev.logberg.testdata;

import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes a {@link Manifest} as pretty-printed JSON with a fixed key order and sorted map keys, so
 * the same tree always gives the same text and a checked-in manifest diffs cleanly.
 */
final class ManifestWriter {
  private final StringBuilder sb = new StringBuilder(1 << 16);

  private ManifestWriter() {}

  static String toJson(Manifest m) {
    return new ManifestWriter().write(m);
  }

  private String write(Manifest m) {
    sb.append("{\n  \"generator\": {\"seed\": ").append(m.origin().seed());
    if (m.origin().profile() != null) {
      sb.append(", \"profile\": ");
      Json.appendString(sb, m.origin().profile());
    } else {
      sb.append(", \"size\": ").append(m.origin().sizeBytes());
    }
    sb.append("},\n  \"totals\": {\n");
    field(4, "apps").append(m.apps().size()).append(",\n");
    counts(4, m.totals());
    sb.append("  },\n");
    field(2, "ignoredFolders");
    strings(m.ignoredFolders()).append(",\n");
    field(2, "emptyAppFolders");
    strings(m.emptyAppFolders()).append(",\n");
    field(2, "apps").append('[');
    for (int i = 0; i < m.apps().size(); i++) {
      Manifest.App app = m.apps().get(i);
      sb.append(i == 0 ? "\n" : ",\n").append("    {\n");
      field(6, "appId");
      Json.appendString(sb, app.appId());
      sb.append(",\n");
      field(6, "folder");
      Json.appendString(sb, app.appId());
      sb.append(",\n");
      field(6, "pods");
      strings(app.pods()).append(",\n");
      counts(6, app.tally());
      sb.append("    }");
    }
    sb.append(m.apps().isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
    return sb.toString();
  }

  /** The fields shared by an application and the totals, in manifest order. */
  private void counts(int indent, Tally t) {
    field(indent, "files").append(t.files).append(",\n");
    field(indent, "bytes").append(t.bytes).append(",\n");
    field(indent, "lines").append(t.lines).append(",\n");
    field(indent, "blankLines").append(t.blankLines).append(",\n");
    field(indent, "validLines").append(t.validLines).append(",\n");
    field(indent, "rejects");
    counts(t.rejectsByReason()).append(",\n");
    field(indent, "levels");
    counts(t.levelsByName()).append(",\n");
    field(indent, "days");
    counts(t.linesPerDay()).append(",\n");
    field(indent, "minTimestamp");
    nullableString(t.minTimestamp()).append(",\n");
    field(indent, "maxTimestamp");
    nullableString(t.maxTimestamp()).append('\n');
  }

  private StringBuilder field(int indent, String name) {
    sb.append(" ".repeat(indent));
    Json.appendString(sb, name);
    return sb.append(": ");
  }

  private StringBuilder strings(List<String> values) {
    sb.append('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Json.appendString(sb, values.get(i));
    }
    return sb.append(']');
  }

  private StringBuilder counts(Map<String, Long> values) {
    sb.append('{');
    String sep = "";
    for (Map.Entry<String, Long> e : values.entrySet()) {
      sb.append(sep);
      Json.appendString(sb, e.getKey());
      sb.append(": ").append(e.getValue());
      sep = ", ";
    }
    return sb.append('}');
  }

  private StringBuilder nullableString(@Nullable String value) {
    if (value == null) {
      return sb.append("null");
    }
    Json.appendString(sb, value);
    return sb;
  }
}
