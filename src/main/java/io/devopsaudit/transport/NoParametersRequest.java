/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.core.common.io.stream.StreamInput;

import java.io.IOException;

/**
 * The request of an action that takes no parameters (the setup's state, the retention's state, running the access
 * rollup now): the action's name alone says what is asked, and is what the Security plugin grants or denies.
 */
public final class NoParametersRequest extends ActionRequest {
    public NoParametersRequest() {}

    public NoParametersRequest(StreamInput in) throws IOException {
        super(in);
    }

    @Override
    public ActionRequestValidationException validate() {
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoParametersRequest;
    }

    @Override
    public int hashCode() {
        return 1;
    }
}
