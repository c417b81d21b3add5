/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import io.devopsaudit.transport.JsonObjectBody;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.rest.RestRequest;

import java.io.IOException;
import java.util.Map;

/** What the plugin's REST handlers share: the route prefix and reading a JSON body. */
final class RestResponses {
    private RestResponses() {}

    /** The endpoints' common prefix. */
    static final String BASE = "/_plugins/devops_audit";

    /** The request body as a map; an empty body is an empty map. */
    static Map<String, Object> body(RestRequest request) throws IOException {
        if (request.hasContentOrSourceParam() == false) {
            return Map.of();
        }
        try (XContentParser p = request.contentOrSourceParamParser()) {
            return JsonObjectBody.read(p);
        }
    }
}
