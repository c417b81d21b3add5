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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Common base of the actions' responses whose body is a report (counts, lists of rows, nested groups) rendered as
 * one JSON object in a fixed key order. Each action declares its own subclass, so an action's type says what it
 * answers and typed accessors live beside it; the report tree itself crosses the wire as an ordered generic value.
 */
public abstract class ReportResponse extends ActionResponse implements ToXContentObject {
    private final Map<String, Object> report;

    protected ReportResponse(Map<String, Object> report) {
        this.report = Objects.requireNonNull(report);
    }

    @SuppressWarnings("unchecked")
    protected ReportResponse(StreamInput in) throws IOException {
        this.report = (Map<String, Object>) in.readGenericValue();
    }

    /** The report, in response order. */
    public final Map<String, Object> report() {
        return report;
    }

    @Override
    public final void writeTo(StreamOutput out) throws IOException {
        out.writeGenericValue(report instanceof LinkedHashMap<?, ?> ? report : new LinkedHashMap<>(report));
    }

    @Override
    public final XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.map(report);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && report.equals(((ReportResponse) o).report);
    }

    @Override
    public int hashCode() {
        return report.hashCode();
    }
}
