/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.transport.AuditIndicesRequest;
import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.ReportResponse;
import io.devopsaudit.transport.Validation;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * {@code indices:data/read/devops_audit/context}: an event with its request and the same actor's events around it
 * ({@link ChangeContext}). A read of the event indices, named by the request and run as the caller.
 */
public final class ContextAction extends ActionType<ContextAction.Response> {
    public static final String NAME = "indices:data/read/devops_audit/context";
    public static final ContextAction INSTANCE = new ContextAction();

    private ContextAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends AuditIndicesRequest {
        private final String id;
        private final TimeValue before;
        private final TimeValue after;

        public Request(String id, TimeValue before, TimeValue after) {
            super(AccessReport.EVENT_INDICES);
            this.id = id;
            this.before = Objects.requireNonNull(before);
            this.after = Objects.requireNonNull(after);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            id = in.readOptionalString();
            before = in.readTimeValue();
            after = in.readTimeValue();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalString(id);
            out.writeTimeValue(before);
            out.writeTimeValue(after);
        }

        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException errors = Validation.require(
                    id != null && id.isBlank() == false, "[id] is required: an _id, audit.dedup_key or event.id", null);
            return Validation.check(
                    errors,
                    () -> ChangeContext.checkDuration("before", before),
                    () -> ChangeContext.checkDuration("after", after));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r
                    && sameIndices(r)
                    && Objects.equals(r.id, id)
                    && r.before.equals(before)
                    && r.after.equals(after);
        }

        @Override
        public int hashCode() {
            return Objects.hash(indicesHash(), id, before, after);
        }
    }

    /** The event id, correlation id, actor, window, and the ordered events with the reasons each is there. */
    public static final class Response extends ReportResponse {
        public Response(Map<String, Object> report) {
            super(report);
        }

        Response(StreamInput in) throws IOException {
            super(in);
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        private final ChangeContext context;

        @Inject
        public TransportAction(TransportService transportService, ActionFilters actionFilters, Client client) {
            super(NAME, transportService, actionFilters, Request::new);
            this.context = new ChangeContext(client);
        }

        @Override
        protected Response run(Request request) {
            return new Response(context.run(request.id, request.before, request.after, request.indices()));
        }
    }
}
