/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;

/**
 * What one run of {@link AccessRollupService} did.
 *
 * @param enabled whether rollups are on ({@code devops_audit.access_rollup.enabled})
 * @param indices the event indices looked at
 * @param daysRolled days whose rows were (re)written
 * @param daysKept days whose rows are still exact
 * @param daysWaiting days not over, or with events ingested within the quiet period: rolled later
 * @param daysRefused days that cannot be rolled up exactly (events without {@code event.ingested}, or a grouped field
 *     with several values in one event): the report reads their events
 * @param rows rows written
 * @param accesses accesses the written rows stand for
 * @param rowsDeleted rows of earlier builds, days or deleted indices removed
 * @param tookMillis how long the run took
 */
public record AccessRollupRun(
        boolean enabled,
        int indices,
        int daysRolled,
        int daysKept,
        int daysWaiting,
        int daysRefused,
        long rows,
        long accesses,
        long rowsDeleted,
        long tookMillis)
        implements Writeable, ToXContentObject {

    public AccessRollupRun(StreamInput in) throws IOException {
        this(
                in.readBoolean(),
                in.readVInt(),
                in.readVInt(),
                in.readVInt(),
                in.readVInt(),
                in.readVInt(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong(),
                in.readVLong());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeBoolean(enabled);
        out.writeVInt(indices);
        out.writeVInt(daysRolled);
        out.writeVInt(daysKept);
        out.writeVInt(daysWaiting);
        out.writeVInt(daysRefused);
        out.writeVLong(rows);
        out.writeVLong(accesses);
        out.writeVLong(rowsDeleted);
        out.writeVLong(tookMillis);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject()
                .field("enabled", enabled)
                .field("indices", indices)
                .startObject("days")
                .field("rolled", daysRolled)
                .field("kept", daysKept)
                .field("waiting", daysWaiting)
                .field("refused", daysRefused)
                .endObject()
                .field("rows", rows)
                .field("accesses", accesses)
                .field("rows_deleted", rowsDeleted)
                .field("took_ms", tookMillis)
                .endObject();
    }
}
