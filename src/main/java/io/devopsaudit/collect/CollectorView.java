/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Objects;

/**
 * A collector as the API shows it: its configuration and its status, which each poll writes into the state index
 * ({@code state}, checkpoints and counts per scope, totals, the last error; docs/collector.md).
 */
public record CollectorView(CollectorConfig config, CollectorStatus status) implements Writeable, ToXContentObject {

    public CollectorView {
        Objects.requireNonNull(config);
        Objects.requireNonNull(status);
    }

    /** The configuration crosses the wire as its JSON form and is read back as a request body is. */
    public CollectorView(StreamInput in) throws IOException {
        this(CollectorConfig.parse(in.readString(), in.readMap()), new CollectorStatus(in));
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(config.name());
        out.writeMap(config.toMap());
        status.writeTo(out);
    }

    public String name() {
        return config.name();
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject()
                .field("name", config.name())
                .field("config", config.toMap())
                .field("status", status)
                .endObject();
    }
}
