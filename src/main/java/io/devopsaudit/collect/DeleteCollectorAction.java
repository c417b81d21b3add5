/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

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
 * {@code cluster:admin/devops_audit/collector/delete}: removes a collector, its checkpoints and its status. The events
 * it collected stay; its keystore token is the admin's to remove.
 */
public final class DeleteCollectorAction extends ActionType<DeleteCollectorAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/collector/delete";
    public static final DeleteCollectorAction INSTANCE = new DeleteCollectorAction();

    private DeleteCollectorAction() {
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
            return Validation.require(CollectorConfig.validName(name()), CollectorConfig.invalidName(name()), null);
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
                TransportService transportService, ActionFilters actionFilters, CollectorService collectors) {
            super(NAME, transportService, actionFilters, Request::new, collectors::delete, Response::new);
        }
    }
}
