package dev.logberg.launch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The launcher's one flags parser: {@code --flag value} or {@code --flag=value}, switches without a
 * value, and repeatable flags. Every problem is collected, none thrown, so a launch reports them
 * all at once.
 */
final class Flags {
  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();

  private Flags() {}

  /**
   * @param valued flags that take a value (without the leading --)
   * @param repeatable those of {@code valued} that may be given more than once
   * @param switches flags that take no value
   */
  static Flags parse(
      List<String> args, Set<String> valued, Set<String> repeatable, Set<String> switches) {
    Flags flags = new Flags();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || arg.length() == 2) {
        flags.problems.add("unexpected argument " + Messages.quote(arg) + " (flags start with --)");
        continue;
      }
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg.substring(2) : arg.substring(2, equals);
      String value;
      if (switches.contains(name)) {
        if (equals >= 0) {
          flags.problems.add("--" + name + " takes no value");
          continue;
        }
        value = "";
      } else if (valued.contains(name)) {
        if (equals >= 0) {
          value = arg.substring(equals + 1);
        } else if (i + 1 < args.size()) {
          value = args.get(++i);
        } else {
          flags.problems.add("--" + name + " needs a value");
          continue;
        }
      } else {
        flags.problems.add("unknown flag --" + name);
        continue;
      }
      List<String> given = flags.values.computeIfAbsent(name, n -> new ArrayList<>());
      if (!given.isEmpty() && !repeatable.contains(name)) {
        flags.problems.add("--" + name + " is given more than once");
        continue;
      }
      given.add(value);
    }
    return flags;
  }

  Optional<String> get(String name) {
    List<String> given = values.get(name);
    return given == null ? Optional.empty() : Optional.of(given.get(0));
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  List<String> problems() {
    return problems;
  }
}
