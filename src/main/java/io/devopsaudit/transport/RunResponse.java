/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Objects;

/**
 * The answer of the actions that run a job now (retention, the access rollup): the job's record of what it did, on the
 * wire and as JSON. Each action declares its own subclass, so its type says what it answers.
 */
public abstract class RunResponse<T extends Writeable & ToXContentObject> extends ActionResponse
        implements ToXContentObject {
    private final T run;

    protected RunResponse(T run) {
        this.run = Objects.requireNonNull(run);
    }

    public final T run() {
        return run;
    }

    @Override
    public final void writeTo(StreamOutput out) throws IOException {
        run.writeTo(out);
    }

    @Override
    public final XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return run.toXContent(builder, params);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && run.equals(((RunResponse<?>) o).run);
    }

    @Override
    public int hashCode() {
        return run.hashCode();
    }
}
