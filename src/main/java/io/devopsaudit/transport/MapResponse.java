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
import java.util.Map;

/** The answer of the plugin's transport actions: a report as an ordered map, rendered as the JSON body. */
public final class MapResponse extends ActionResponse implements ToXContentObject {
    private final Map<String, Object> report;

    public MapResponse(Map<String, Object> report) {
        this.report = report;
    }

    @SuppressWarnings("unchecked")
    public MapResponse(StreamInput in) throws IOException {
        report = (Map<String, Object>) in.readGenericValue();
    }

    public Map<String, Object> report() {
        return report;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeGenericValue(report);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.map(report);
    }
}
