/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import org.opensearch.action.ActionRequest;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

import java.io.IOException;
import java.util.Objects;

/**
 * A request that names one configured object of the plugin (a collector, a streaming destination) and nothing else;
 * {@code null} where the route lists every one. Subclasses say in {@code validate()} which names they take.
 */
public abstract class NamedRequest extends ActionRequest {
    private final String name;

    protected NamedRequest(String name) {
        this.name = name;
    }

    protected NamedRequest(StreamInput in) throws IOException {
        super(in);
        name = in.readOptionalString();
    }

    @Override
    public final void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeOptionalString(name);
    }

    /** The named object, or {@code null} for every one. */
    public final String name() {
        return name;
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Objects.equals(((NamedRequest) o).name, name);
    }

    @Override
    public final int hashCode() {
        return Objects.hash(getClass(), name);
    }
}
