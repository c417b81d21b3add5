/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import io.devopsaudit.investigate.AccessReport;
import io.devopsaudit.investigate.InvestigateActions;
import io.devopsaudit.transport.MapRequest;
import io.devopsaudit.transport.MapResponse;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code POST /_plugins/devops_audit/_access_report} and {@code GET /_plugins/devops_audit/_context/{id}}. */
public final class RestInvestigateActions {
    private RestInvestigateActions() {}

    public static final class Report extends BaseRestHandler {
        @Override
        public String getName() {
            return "devops_audit_access_report";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.POST, RestResponses.BASE + "/_access_report"),
                new Route(RestRequest.Method.GET, RestResponses.BASE + "/_access_report"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws java.io.IOException {
            String format = request.param("format", "json");
            if (format.equals("json") == false && format.equals("csv") == false) {
                throw new IllegalArgumentException("[format] must be json or csv, found [" + format + "]");
            }
            MapRequest r = new MapRequest(new HashMap<>(RestResponses.body(request)));
            if (format.equals("json")) {
                return channel -> client.execute(InvestigateActions.ACCESS_REPORT, r, new RestToXContentListener<>(channel));
            }
            r.params().put("detail", true);
            return channel -> client.execute(InvestigateActions.ACCESS_REPORT, r, ActionListener.wrap(
                (MapResponse resp) -> channel.sendResponse(new BytesRestResponse(RestStatus.OK, "text/csv; charset=UTF-8", AccessReport.csv(resp.report()))),
                e -> {
                    try {
                        channel.sendResponse(new BytesRestResponse(channel, e));
                    } catch (java.io.IOException inner) {
                        inner.addSuppressed(e);
                        throw new java.io.UncheckedIOException(inner);
                    }
                }));
        }
    }

    public static final class Context extends BaseRestHandler {
        @Override
        public String getName() {
            return "devops_audit_context";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.GET, RestResponses.BASE + "/_context/{id}"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            Map<String, Object> params = new HashMap<>();
            params.put("id", request.param("id"));
            if (request.hasParam("before")) params.put("before", request.param("before"));
            if (request.hasParam("after")) params.put("after", request.param("after"));
            MapRequest r = new MapRequest(params);
            return channel -> client.execute(InvestigateActions.CONTEXT, r, new RestToXContentListener<>(channel));
        }
    }
}
