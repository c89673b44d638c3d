package dev.logberg.pipeline.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

/** How a run tells a live claim from a dead run's: README's rows on claims. */
class HeartbeatWatchTest {
  private static final long LEASE = 30_000_000L;
  private static final long NOW = 1_800_000_000_000_000L;

  private final HeartbeatWatch watch = new HeartbeatWatch("me", LEASE);

  @Test
  void ownClaimIsOwn() {
    assertThat(watch.observe("me", null, NOW), is(ClaimState.OWN));
  }

  @Test
  void claimWithoutHeartbeatIsLapsedAtOnce() {
    // A live run beats before it claims and removes its heartbeat only when it ends.
    assertThat(watch.observe("other", null, NOW), is(ClaimState.LAPSED));
  }

  @Test
  void heartbeatOlderThanTheLeaseIsLapsedAtOnce() {
    assertThat(watch.observe("other", NOW - LEASE - 1, NOW), is(ClaimState.LAPSED));
  }

  @Test
  void recentHeartbeatIsWatchedUntilItMoves() {
    long beat = NOW - 1_000_000;
    assertThat(watch.observe("other", beat, NOW), is(ClaimState.UNDECIDED));
    assertThat(watch.observe("other", beat, NOW + 5_000_000), is(ClaimState.UNDECIDED));
    assertThat(watch.observe("other", beat + 10_000_000, NOW + 10_000_000), is(ClaimState.LIVE));
  }

  @Test
  void recentHeartbeatThatStopsIsLapsedAfterOneLeaseOfWatching() {
    long beat = NOW - 1_000_000;
    assertThat(watch.observe("other", beat, NOW), is(ClaimState.UNDECIDED));
    assertThat(watch.observe("other", beat, NOW + LEASE - 2_000_000), is(ClaimState.UNDECIDED));
    // By the watcher's own clock, not the beat's: a skewed clock cannot keep a dead claim alive.
    assertThat(watch.observe("other", beat, NOW + LEASE + 1), is(ClaimState.LAPSED));
  }

  @Test
  void runsAreWatchedSeparately() {
    assertThat(watch.observe("a", NOW, NOW), is(ClaimState.UNDECIDED));
    assertThat(watch.observe("b", NOW, NOW + 1_000_000), is(ClaimState.UNDECIDED));
    assertThat(watch.observe("a", NOW + 1, NOW + 2_000_000), is(ClaimState.LIVE));
    assertThat(watch.observe("b", NOW, NOW + 2_000_000), is(ClaimState.UNDECIDED));
  }
}
