/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import io.devopsaudit.intake.IntakeCounts;
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

/** A collector's counts: the intake's outcomes added in, the stored form and its keys, older documents read back. */
public class PollCountsTests extends OpenSearchTestCase {

    public void testTheIntakesOutcomesAddUp() {
        IntakeCounts window = new IntakeCounts(9, 3, 1, 2, 1, 0, 1, 1, 5, List.of(), false);
        PollCounts c = PollCounts.NONE.plusFetched(10, 1).plus(window);
        assertEquals(new PollCounts(10, 1, 4, 2, 1, 1, 1), c);
        assertEquals(new PollCounts(20, 2, 8, 4, 2, 2, 2), c.plus(c));
    }

    public void testStoredFormKeepsTheApiKeysAndReadsBack() throws IOException {
        PollCounts c = new PollCounts(7, 6, 5, 4, 3, 2, 1);
        XContentBuilder b = JsonXContent.contentBuilder();
        c.toXContent(b, ToXContent.EMPTY_PARAMS);
        Map<String, Object> stored = XContentHelper.convertToMap(BytesReference.bytes(b), true, MediaTypeRegistry.JSON)
                .v2();
        assertEquals(
                List.of("fetched", "skipped", "indexed", "duplicates", "conflicts", "failed", "nonconforming"),
                List.copyOf(stored.keySet()));
        assertEquals(c, PollCounts.fromStored(stored));
        // a status written before a count existed, or none at all
        assertEquals(
                new PollCounts(3, 0, 2, 1, 0, 0, 0),
                PollCounts.fromStored(Map.of("fetched", 3, "indexed", 2L, "duplicates", 1)));
        assertEquals(PollCounts.NONE, PollCounts.fromStored(null));
    }

    public void testWireRoundTrip() throws IOException {
        PollCounts c = new PollCounts(
                randomNonNegativeLong(),
                randomLongBetween(0, 9),
                randomLongBetween(0, 9),
                randomLongBetween(0, 9),
                randomLongBetween(0, 9),
                randomLongBetween(0, 9),
                randomLongBetween(0, 9));
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            c.writeTo(out);
            try (StreamInput in = out.bytes().streamInput()) {
                assertEquals(c, new PollCounts(in));
                assertEquals(0, in.available());
            }
        }
    }
}
