/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import io.devopsaudit.intake.DestinationTokens;
import io.devopsaudit.intake.ImportAction;
import io.devopsaudit.intake.StreamAction;
import io.devopsaudit.schema.IndexNames;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

import java.util.List;

/** The two ways events come in: a whole file ({@code _import}) and GitLab's streaming destination ({@code _stream/gitlab}). */
public final class RestIntakeActions {
    private RestIntakeActions() {}

    /**
     * {@code POST /_plugins/devops_audit/_import?format=&pipeline=&dry_run=}. The body is read as raw bytes whatever it
     * holds (CSV, NDJSON, a JSON array, log lines); OpenSearch's REST layer only lets bodies in with an XContent
     * Content-Type, so clients send {@code application/x-ndjson} (or {@code application/json}) for every file kind.
     */
    public static final class Import extends BaseRestHandler {
        @Override
        public String getName() {
            return "devops_audit_import";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.POST, RestResponses.BASE + "/_import"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            ImportAction.Request r = new ImportAction.Request(
                    request.param("format"),
                    request.param("pipeline", IndexNames.PIPELINE),
                    request.paramAsBoolean("dry_run", false),
                    request.content(),
                    request.param("instance"));
            return channel -> client.execute(ImportAction.INSTANCE, r, new RestToXContentListener<>(channel));
        }
    }

    /**
     * {@code POST /_plugins/devops_audit/_stream/gitlab}: identifies the GitLab streaming destination by its
     * {@code X-Gitlab-Event-Streaming-Token}, compared in constant time with every destination's keystore token (and
     * the default {@code devops_audit.gitlab.streaming_token}); 401 without saying why; disabled (403, saying so) when
     * no token is configured.
     * GitLab sends {@code application/x-www-form-urlencoded} by default, which OpenSearch's REST layer refuses (406)
     * before any plugin sees the request: the destination needs the custom header {@code Content-Type: application/json}
     * (docs/intake.md). The body is read raw either way.
     */
    public static final class Stream extends BaseRestHandler {
        static final String TOKEN_HEADER = "X-Gitlab-Event-Streaming-Token";
        static final String EVENT_TYPE_HEADER = "X-Gitlab-Audit-Event-Type";
        private final DestinationTokens tokens;

        public Stream(DestinationTokens tokens) {
            this.tokens = tokens;
        }

        @Override
        public String getName() {
            return "devops_audit_stream_gitlab";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.POST, RestResponses.BASE + "/_stream/gitlab"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            if (tokens.configured() == false) {
                return channel -> channel.sendResponse(new BytesRestResponse(
                        RestStatus.FORBIDDEN,
                        "application/json",
                        "{\"error\":\"streaming is disabled: no devops_audit.gitlab.streaming_token in the OpenSearch keystore "
                                + "and no devops_audit.destination.<name>.token (add one with bin/opensearch-keystore, "
                                + "then POST _nodes/reload_secure_settings)\",\"status\":403}"));
            }
            String destination = tokens.identify(request.header(TOKEN_HEADER));
            if (destination == null) {
                request.content(); // consume the body: nothing of it is read
                return channel -> channel.sendResponse(new BytesRestResponse(
                        RestStatus.UNAUTHORIZED, "application/json", "{\"error\":\"unauthorized\",\"status\":401}"));
            }
            StreamAction.Request r = new StreamAction.Request(
                    request.content(), request.header(EVENT_TYPE_HEADER), request.param("instance"), destination);
            return channel -> client.execute(StreamAction.INSTANCE, r, new RestToXContentListener<>(channel));
        }
    }
}
