/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.transport.DeletedResponse;
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
import java.util.Objects;

/**
 * {@code cluster:admin/devops_audit/destination/delete}: removes a GitLab streaming destination's configuration. Its
 * token then delivers nothing (403 naming the missing configuration) until the destination is configured again or the
 * admin removes the keystore entry; the events it delivered stay.
 */
public final class DeleteDestinationAction extends ActionType<DeleteDestinationAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/destination/delete";
    public static final DeleteDestinationAction INSTANCE = new DeleteDestinationAction();

    private DeleteDestinationAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends NamedRequest {
        public Request(String name) {
            super(Objects.requireNonNull(name));
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        public ActionRequestValidationException validate() {
            return Validation.require(DestinationConfig.validName(name()), DestinationConfig.invalidName(name()), null);
        }
    }

    /** {@code {"acknowledged": true, "name"}}. */
    public static final class Response extends DeletedResponse {
        public Response(String name) {
            super(name);
        }

        public Response(StreamInput in) throws IOException {
            super(in);
        }
    }

    public static final class TransportAction extends NamedObjectTransportActions.Delete<Request, Response> {
        @Inject
        public TransportAction(
                TransportService transportService, ActionFilters actionFilters, DestinationService destinations) {
            super(NAME, transportService, actionFilters, Request::new, destinations::delete, Response::new);
        }
    }
}
