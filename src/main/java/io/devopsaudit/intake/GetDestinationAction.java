/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.NamedRequest;
import io.devopsaudit.transport.ReportResponse;
import io.devopsaudit.transport.Validation;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.Map;

/**
 * {@code cluster:admin/devops_audit/destination/get}: one GitLab streaming destination (instance, scopes, where its
 * token belongs and whether this node has it), or all of them. It names the groups each token may deliver for, so it
 * is an admin permission. The token itself is never part of it.
 */
public final class GetDestinationAction extends ActionType<GetDestinationAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/destination/get";
    public static final GetDestinationAction INSTANCE = new GetDestinationAction();

    private GetDestinationAction() {
        super(NAME, Response::new);
    }

    /** {@code null}: every one. */
    public static final class Request extends NamedRequest {
        public Request(String name) {
            super(name);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        public ActionRequestValidationException validate() {
            return Validation.require(
                    name() == null || DestinationConfig.validName(name()), DestinationConfig.invalidName(name()), null);
        }
    }

    /** {@code {"name", "config", "token"}} for one, {@code {"destinations": {name: ...}}} for all. */
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
            if (request.name() == null) {
                return new Response(Map.of("destinations", destinations.list()));
            }
            return new Response(destinations.get(request.name()));
        }
    }
}
