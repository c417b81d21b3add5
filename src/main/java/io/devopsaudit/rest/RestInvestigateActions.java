/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import io.devopsaudit.investigate.AccessReport;
import io.devopsaudit.investigate.AccessReportAction;
import io.devopsaudit.investigate.ContextAction;
import io.devopsaudit.investigate.ExportAction;
import io.devopsaudit.investigate.RunAccessRollupAction;
import io.devopsaudit.transport.NoParametersRequest;
import org.opensearch.common.collect.Tuple;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.MediaType;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestActionListener;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code POST /_plugins/devops_audit/_access_report}, {@code GET /_plugins/devops_audit/_context/{id}},
 * {@code POST /_plugins/devops_audit/_export} and {@code POST /_plugins/devops_audit/_access_rollup}.
 */
public final class RestInvestigateActions {
    private RestInvestigateActions() {}

    /**
     * Every URL parameter as given, all marked as read: what a route does not take is refused by the action, which
     * records the refusal in the investigation trail (the REST layer would refuse it before any record is written).
     */
    static Map<String, String> params(RestRequest request) {
        Map<String, String> out = new TreeMap<>();
        for (String key : request.params().keySet()) {
            out.put(key, request.param(key));
        }
        return out;
    }

    /** The body as sent, unparsed (the action reads it); {@code (null, null)} without one. */
    static Tuple<MediaType, BytesReference> body(RestRequest request) {
        return request.hasContentOrSourceParam() ? request.contentOrSourceParam() : new Tuple<>(null, null);
    }

    /** {@code POST /_plugins/devops_audit/_access_rollup}: brings the access rollup up to date now. */
    public static final class Rollup extends BaseRestHandler {
        @Override
        public String getName() {
            return "devops_audit_access_rollup";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.POST, RestResponses.BASE + "/_access_rollup"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            return channel -> client.execute(
                    RunAccessRollupAction.INSTANCE, new NoParametersRequest(), new RestToXContentListener<>(channel));
        }
    }

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
            Tuple<MediaType, BytesReference> body = body(request);
            AccessReportAction.Request r = new AccessReportAction.Request(params(request), body.v2(), body.v1());
            if (r.csv() == false) {
                return channel -> client.execute(AccessReportAction.INSTANCE, r, new RestToXContentListener<>(channel));
            }
            return channel -> client.execute(AccessReportAction.INSTANCE, r, new RestActionListener<>(channel) {
                @Override
                protected void processResponse(AccessReportAction.Response response) {
                    channel.sendResponse(new BytesRestResponse(
                            RestStatus.OK, "text/csv; charset=UTF-8", AccessReport.csv(response.result())));
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
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
            // this route takes no body: one given anyway is refused (and recorded) by the action
            Tuple<MediaType, BytesReference> body = body(request);
            ContextAction.Request r = new ContextAction.Request(params(request), body.v2(), body.v1());
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
            Tuple<MediaType, BytesReference> body = body(request);
            ExportAction.Request r = new ExportAction.Request(params(request), body.v2(), body.v1());
            return channel -> client.execute(ExportAction.INSTANCE, r, new RestActionListener<>(channel) {
                @Override
                protected void processResponse(ExportAction.Response response) {
                    BytesRestResponse rest =
                            new BytesRestResponse(RestStatus.OK, response.contentType(), response.body());
                    rest.addHeader("X-Devops-Audit-Events", Long.toString(response.events()));
                    rest.addHeader("X-Devops-Audit-Sha256", response.sha256());
                    channel.sendResponse(rest);
                }
            });
        }
    }
}
