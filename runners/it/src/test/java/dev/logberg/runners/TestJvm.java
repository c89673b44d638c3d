package dev.logberg.runners;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The {@code java} command line that starts the processes of these tests. */
final class TestJvm {
  private TestJvm() {}

  /**
   * {@code java}, the build's JIT setting for test processes ({@link #jit}), then {@code options}.
   */
  static List<String> java(String... options) {
    List<String> line =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    line.addAll(jit());
    line.addAll(Arrays.asList(options));
    return line;
  }

  /**
   * The build's JIT setting for test processes ({@code logberg.test.jit}, C1 only). The forked runs
   * are short: on a two-core machine C2's compilations cost them more CPU than they save (pom.xml
   * says how much). The setting changes speed, not behaviour.
   */
  static List<String> jit() {
    String jit = System.getProperty("logberg.test.jit", "").trim();
    return jit.isEmpty() ? List.of() : Arrays.asList(jit.split("\\s+"));
  }
}
