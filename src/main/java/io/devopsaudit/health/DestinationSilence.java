/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.health;

import org.opensearch.common.settings.Setting;
import org.opensearch.common.unit.TimeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Notices a GitLab streaming destination that delivers again after a silence: GitLab's streams can stop without any
 * notice on GitLab's side, so the first delivery after a gap of at least {@link #SILENCE} is worth a health record
 * (how long the destination was silent tells the analyst which window may lack events). Each node remembers when it
 * last saw each destination; only when that says "silent" (or the node has not seen the destination yet) is the
 * latest stored event of the destination looked up, since another node may have received the deliveries in between.
 */
public final class DestinationSilence {
    /** The gap after which a delivery counts as resumed; the same order as the silence monitor's window. */
    public static final Setting<TimeValue> SILENCE = Setting.timeSetting(
            "devops_audit.health.destination_silence",
            TimeValue.timeValueHours(6),
            TimeValue.timeValueMinutes(1),
            Setting.Property.NodeScope,
            Setting.Property.Dynamic);

    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();

    /**
     * Records a delivery of {@code destination} at {@code now}; answers the health record when it ends a silence, else
     * {@code null}. {@code lastStored} gives the ingest time of the destination's latest stored event (before this
     * delivery is written), or {@code null} when none is stored: a destination's first delivery ends no silence.
     */
    public Map<String, Object> delivered(
            String destination, String instance, Instant now, Duration silence, Supplier<Instant> lastStored) {
        Instant previous = lastSeen.put(destination, now);
        if (previous != null && Duration.between(previous, now).compareTo(silence) < 0) return null;
        Instant last = lastStored.get();
        if (last == null || Duration.between(last, now).compareTo(silence) < 0) return null;
        return HealthRecords.destinationResumed(destination, instance, last, now);
    }
}
