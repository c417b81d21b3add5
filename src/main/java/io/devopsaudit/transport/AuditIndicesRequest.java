/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import io.devopsaudit.schema.IndexNames;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.IndicesRequest;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Base of the requests of the plugin's {@code indices:} actions: they name the audit indices they read or write,
 * so the Security plugin evaluates them against the caller's index permissions. They are
 * {@link IndicesRequest.Replaceable} because that is the shape the Security plugin resolves: for a request that
 * only implements {@link IndicesRequest} it does not read the indices and evaluates the action as if it targeted
 * every index (which system-index protection then refuses to every regular user). Besides its patterns, every
 * request names one concrete audit index, {@link IndexNames#INCOMING} (the address intake documents have before the
 * pipeline routes them; it holds no events): the Security plugin allows a request whose wildcards match no index at
 * all to any user, so the concrete name is what it is always checked against. A read action searches the indices
 * the request holds after that evaluation.
 */
public abstract class AuditIndicesRequest extends ActionRequest implements IndicesRequest.Replaceable {
    private String[] indices;

    protected AuditIndicesRequest(String[] patterns) {
        this.indices = new String[patterns.length + 1];
        this.indices[0] = IndexNames.INCOMING;
        System.arraycopy(patterns, 0, this.indices, 1, patterns.length);
    }

    protected AuditIndicesRequest(StreamInput in) throws IOException {
        super(in);
        indices = in.readStringArray();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeStringArray(indices);
    }

    @Override
    public String[] indices() {
        return indices;
    }

    @Override
    public AuditIndicesRequest indices(String... indices) {
        this.indices = Objects.requireNonNull(indices, "indices");
        return this;
    }

    /** Patterns may match nothing yet (the first event creates its month index; a new cluster has none). */
    @Override
    public IndicesOptions indicesOptions() {
        return IndicesOptions.lenientExpandOpen();
    }

    protected final boolean sameIndices(AuditIndicesRequest other) {
        return Arrays.equals(indices, other.indices);
    }

    protected final int indicesHash() {
        return Arrays.hashCode(indices);
    }
}
