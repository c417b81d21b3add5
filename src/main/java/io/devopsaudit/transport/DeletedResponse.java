/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Objects;

/**
 * The answer of the delete actions of named configurations (destinations, collectors):
 * {@code {"acknowledged": true, "name": ...}}. Each action declares its own subclass, so its type says what it answers.
 */
public abstract class DeletedResponse extends ActionResponse implements ToXContentObject {
    private final String name;

    protected DeletedResponse(String name) {
        this.name = Objects.requireNonNull(name);
    }

    protected DeletedResponse(StreamInput in) throws IOException {
        this(in.readString());
    }

    public final String name() {
        return name;
    }

    @Override
    public final void writeTo(StreamOutput out) throws IOException {
        out.writeString(name);
    }

    @Override
    public final XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject()
                .field("acknowledged", true)
                .field("name", name)
                .endObject();
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && name.equals(((DeletedResponse) o).name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}
