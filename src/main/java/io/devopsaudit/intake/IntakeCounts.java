/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * What an intake did with the records it received ({@link BulkIntake}): each received record ends in exactly one
 * outcome ({@code indexed} … {@code failed}), {@code retries} counts items sent again after a full write queue, and
 * {@code failures} lists the first records with a reason (a failure, or a note such as a conflicting copy).
 * {@code _import}, {@code _stream} and the collectors all read these fields; the JSON keys are the REST API's.
 */
public record IntakeCounts(
        long received,
        long indexed,
        long upgraded,
        long duplicates,
        long conflicts,
        long late,
        long nonconforming,
        long failed,
        long retries,
        List<Failure> failures,
        boolean failuresTruncated)
        implements Writeable, ToXContent {

    /** At most this many records are listed with their reason; {@code failures_truncated} says more had one. */
    public static final int MAX_REPORTED_FAILURES = 20;

    public static final IntakeCounts NONE = new IntakeCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), false);

    public IntakeCounts {
        failures = List.copyOf(failures);
    }

    public IntakeCounts(StreamInput in) throws IOException {
        this(
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readList(Failure::new),
                in.readBoolean());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVLong(received);
        out.writeVLong(indexed);
        out.writeVLong(upgraded);
        out.writeVLong(duplicates);
        out.writeVLong(conflicts);
        out.writeVLong(late);
        out.writeVLong(nonconforming);
        out.writeVLong(failed);
        out.writeVLong(retries);
        out.writeList(failures);
        out.writeBoolean(failuresTruncated);
    }

    /** The sum of the outcomes: {@code received} once every record was sent. */
    public long accounted() {
        return indexed + upgraded + duplicates + conflicts + late + nonconforming + failed;
    }

    /** Records stored as events by this intake: new ones and richer copies that replaced a stored one. */
    public long stored() {
        return indexed + upgraded;
    }

    /** The same counts with {@code more} records received that never reached the intake (out of a destination's scopes). */
    public IntakeCounts plusReceived(long more) {
        return new IntakeCounts(
                received + more,
                indexed,
                upgraded,
                duplicates,
                conflicts,
                late,
                nonconforming,
                failed,
                retries,
                failures,
                failuresTruncated);
    }

    /** The outcomes as a sentence, e.g. for an answer that stopped part-way: "indexed 2, upgraded 0, … failed 1". */
    public String outcomes() {
        return String.format(
                Locale.ROOT,
                "indexed %d, upgraded %d, duplicates %d, conflicts %d, late %d, nonconforming %d, failed %d",
                indexed,
                upgraded,
                duplicates,
                conflicts,
                late,
                nonconforming,
                failed);
    }

    /** The fields, inside an object the caller opened (the answers put their own fields around them). */
    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.field("received", received);
        builder.field("indexed", indexed);
        builder.field("upgraded", upgraded);
        builder.field("duplicates", duplicates);
        builder.field("conflicts", conflicts);
        builder.field("late", late);
        builder.field("nonconforming", nonconforming);
        builder.field("failed", failed);
        builder.field("retries", retries);
        failuresToXContent(builder, failures, failuresTruncated);
        return builder;
    }

    static void failuresToXContent(XContentBuilder builder, List<Failure> failures, boolean truncated)
            throws IOException {
        builder.startArray("failures");
        for (Failure f : failures) f.toXContent(builder, EMPTY_PARAMS);
        builder.endArray();
        if (truncated) {
            builder.field("failures_truncated", true);
            builder.field("failures_limit", MAX_REPORTED_FAILURES);
        }
    }

    /** A record the intake reports with why: its number in the body and, in a batch of entries, its entry (0: none). */
    public record Failure(long record, long entry, String reason) implements Writeable, ToXContentObject {
        public Failure(StreamInput in) throws IOException {
            this(in.readVLong(), in.readVLong(), in.readString());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVLong(record);
            out.writeVLong(entry);
            out.writeString(reason);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            builder.field("record", record);
            if (entry > 0) builder.field("entry", entry);
            builder.field("reason", reason);
            return builder.endObject();
        }
    }
}
