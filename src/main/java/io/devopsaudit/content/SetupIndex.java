/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;

/**
 * An audit index that differs from its template ({@link IndexConformance.Report}), and, after {@code PUT _setup} tried
 * to add the fields it lacked, why that failed ({@code null}: it did not).
 */
public record SetupIndex(IndexConformance.Report report, String updateError) implements Writeable, ToXContentObject {

    public SetupIndex(StreamInput in) throws IOException {
        this(
                new IndexConformance.Report(in.readString(), in.readString(), in.readStringList(), in.readStringList()),
                in.readOptionalString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(report.index());
        out.writeString(report.template());
        out.writeStringCollection(report.nonconforming());
        out.writeStringCollection(report.missingFields());
        out.writeOptionalString(updateError);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject()
                .field("index", report.index())
                .field("template", report.template())
                .field("status", report.conforms() ? "outdated" : "nonconforming")
                .field("differences", report.nonconforming())
                .field("missing_fields", report.missingFields());
        if (updateError != null) builder.field("update_error", updateError);
        return builder.endObject();
    }
}
