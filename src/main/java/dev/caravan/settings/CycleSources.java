package dev.caravan.settings;

import java.time.Duration;
import java.util.Map;

/**
 * What, besides {@code caravan.cycle.cron}, requests a cycle; each can be turned off. The per-environment poll
 * interval is an environment key ({@link EnvironmentKeys#pollInterval}).
 *
 * @param fetchInterval {@code caravan.tracking.fetch-interval}: how often the leader fetches the remote to notice an
 *                      operator's push to the admin branch; {@code 0s}: never between cycles, so every cycle fetches
 *                      (as before events)
 * @param onRunEnd      {@code caravan.cycle.on-run-end}: a run's end noticed by its backend (the local backend's
 *                      exit-file watch) requests a cycle of its environment
 * @param onIntake      {@code caravan.cycle.on-intake}: jobs added or sent back to the backlog request a cycle of
 *                      the environments they concern
 * @param commitMinInterval {@code caravan.tracking.commit-min-interval}: the least time from the end of one commit to
 *                      the beginning of a requested cycle's commit (written behind it); cycles go on meanwhile and the
 *                      commit takes in all they did. {@code 0s}: a commit as soon as the last one is done
 * @param probeInterval {@code caravan.tracking.probe-interval}: with a fetch timer, beside each cycle the leader asks
 *                      the remote where the admin branch is (one {@code ls-remote}, one at a time, never blocking a
 *                      cycle), so an operator's push and the remote's return are seen within a cycle or two; at
 *                      most one such look per this interval while the remote answers (a burst of cycles makes no burst of looks);
 *                      while it does not, a look first in every cycle ({@code probeWait}), so its return is seen at once
 * @param probeTimeout  {@code caravan.tracking.probe-timeout}: how long that look waits for a remote over the network
 * @param probeWait     {@code caravan.tracking.probe-wait}: while the remote is down, each cycle looks first and waits
 *                      this long for the answer, so the first cycle after its return pushes and merges; a remote that
 *                      hangs costs a cycle this wait once per {@code probe-timeout}, not more
 */
public record CycleSources(Duration fetchInterval, boolean onRunEnd, boolean onIntake, Duration commitMinInterval,
                           Duration probeInterval, Duration probeTimeout, Duration probeWait) {

    static CycleSources read(SettingsReader r, Map<String, String> defaults) {
        return new CycleSources(
                r.duration("caravan.tracking.fetch-interval", defaults.get("caravan.tracking.fetch-interval"),
                        SettingsReader.Bound.NOT_NEGATIVE),
                r.bool("caravan.cycle.on-run-end", true),
                r.bool("caravan.cycle.on-intake", true),
                r.duration("caravan.tracking.commit-min-interval", defaults.get("caravan.tracking.commit-min-interval"),
                        SettingsReader.Bound.NOT_NEGATIVE),
                r.duration("caravan.tracking.probe-interval", defaults.get("caravan.tracking.probe-interval"),
                        SettingsReader.Bound.NOT_NEGATIVE),
                r.duration("caravan.tracking.probe-timeout", defaults.get("caravan.tracking.probe-timeout"),
                        SettingsReader.Bound.POSITIVE),
                r.duration("caravan.tracking.probe-wait", defaults.get("caravan.tracking.probe-wait"),
                        SettingsReader.Bound.NOT_NEGATIVE));
    }

    /** Everything on, fetching every minute, commits 250 ms apart: what tests and tools that build settings by hand get. */
    public static CycleSources defaults() {
        return new CycleSources(Duration.ofMinutes(1), true, true, Duration.ofMillis(250), Duration.ofMillis(200),
                Duration.ofSeconds(10), Duration.ofMillis(500));
    }
}
