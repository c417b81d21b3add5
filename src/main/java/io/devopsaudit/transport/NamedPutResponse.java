/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Objects;

/**
 * The answer of the put actions of named objects kept in the state index (collectors, streaming destinations):
 * {@code {"acknowledged": true, "result": "created"|"updated", ...}} followed by the fields the kind shows of what
 * was stored. Each action declares its own subclass, which says how the stored object crosses the wire and which
 * fields it shows.
 *
 * @param <T> what the answer shows of the stored object (its configuration, or its view)
 */
public abstract class NamedPutResponse<T> extends ActionResponse implements ToXContentObject {
    /** {@code created} or {@code updated}. */
    private final String result;

    private final T stored;

    protected NamedPutResponse(String result, T stored) {
        this.result = Objects.requireNonNull(result);
        this.stored = Objects.requireNonNull(stored);
    }

    /** {@code created} or {@code updated}. */
    public final String result() {
        return result;
    }

    public final T stored() {
        return stored;
    }

    /** Writes the stored object after the result; the subclass's stream constructor reads it back. */
    protected abstract void writeStored(StreamOutput out, T stored) throws IOException;

    /** The fields shown of the stored object, inside the answer's object. */
    protected abstract void storedFields(XContentBuilder builder, T stored) throws IOException;

    @Override
    public final void writeTo(StreamOutput out) throws IOException {
        out.writeString(result);
        writeStored(out, stored);
    }

    @Override
    public final XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject().field("acknowledged", true).field("result", result);
        storedFields(builder, stored);
        return builder.endObject();
    }

    @Override
    public final boolean equals(Object o) {
        return o != null
                && o.getClass() == getClass()
                && result.equals(((NamedPutResponse<?>) o).result)
                && stored.equals(((NamedPutResponse<?>) o).stored);
    }

    @Override
    public final int hashCode() {
        return Objects.hash(getClass(), result, stored);
    }
}
