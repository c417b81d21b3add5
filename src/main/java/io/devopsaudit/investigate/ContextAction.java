/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.transport.BlockingTransportAction;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.MediaType;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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

    /** The parameters as given: the {@code id} in the path, {@code before} and {@code after} in the URL. */
    public static final class Request extends InvestigationRequest {
        public Request(Map<String, String> params, BytesReference body, MediaType mediaType) {
            super(params, body, mediaType);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        protected Set<String> urlParams() {
            return Set.of("id", "before", "after");
        }

        /** The event's id; refuses a missing one and a body (this route takes none). */
        public String id() {
            body();
            if (hasBody()) throw new IllegalArgumentException("[_context] takes no request body");
            String id = param("id");
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("[id] is required: an _id, audit.dedup_key or event.id");
            }
            return id;
        }

        public TimeValue before() {
            return ChangeContext.duration("before", param("before"));
        }

        public TimeValue after() {
            return ChangeContext.duration("after", param("after"));
        }
    }

    /** The event id, correlation id, actor, window, and the ordered events with the reasons each is there. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final ChangeContextResult result;

        public Response(ChangeContextResult result) {
            this.result = Objects.requireNonNull(result);
        }

        Response(StreamInput in) throws IOException {
            this(new ChangeContextResult(in));
        }

        public ChangeContextResult result() {
            return result;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            result.writeTo(out);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return result.toXContent(builder, params);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && result.equals(r.result);
        }

        @Override
        public int hashCode() {
            return result.hashCode();
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        private final ChangeContext context;
        private final ActivityTrail trail;

        @Inject
        public TransportAction(
                TransportService transportService, ActionFilters actionFilters, Client client, ActivityTrail trail) {
            super(NAME, transportService, actionFilters, Request::new);
            this.context = new ChangeContext(client);
            this.trail = trail;
        }

        @Override
        protected Response run(Request request) throws Exception {
            return trail.record(ActivityTrail.CONTEXT, request, () -> {
                ChangeContextResult out =
                        context.run(request.id(), request.before(), request.after(), request.indices());
                long events = out.total();
                return new ActivityTrail.Outcome<>(new Response(out), events, events, null, null);
            });
        }
    }
}
