/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.transport.NamedGetResponse;
import io.devopsaudit.transport.NamedObjectTransportActions;
import io.devopsaudit.transport.NamedRequest;
import io.devopsaudit.transport.Validation;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.List;

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
    public static final class Response extends NamedGetResponse<DestinationView> {
        private static final String LISTING = "destinations";

        public Response(DestinationView one) {
            super(LISTING, DestinationView::name, one);
        }

        public Response(List<DestinationView> all) {
            super(LISTING, DestinationView::name, all);
        }

        public Response(StreamInput in) throws IOException {
            super(LISTING, DestinationView::name, DestinationView::new, in);
        }
    }

    public static final class TransportAction
            extends NamedObjectTransportActions.Get<Request, DestinationView, Response> {
        @Inject
        public TransportAction(
                TransportService transportService, ActionFilters actionFilters, DestinationService destinations) {
            super(
                    NAME,
                    transportService,
                    actionFilters,
                    Request::new,
                    destinations::get,
                    destinations::list,
                    Response::new,
                    Response::new);
        }
    }
}
