/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.health;

import org.opensearch.test.OpenSearchTestCase;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

public class DestinationSilenceTests extends OpenSearchTestCase {
    private static final Duration SIX_HOURS = Duration.ofHours(6);
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    public void testAFirstDeliveryEndsNoSilence() {
        DestinationSilence silence = new DestinationSilence();
        assertNull(silence.delivered("acme", "gitlab-acme", T0, SIX_HOURS, () -> null));
    }

    public void testADeliveryAfterTheStoredLastOneBeyondTheSilenceIsRecorded() {
        DestinationSilence silence = new DestinationSilence();
        Instant last = T0.minus(Duration.ofHours(30));
        Map<String, Object> r = silence.delivered("acme", "gitlab-acme", T0, SIX_HOURS, () -> last);
        assertEquals("destination_delivery_resumed", r.get("event.action"));
        assertEquals("acme", r.get("audit.destination"));
        assertEquals("gitlab-acme", r.get("audit.instance"));
        assertEquals(last.toString(), r.get("health.last_delivery"));
        assertEquals(30L * 3600, r.get("health.silence_seconds"));
        assertEquals(T0.toString(), r.get("@timestamp"));
    }

    public void testDeliveriesWithinTheSilenceNeitherRecordNorLookUp() {
        DestinationSilence silence = new DestinationSilence();
        AtomicInteger lookups = new AtomicInteger();
        assertNull(silence.delivered("acme", null, T0, SIX_HOURS, () -> {
            lookups.incrementAndGet();
            return T0.minus(Duration.ofMinutes(5));
        }));
        assertEquals(1, lookups.get());
        assertNull(silence.delivered("acme", null, T0.plus(Duration.ofHours(5)), SIX_HOURS, () -> {
            lookups.incrementAndGet();
            return null;
        }));
        assertEquals("a node that saw the destination recently does not search", 1, lookups.get());
    }

    public void testAGapSeenByThisNodeIsConfirmedByTheStoredEvents() {
        DestinationSilence silence = new DestinationSilence();
        assertNull(silence.delivered("acme", null, T0, SIX_HOURS, () -> null));
        Instant later = T0.plus(Duration.ofHours(7));
        // another node received deliveries in between: no silence
        assertNull(silence.delivered("acme", null, later, SIX_HOURS, () -> later.minus(Duration.ofMinutes(1))));
        Instant muchLater = later.plus(Duration.ofHours(8));
        Map<String, Object> r = silence.delivered("acme", null, muchLater, SIX_HOURS, () -> later);
        assertEquals(8L * 3600, r.get("health.silence_seconds"));
        assertFalse(r.containsKey("audit.instance"));
    }

    public void testDestinationsAreApart() {
        DestinationSilence silence = new DestinationSilence();
        assertNull(silence.delivered("acme", null, T0, SIX_HOURS, () -> null));
        assertNotNull(silence.delivered(
                "other", null, T0.plus(Duration.ofMinutes(1)), SIX_HOURS, () -> T0.minus(Duration.ofDays(2))));
    }
}
