/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The answer of the get actions of named objects kept in the state index (collectors, streaming destinations): the
 * view of the one asked for, as the view renders itself, or every view by name under the kind's listing key,
 * {@code {"<listing>": {name: view, ...}}}. Each action declares its own subclass, which names the listing key and
 * how its views are read and named, so its type says what it answers.
 *
 * @param <V> the kind's view
 */
public abstract class NamedGetResponse<V extends Writeable & ToXContentObject> extends ActionResponse
        implements ToXContentObject {
    private final String listing;
    private final Function<V, String> nameOf;
    /** The one asked for, or {@code null} when all were. */
    private final V one;
    /** All of them by name, or {@code null} when one was asked for. */
    private final List<V> all;

    /** The view of the one asked for. */
    protected NamedGetResponse(String listing, Function<V, String> nameOf, V one) {
        this(listing, nameOf, Objects.requireNonNull(one), null);
    }

    /** Every view, in the order they are listed. */
    protected NamedGetResponse(String listing, Function<V, String> nameOf, List<V> all) {
        this(listing, nameOf, null, List.copyOf(all));
    }

    protected NamedGetResponse(String listing, Function<V, String> nameOf, Writeable.Reader<V> reader, StreamInput in)
            throws IOException {
        this(listing, nameOf, in.readOptionalWriteable(reader), in.readBoolean() ? in.readList(reader) : null);
    }

    private NamedGetResponse(String listing, Function<V, String> nameOf, V one, List<V> all) {
        this.listing = Objects.requireNonNull(listing);
        this.nameOf = Objects.requireNonNull(nameOf);
        this.one = one;
        this.all = all;
    }

    @Override
    public final void writeTo(StreamOutput out) throws IOException {
        out.writeOptionalWriteable(one);
        out.writeBoolean(all != null);
        if (all != null) out.writeList(all);
    }

    /** The one asked for, or {@code null} when all were. */
    public final V one() {
        return one;
    }

    /** Every one, or {@code null} when one was asked for. */
    public final List<V> all() {
        return all;
    }

    @Override
    public final XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        if (one != null) return one.toXContent(builder, params);
        builder.startObject().startObject(listing);
        for (V view : all) {
            builder.field(nameOf.apply(view));
            view.toXContent(builder, params);
        }
        return builder.endObject().endObject();
    }

    @Override
    public final boolean equals(Object o) {
        return o != null
                && o.getClass() == getClass()
                && Objects.equals(one, ((NamedGetResponse<?>) o).one)
                && Objects.equals(all, ((NamedGetResponse<?>) o).all);
    }

    @Override
    public final int hashCode() {
        return Objects.hash(getClass(), one, all);
    }
}
