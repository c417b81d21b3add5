/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.NamedRequest;
import io.devopsaudit.transport.Validation;
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
import java.util.Objects;

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
    public static final class Response extends ActionResponse implements ToXContentObject {
        /** The one asked for, or {@code null} when all were. */
        private final DestinationView one;
        /** All of them by name, or {@code null} when one was asked for. */
        private final List<DestinationView> all;

        public static Response one(DestinationView destination) {
            return new Response(Objects.requireNonNull(destination), null);
        }

        public static Response all(List<DestinationView> destinations) {
            return new Response(null, List.copyOf(destinations));
        }

        private Response(DestinationView one, List<DestinationView> all) {
            this.one = one;
            this.all = all;
        }

        public Response(StreamInput in) throws IOException {
            this(
                    in.readOptionalWriteable(DestinationView::new),
                    in.readBoolean() ? in.readList(DestinationView::new) : null);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeOptionalWriteable(one);
            out.writeBoolean(all != null);
            if (all != null) out.writeList(all);
        }

        public DestinationView one() {
            return one;
        }

        public List<DestinationView> all() {
            return all;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            if (one != null) return one.toXContent(builder, params);
            builder.startObject().startObject("destinations");
            for (DestinationView d : all) {
                builder.field(d.name());
                d.toXContent(builder, params);
            }
            return builder.endObject().endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && Objects.equals(one, r.one) && Objects.equals(all, r.all);
        }

        @Override
        public int hashCode() {
            return Objects.hash(one, all);
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
                return Response.all(destinations.list());
            }
            return Response.one(destinations.get(request.name()));
        }
    }
}
