/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import io.devopsaudit.investigate.AccessReport;
import io.devopsaudit.investigate.AccessReportAction;
import io.devopsaudit.investigate.ChangeContext;
import io.devopsaudit.investigate.ContextAction;
import io.devopsaudit.investigate.ExportAction;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestActionListener;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * {@code POST /_plugins/devops_audit/_access_report}, {@code GET /_plugins/devops_audit/_context/{id}} and
 * {@code POST /_plugins/devops_audit/_export}.
 */
public final class RestInvestigateActions {
    private RestInvestigateActions() {}

    public static final class Report extends BaseRestHandler {
        @Override
        public String getName() {
            return "devops_audit_access_report";
        }

        @Override
        public List<Route> routes() {
            return List.of(
                    new Route(RestRequest.Method.POST, RestResponses.BASE + "/_access_report"),
                    new Route(RestRequest.Method.GET, RestResponses.BASE + "/_access_report"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
            String format = request.param("format", "json");
            if (format.equals("json") == false && format.equals("csv") == false) {
                throw new IllegalArgumentException("[format] must be json or csv, found [" + format + "]");
            }
            AccessReport.Params params = AccessReport.parse(RestResponses.body(request), Instant.now());
            if (format.equals("json")) {
                AccessReportAction.Request r = new AccessReportAction.Request(params);
                return channel -> client.execute(AccessReportAction.INSTANCE, r, new RestToXContentListener<>(channel));
            }
            AccessReportAction.Request r = new AccessReportAction.Request(params.withDetail());
            return channel -> client.execute(AccessReportAction.INSTANCE, r, new RestActionListener<>(channel) {
                @Override
                protected void processResponse(AccessReportAction.Response response) {
                    channel.sendResponse(new BytesRestResponse(
                            RestStatus.OK, "text/csv; charset=UTF-8", AccessReport.csv(response.report())));
                }
            });
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
            ContextAction.Request r = new ContextAction.Request(
                    request.param("id"),
                    ChangeContext.duration("before", request.param("before")),
                    ChangeContext.duration("after", request.param("after")));
            return channel -> client.execute(ContextAction.INSTANCE, r, new RestToXContentListener<>(channel));
        }
    }

    public static final class Export extends BaseRestHandler {
        @Override
        public String getName() {
            return "devops_audit_export";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.POST, RestResponses.BASE + "/_export"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
            io.devopsaudit.investigate.Export.Params params = io.devopsaudit.investigate.Export.parse(
                    RestResponses.body(request), request.param("format", "ndjson"), Instant.now());
            ExportAction.Request r = new ExportAction.Request(params);
            return channel -> client.execute(ExportAction.INSTANCE, r, new RestActionListener<>(channel) {
                @Override
                protected void processResponse(ExportAction.Response response) {
                    BytesRestResponse rest =
                            new BytesRestResponse(RestStatus.OK, response.contentType(), response.body());
                    rest.addHeader("X-Devops-Audit-Events", Long.toString(response.events()));
                    channel.sendResponse(rest);
                }
            });
        }
    }
}
