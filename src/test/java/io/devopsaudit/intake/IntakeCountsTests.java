/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The intake's counts: what they sum to, their JSON keys and order, the wire form, the capped list of failures. */
public class IntakeCountsTests extends OpenSearchTestCase {

    static IntakeCounts randomCounts() {
        List<IntakeCounts.Failure> failures = randomList(
                0,
                3,
                () -> new IntakeCounts.Failure(
                        randomLongBetween(1, 1000),
                        randomBoolean() ? 0 : randomIntBetween(1, 9),
                        randomAlphaOfLength(8)));
        return new IntakeCounts(
                randomNonNegativeLong() % 1000,
                randomNonNegativeLong() % 1000,
                randomNonNegativeLong() % 1000,
                randomNonNegativeLong() % 1000,
                randomNonNegativeLong() % 1000,
                randomNonNegativeLong() % 1000,
                randomNonNegativeLong() % 1000,
                randomNonNegativeLong() % 1000,
                randomNonNegativeLong() % 1000,
                failures,
                randomBoolean());
    }

    static Map<String, Object> json(IntakeCounts c) throws IOException {
        XContentBuilder b = JsonXContent.contentBuilder().startObject();
        c.toXContent(b, ToXContent.EMPTY_PARAMS);
        b.endObject();
        return XContentHelper.convertToMap(BytesReference.bytes(b), true, MediaTypeRegistry.JSON)
                .v2();
    }

    public void testOutcomesAddUpToReceived() {
        IntakeCounts c = new IntakeCounts(10, 2, 1, 3, 1, 1, 1, 1, 4, List.of(), false);
        assertEquals("retries are no outcome", 10, c.accounted());
        assertEquals(3, c.stored());
        assertEquals(13, c.plusReceived(3).received());
        assertEquals(c.indexed(), c.plusReceived(3).indexed());
    }

    public void testJsonKeysInTheirOrder() throws IOException {
        IntakeCounts c = new IntakeCounts(
                3, 1, 0, 1, 0, 0, 0, 1, 2, List.of(new IntakeCounts.Failure(3, 0, "not an event")), false);
        Map<String, Object> m = json(c);
        assertEquals(
                List.of(
                        "received",
                        "indexed",
                        "upgraded",
                        "duplicates",
                        "conflicts",
                        "late",
                        "nonconforming",
                        "failed",
                        "retries",
                        "failures"),
                List.copyOf(m.keySet()));
        assertEquals(List.of(Map.of("record", 3, "reason", "not an event")), m.get("failures"));
        Map<String, Object> capped =
                json(new IntakeCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, List.of(new IntakeCounts.Failure(7, 2, "x")), true));
        assertEquals(List.of(Map.of("record", 7, "entry", 2, "reason", "x")), capped.get("failures"));
        assertEquals(true, capped.get("failures_truncated"));
        assertEquals(IntakeCounts.MAX_REPORTED_FAILURES, capped.get("failures_limit"));
    }

    public void testWireRoundTrip() throws IOException {
        IntakeCounts c = randomCounts();
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            c.writeTo(out);
            try (StreamInput in = out.bytes().streamInput()) {
                assertEquals(c, new IntakeCounts(in));
                assertEquals(0, in.available());
            }
        }
    }

    public void testTheFirstFailuresAreListedAndTheRestCounted() {
        ReportedFailures f = new ReportedFailures();
        for (int i = 1; i <= IntakeCounts.MAX_REPORTED_FAILURES; i++) f.add(new RawRecords.Record(i, "x"), "why " + i);
        assertFalse(f.truncated());
        f.add(new RawRecords.Record(99, "x"), "one more");
        assertTrue(f.truncated());
        assertEquals(IntakeCounts.MAX_REPORTED_FAILURES, f.listed().size());
        assertEquals(new IntakeCounts.Failure(1, 0, "why 1"), f.listed().get(0));
    }
}
