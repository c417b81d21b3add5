/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import io.devopsaudit.intake.IntakeCounts;
import org.opensearch.test.OpenSearchTestCase;

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

    public void testStoredFormKeepsTheApiKeysAndReadsBack() {
        PollCounts c = new PollCounts(7, 6, 5, 4, 3, 2, 1);
        Map<String, Object> stored = c.toMap();
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
}
