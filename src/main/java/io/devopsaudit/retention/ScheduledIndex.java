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

/** A managed index in the retention schedule: its kind and period, when it expires, whether it has. */
public record ScheduledIndex(
        String index, String kind, String period, String periodEnd, String expiresAt, boolean expired)
        implements Writeable, ToXContentObject {

    public ScheduledIndex(StreamInput in) throws IOException {
        this(in.readString(), in.readString(), in.readString(), in.readString(), in.readString(), in.readBoolean());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(index);
        out.writeString(kind);
        out.writeString(period);
        out.writeString(periodEnd);
        out.writeString(expiresAt);
        out.writeBoolean(expired);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject()
                .field("index", index)
                .field("kind", kind)
                .field("period", period)
                .field("period_end", periodEnd)
                .field("expires_at", expiresAt)
                .field("expired", expired)
                .endObject();
    }
}
