/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import io.devopsaudit.intake.IntakeCounts;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Map;

/**
 * What a collector's poll did with the events GitLab returned: fetched, skipped (an event name the collector does
 * not want), and the intake's outcomes of the rest ({@code indexed} counts new events and richer copies alike). Kept
 * per scope and per poll, and summed into the collector's totals, in its status document.
 */
public record PollCounts(
        long fetched, long skipped, long indexed, long duplicates, long conflicts, long failed, long nonconforming)
        implements Writeable, ToXContentObject {

    public static final PollCounts NONE = new PollCounts(0, 0, 0, 0, 0, 0, 0);

    public PollCounts(StreamInput in) throws IOException {
        this(
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVLong(fetched);
        out.writeVLong(skipped);
        out.writeVLong(indexed);
        out.writeVLong(duplicates);
        out.writeVLong(conflicts);
        out.writeVLong(failed);
        out.writeVLong(nonconforming);
    }

    public PollCounts plus(PollCounts o) {
        return new PollCounts(
                fetched + o.fetched,
                skipped + o.skipped,
                indexed + o.indexed,
                duplicates + o.duplicates,
                conflicts + o.conflicts,
                failed + o.failed,
                nonconforming + o.nonconforming);
    }

    /** Events GitLab returned: {@code fetched} of them, {@code skipped} of those not sent to the intake. */
    public PollCounts plusFetched(long fetchedMore, long skippedMore) {
        return plus(new PollCounts(fetchedMore, skippedMore, 0, 0, 0, 0, 0));
    }

    /** The intake's outcomes of the events sent to it. */
    public PollCounts plus(IntakeCounts intake) {
        return plus(new PollCounts(
                0,
                0,
                intake.stored(),
                intake.duplicates(),
                intake.conflicts(),
                intake.failed(),
                intake.nonconforming()));
    }

    /** The counts as the status document holds them and the API shows them. */
    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject()
                .field("fetched", fetched)
                .field("skipped", skipped)
                .field("indexed", indexed)
                .field("duplicates", duplicates)
                .field("conflicts", conflicts)
                .field("failed", failed)
                .field("nonconforming", nonconforming)
                .endObject();
    }

    /** The counts of a stored status document ({@link #toXContent}); absent ones (older documents) are 0. */
    public static PollCounts fromStored(Object stored) {
        Map<?, ?> m = stored instanceof Map<?, ?> map ? map : Map.of();
        return new PollCounts(
                count(m, "fetched"),
                count(m, "skipped"),
                count(m, "indexed"),
                count(m, "duplicates"),
                count(m, "conflicts"),
                count(m, "failed"),
                count(m, "nonconforming"));
    }

    private static long count(Map<?, ?> m, String key) {
        return m.get(key) instanceof Number n ? n.longValue() : 0;
    }
}
