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

/**
 * The retention settings in force.
 *
 * @param warmAfterDays {@code null} when the warm step is off
 */
public record RetentionSettingsView(
        int days, int deadLetterDays, int requestDays, Integer warmAfterDays, String interval)
        implements Writeable, ToXContentObject {

    public RetentionSettingsView(StreamInput in) throws IOException {
        this(in.readVInt(), in.readVInt(), in.readVInt(), in.readOptionalVInt(), in.readString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVInt(days);
        out.writeVInt(deadLetterDays);
        out.writeVInt(requestDays);
        out.writeOptionalVInt(warmAfterDays);
        out.writeString(interval);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        fields(builder);
        return builder.endObject();
    }

    /** The fields, inside an object the caller opened. */
    void fields(XContentBuilder builder) throws IOException {
        builder.field("days", days);
        builder.field("dead_letter_days", deadLetterDays);
        builder.field("request_days", requestDays);
        builder.field("warm_after_days", warmAfterDays);
        builder.field("interval", interval);
    }
}
