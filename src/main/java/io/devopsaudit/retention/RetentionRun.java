/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.retention;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One retention run: when and where it ran, the settings it applied, the expired indices it deleted (or, dry, would
 * delete), how many managed indices it kept and which months it warmed (or would warm). The last real run is kept in
 * the plugin's state index with {@code nextRun}.
 *
 * @param nextRun {@code null} but for the stored last run
 */
public record RetentionRun(
        boolean dryRun,
        String ranAt,
        String node,
        int days,
        int deadLetterDays,
        int requestDays,
        List<Expired> deleted,
        long kept,
        List<String> warmed,
        String nextRun)
        implements Writeable, ToXContentObject {

    public RetentionRun {
        deleted = List.copyOf(deleted);
        warmed = List.copyOf(warmed);
    }

    public RetentionRun(StreamInput in) throws IOException {
        this(
                in.readBoolean(),
                in.readString(),
                in.readString(),
                in.readVInt(),
                in.readVInt(),
                in.readVInt(),
                in.readList(Expired::new),
                in.readVLong(),
                in.readStringList(),
                in.readOptionalString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeBoolean(dryRun);
        out.writeString(ranAt);
        out.writeString(node);
        out.writeVInt(days);
        out.writeVInt(deadLetterDays);
        out.writeVInt(requestDays);
        out.writeList(deleted);
        out.writeVLong(kept);
        out.writeStringCollection(warmed);
        out.writeOptionalString(nextRun);
    }

    public RetentionRun withNextRun(String next) {
        return new RetentionRun(dryRun, ranAt, node, days, deadLetterDays, requestDays, deleted, kept, warmed, next);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        builder.field("dry_run", dryRun);
        builder.field("ran_at", ranAt);
        builder.field("node", node);
        builder.field("days", days);
        builder.field("dead_letter_days", deadLetterDays);
        builder.field("request_days", requestDays);
        builder.startArray(dryRun ? "would_delete" : "deleted");
        for (Expired e : deleted) e.toXContent(builder, params);
        builder.endArray();
        builder.field("kept", kept);
        builder.field(dryRun ? "would_warm" : "warmed", warmed);
        if (nextRun != null) builder.field("next_run", nextRun);
        return builder.endObject();
    }

    /** The run as stored in the state index (what {@link #toXContent} wrote), read back. */
    @SuppressWarnings("unchecked")
    public static RetentionRun fromStored(Map<String, Object> doc) {
        boolean dry = Boolean.TRUE.equals(doc.get("dry_run"));
        List<Expired> deleted = new ArrayList<>();
        for (Object o : (List<Object>) doc.getOrDefault(dry ? "would_delete" : "deleted", List.of())) {
            Map<String, Object> row = (Map<String, Object>) o;
            deleted.add(new Expired(
                    (String) row.get("index"),
                    (String) row.get("kind"),
                    (String) row.get("period"),
                    (String) row.get("period_end"),
                    (String) row.get("expires_at"),
                    ((Number) row.getOrDefault("docs", 0)).longValue()));
        }
        return new RetentionRun(
                dry,
                (String) doc.get("ran_at"),
                (String) doc.get("node"),
                ((Number) doc.get("days")).intValue(),
                ((Number) doc.get("dead_letter_days")).intValue(),
                ((Number) doc.getOrDefault("request_days", 0)).intValue(),
                deleted,
                ((Number) doc.get("kept")).longValue(),
                (List<String>) doc.getOrDefault(dry ? "would_warm" : "warmed", List.of()),
                (String) doc.get("next_run"));
    }

    /** An expired index: its place in the schedule and the documents it held. */
    public record Expired(String index, String kind, String period, String periodEnd, String expiresAt, long docs)
            implements Writeable, ToXContentObject {
        public Expired(StreamInput in) throws IOException {
            this(in.readString(), in.readString(), in.readString(), in.readString(), in.readString(), in.readVLong());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(index);
            out.writeString(kind);
            out.writeString(period);
            out.writeString(periodEnd);
            out.writeString(expiresAt);
            out.writeVLong(docs);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject()
                    .field("index", index)
                    .field("kind", kind)
                    .field("period", period)
                    .field("period_end", periodEnd)
                    .field("expires_at", expiresAt)
                    .field("docs", docs)
                    .endObject();
        }
    }
}
