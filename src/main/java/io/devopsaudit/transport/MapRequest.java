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

/** A read-only request whose parameters are validated by the action itself (errors name the parameter: 400). */
public final class MapRequest extends ActionRequest {
    private final Map<String, Object> params;

    public MapRequest(Map<String, Object> params) {
        this.params = params;
    }

    @SuppressWarnings("unchecked")
    public MapRequest(StreamInput in) throws IOException {
        super(in);
        params = (Map<String, Object>) in.readGenericValue();
    }

    public Map<String, Object> params() {
        return params;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeGenericValue(params);
    }

    @Override
    public ActionRequestValidationException validate() {
        return null;
    }
}
