/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * A request that creates or replaces one named configured object of the plugin (a collector, a streaming destination)
 * from a JSON body. The body travels as given; it is parsed, and so validated, in {@code validate()} and again where
 * the action runs, by the kind's {@link #config()}.
 *
 * @param <C> the kind's configuration
 */
public abstract class NamedConfigRequest<C> extends ActionRequest {
    private final String name;
    private final Map<String, Object> body;

    protected NamedConfigRequest(String name, Map<String, Object> body) {
        this.name = name;
        this.body = Objects.requireNonNull(body);
    }

    @SuppressWarnings("unchecked")
    protected NamedConfigRequest(StreamInput in) throws IOException {
        super(in);
        name = in.readString();
        body = (Map<String, Object>) in.readGenericValue();
    }

    @Override
    public final void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeString(name);
        out.writeGenericValue(body);
    }

    public final String name() {
        return name;
    }

    /** The body as given. */
    public final Map<String, Object> body() {
        return body;
    }

    /** The configuration the body gives the named object. @throws IllegalArgumentException naming what is wrong */
    public abstract C config();

    @Override
    public final ActionRequestValidationException validate() {
        return Validation.check(null, this::config);
    }

    @Override
    public final boolean equals(Object o) {
        return o != null
                && o.getClass() == getClass()
                && ((NamedConfigRequest<?>) o).name.equals(name)
                && ((NamedConfigRequest<?>) o).body.equals(body);
    }

    @Override
    public final int hashCode() {
        return Objects.hash(getClass(), name, body);
    }
}
