package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Unix signals to the processes a test started: freezing one (STOP) and letting it go on (CONT).
 */
final class Signals {
  private Signals() {}

  static void send(String signal, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat("kill -" + signal + " " + pid, kill.waitFor(10, TimeUnit.SECONDS), is(true));
    assertThat("kill -" + signal + " " + pid, kill.exitValue(), is(0));
  }
}
