/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.Validation;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code cluster:monitor/devops_audit/content/get}: the shipped monitors rendered for this cluster (notification
 * channel and Dashboards URL filled in), each ready for {@code POST _plugins/_alerting/monitors}, and the workflows
 * that chain them (delegates named by {@code MONITOR_ID{<monitor name>}}). Reads no index.
 */
public final class GetContentAction extends ActionType<GetContentAction.Response> {
    public static final String NAME = "cluster:monitor/devops_audit/content/get";
    public static final GetContentAction INSTANCE = new GetContentAction();

    private GetContentAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends ActionRequest {
        private final String notificationChannelId;
        private final String dashboardsUrl;

        public Request(String notificationChannelId, String dashboardsUrl) {
            this.notificationChannelId = notificationChannelId;
            this.dashboardsUrl = dashboardsUrl;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            notificationChannelId = in.readOptionalString();
            dashboardsUrl = in.readOptionalString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalString(notificationChannelId);
            out.writeOptionalString(dashboardsUrl);
        }

        @Override
        public ActionRequestValidationException validate() {
            return Validation.check(null, () -> MonitorContent.render(notificationChannelId, dashboardsUrl));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r
                    && Objects.equals(r.notificationChannelId, notificationChannelId)
                    && Objects.equals(r.dashboardsUrl, dashboardsUrl);
        }

        @Override
        public int hashCode() {
            return Objects.hash(notificationChannelId, dashboardsUrl);
        }
    }

    /**
     * {@code {"monitors": [...], "workflows": [...]}}: each element is a request body of the Alerting plugin's API,
     * carried as that plugin's JSON and not read here.
     */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final List<Map<String, Object>> monitors;
        private final List<Map<String, Object>> workflows;

        public Response(List<Map<String, Object>> monitors, List<Map<String, Object>> workflows) {
            this.monitors = List.copyOf(monitors);
            this.workflows = List.copyOf(workflows);
        }

        public Response(StreamInput in) throws IOException {
            this(in.readList(StreamInput::readMap), in.readList(StreamInput::readMap));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeCollection(monitors, StreamOutput::writeMap);
            out.writeCollection(workflows, StreamOutput::writeMap);
        }

        /** Bodies for {@code POST _plugins/_alerting/monitors}. */
        public List<Map<String, Object>> monitors() {
            return monitors;
        }

        /** Bodies for {@code POST _plugins/_alerting/workflows}. */
        public List<Map<String, Object>> workflows() {
            return workflows;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject()
                    .field("monitors", monitors)
                    .field("workflows", workflows)
                    .endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && monitors.equals(r.monitors) && workflows.equals(r.workflows);
        }

        @Override
        public int hashCode() {
            return Objects.hash(monitors, workflows);
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        @Inject
        public TransportAction(TransportService transportService, ActionFilters actionFilters) {
            super(NAME, transportService, actionFilters, Request::new);
        }

        @Override
        protected Response run(Request request) {
            return new Response(
                    MonitorContent.render(request.notificationChannelId, request.dashboardsUrl),
                    MonitorContent.renderWorkflows(request.notificationChannelId, request.dashboardsUrl));
        }
    }
}
