/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import org.opensearch.common.CheckedSupplier;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.common.CheckedConsumer;
import org.opensearch.rest.RestChannel;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.node.NodeClient;

import java.io.IOException;
import java.util.Map;

/** Helpers shared by the plugin's REST handlers. */
final class RestResponses {
    private RestResponses() {}

    /** The endpoints' common prefix. */
    static final String BASE = "/_plugins/devops_audit";

    /**
     * Runs {@code work} on the generic thread pool (the work makes several blocking cluster calls in sequence, which
     * must never run on a network thread) and answers with its map as JSON, or with the exception's status: an
     * IllegalArgumentException becomes a 400 whose reason names the parameter.
     */
    static CheckedConsumer<RestChannel, Exception> forked(NodeClient client, CheckedSupplier<Map<String, Object>, Exception> work) {
        return channel -> client.threadPool().executor(ThreadPool.Names.GENERIC).execute(() -> {
            try {
                Map<String, Object> result = work.get();
                XContentBuilder builder = channel.newBuilder();
                builder.map(result);
                channel.sendResponse(new BytesRestResponse(RestStatus.OK, builder));
            } catch (Exception e) {
                try {
                    channel.sendResponse(new BytesRestResponse(channel, e));
                } catch (IOException inner) {
                    inner.addSuppressed(e);
                    throw new IllegalStateException(inner);
                }
            }
        });
    }

    /** The request body as a map; an empty body is an empty map. */
    static Map<String, Object> body(RestRequest request) throws IOException {
        if (request.hasContentOrSourceParam() == false) {
            return Map.of();
        }
        try (XContentParser p = request.contentOrSourceParamParser()) {
            return p.map();
        } catch (org.opensearch.core.xcontent.XContentParseException e) {
            throw new IllegalArgumentException("the request body is not valid JSON: " + e.getMessage(), e);
        }
    }
}
