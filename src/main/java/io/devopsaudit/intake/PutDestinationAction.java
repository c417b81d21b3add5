/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.NamedConfigRequest;
import io.devopsaudit.transport.ReportResponse;
import io.devopsaudit.transport.Validation;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code cluster:admin/devops_audit/destination/put}: creates or replaces a GitLab streaming destination (its instance
 * and scopes). What a destination's token delivers is written as the plugin, so this is an admin permission.
 */
public final class PutDestinationAction extends ActionType<PutDestinationAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/destination/put";
    public static final PutDestinationAction INSTANCE = new PutDestinationAction();

    private PutDestinationAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends NamedConfigRequest {
        public Request(String name, Map<String, Object> body) {
            super(name, body);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }

        public DestinationConfig config() {
            return DestinationConfig.parse(name(), body());
        }

        @Override
        public ActionRequestValidationException validate() {
            return Validation.check(null, this::config);
        }
    }

    /** {@code {"acknowledged": true, "result": "created"|"updated", "name", "config", "token"}}. */
    public static final class Response extends ReportResponse {
        public Response(Map<String, Object> report) {
            super(report);
        }

        Response(StreamInput in) throws IOException {
            super(in);
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        private final DestinationService destinations;

        @Inject
        public TransportAction(
                TransportService transportService, ActionFilters actionFilters, DestinationService destinations) {
            super(NAME, transportService, actionFilters, Request::new);
            this.destinations = destinations;
        }

        @Override
        protected Response run(Request request) {
            DestinationConfig config = request.config();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("acknowledged", true);
            out.put("result", destinations.put(config));
            out.putAll(destinations.get(config.name()));
            return new Response(out);
        }
    }
}
