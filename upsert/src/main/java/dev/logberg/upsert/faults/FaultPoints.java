package dev.logberg.upsert.faults;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named points between the commits of a run where a fault-injection test stops the process: with
 * the system property {@code logberg.faultPoint} set to a point's name, the thread that reaches it
 * prints {@code FAULT POINT <name> reached} and waits forever, for the test to kill the process
 * (SIGKILL) at exactly that stage. Without the property, reaching a point does nothing.
 */
public final class FaultPoints {
  private static final Logger LOG = LoggerFactory.getLogger(FaultPoints.class);

  /** The system property that names the point to stop at. */
  public static final String PROPERTY = "logberg.faultPoint";

  private FaultPoints() {}

  public static void reach(String point) {
    if (!point.equals(System.getProperty(PROPERTY))) {
      return;
    }
    LOG.warn("FAULT POINT {} reached; waiting to be killed", point);
    System.out.println("FAULT POINT " + point + " reached");
    System.out.flush();
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        // Only the kill ends the wait: an interrupted runner thread must not carry on past it.
      }
    }
  }
}
