package dev.logberg.upsert.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named points between the commits of a run where a fault-injection test stops the process: with
 * the system property {@code logberg.faultPoint} set to a point's name, the thread that reaches it
 * prints {@code FAULT POINT <name> reached} and waits forever, for the test to kill the process
 * (SIGKILL) at exactly that stage. Without the property, reaching a point does nothing.
 *
 * <p>With {@link #RESUME_FILE} set as well, the thread waits only until that file exists and then
 * goes on: a test can freeze the process there (SIGSTOP) and let it continue later.
 */
public final class FaultPoints {
  private static final Logger LOG = LoggerFactory.getLogger(FaultPoints.class);

  /** The system property that names the point to stop at. */
  public static final String PROPERTY = "logberg.faultPoint";

  /** The system property naming a file whose creation lets the waiting thread go on. */
  public static final String RESUME_FILE = "logberg.faultPoint.resumeFile";

  private FaultPoints() {}

  public static void reach(String point) {
    if (!point.equals(System.getProperty(PROPERTY))) {
      return;
    }
    String resume = System.getProperty(RESUME_FILE);
    LOG.warn("FAULT POINT {} reached; waiting for {}", point, resume == null ? "the kill" : resume);
    System.out.println("FAULT POINT " + point + " reached");
    System.out.flush();
    while (resume == null || !Files.exists(Path.of(resume))) {
      try {
        Thread.sleep(resume == null ? Long.MAX_VALUE : 100);
      } catch (InterruptedException e) {
        // Only the kill or the resume file ends the wait: an interrupted runner thread must not
        // carry on past it.
      }
    }
  }
}
