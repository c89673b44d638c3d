package dev.logberg.testdata;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The parsed command line of {@link GenerateLogs}. Exactly one of {@code profile} and {@code
 * sizeBytes > 0} is set; {@code firstDay} is that of a {@code --size} tree. With {@code help} only
 * the seed and the day hold their defaults and the rest is absent.
 */
record CliOptions(
    @Nullable Path out,
    long seed,
    @Nullable String profile,
    long sizeBytes,
    LocalDate firstDay,
    @Nullable Path manifest,
    boolean help) {
  static final long DEFAULT_SEED = 20250115L;

  static final String USAGE =
      """
      usage: GenerateLogs --out DIR [--seed N] (--profile testdata | --size SIZE [--first-day DAY]) [--manifest FILE]
        --out DIR        folder that receives the spark-<32 hex> application folders; created if missing.
                         Existing application folders (and fluent-bit-buffer) in it are replaced; anything
                         else in it makes the generator refuse.
        --seed N         random seed (default 20250115); same seed and options give byte-identical output
        --profile NAME   'testdata': the small tree with every edge case, as checked in under testdata/
        --size SIZE      a large synthetic tree of about SIZE uncompressed bytes: 100MB, 1GB, 512KB or
                         a plain byte count (K/M/G are powers of 1024)
        --first-day DAY  with --size: the UTC day (YYYY-MM-DD) the applications start on, over 60 hours from its
                         midnight (default 2025-01-14); a later day lands a later batch in the same tables
        --manifest FILE  also write the manifest (expected counts per application) as JSON to FILE
        --help           print this text
      """;

  static CliOptions parse(String[] args) throws UsageException {
    Path out = null;
    Path manifest = null;
    Long seed = null;
    String profile = null;
    long size = 0;
    LocalDate firstDay = null;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--help") || option.equals("-h")) {
        return new CliOptions(
            null, DEFAULT_SEED, null, 0, SizeProfile.DEFAULT_FIRST_DAY, null, true);
      }
      if (!option.startsWith("--")) {
        throw new UsageException("unexpected argument '" + option + "'");
      }
      if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
        throw new UsageException(option + " needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--out" -> out = once(option, out, Path.of(value));
        case "--manifest" -> manifest = once(option, manifest, Path.of(value));
        case "--seed" -> seed = once(option, seed, parseSeed(value));
        case "--profile" -> profile = once(option, profile, parseProfile(value));
        case "--size" -> size = once(option, size == 0 ? null : size, parseSize(value));
        case "--first-day" -> firstDay = once(option, firstDay, parseDay(value));
        default -> throw new UsageException("unknown option " + option);
      }
    }
    if (out == null) {
      throw new UsageException("--out is required");
    }
    if ((profile == null) == (size == 0)) {
      throw new UsageException("give exactly one of --profile and --size");
    }
    if (firstDay != null && profile != null) {
      throw new UsageException("--first-day goes with --size; the --profile tree is fixed");
    }
    return new CliOptions(
        out,
        seed == null ? DEFAULT_SEED : seed,
        profile,
        size,
        firstDay == null ? SizeProfile.DEFAULT_FIRST_DAY : firstDay,
        manifest,
        false);
  }

  private static LocalDate parseDay(String value) throws UsageException {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new UsageException("--first-day must be a day like 2025-01-14, not '" + value + "'");
    }
  }

  private static <T> T once(String option, @Nullable T previous, T value) throws UsageException {
    if (previous != null) {
      throw new UsageException(option + " given twice");
    }
    return value;
  }

  private static long parseSeed(String value) throws UsageException {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new UsageException("--seed must be an integer, not '" + value + "'");
    }
  }

  private static String parseProfile(String value) throws UsageException {
    if (!value.equals(TestdataProfile.NAME)) {
      throw new UsageException(
          "--profile must be '" + TestdataProfile.NAME + "', not '" + value + "'");
    }
    return value;
  }

  /**
   * {@code 100MB}, {@code 1GB}, {@code 512KB}, {@code 5M} or a byte count; units are powers of
   * 1024.
   */
  static long parseSize(String value) throws UsageException {
    String v = value.trim().toUpperCase(Locale.ROOT);
    if (v.endsWith("B") && v.length() > 1 && !Character.isDigit(v.charAt(v.length() - 2))) {
      v = v.substring(0, v.length() - 1);
    }
    long unit = 1;
    if (!v.isEmpty()) {
      switch (v.charAt(v.length() - 1)) {
        case 'K' -> unit = 1L << 10;
        case 'M' -> unit = 1L << 20;
        case 'G' -> unit = 1L << 30;
        default -> {}
      }
    }
    String number = unit == 1 ? v : v.substring(0, v.length() - 1);
    try {
      long n = Long.parseLong(number);
      if (n <= 0 || n > Long.MAX_VALUE / unit) {
        throw new UsageException("--size must be positive and sane, not '" + value + "'");
      }
      return n * unit;
    } catch (NumberFormatException e) {
      throw new UsageException(
          "--size must look like 100MB, 1GB or a byte count, not '" + value + "'");
    }
  }
}
