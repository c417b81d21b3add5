/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import org.opensearch.core.common.ParsingException;
import org.opensearch.core.xcontent.XContentParseException;
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
            // null, an array or a number is valid JSON but no parameters: a 400 naming what was found
            XContentParser.Token first = p.nextToken();
            if (first != XContentParser.Token.START_OBJECT) {
                throw new IllegalArgumentException(
                        "the request body must be a JSON object, found " + (first == null ? "nothing" : first));
            }
            return p.map();
        } catch (XContentParseException | ParsingException e) {
            throw new IllegalArgumentException("the request body is not valid JSON: " + e.getMessage(), e);
        }
    }
}
