/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.NamedConfigRequest;
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
import java.util.Map;
import java.util.Objects;

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
    public static final class Response extends ActionResponse implements ToXContentObject {
        /** {@code created} or {@code updated}. */
        private final String result;

        private final DestinationView destination;

        public Response(String result, DestinationView destination) {
            this.result = Objects.requireNonNull(result);
            this.destination = Objects.requireNonNull(destination);
        }

        public Response(StreamInput in) throws IOException {
            this(in.readString(), new DestinationView(in));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(result);
            destination.writeTo(out);
        }

        public String result() {
            return result;
        }

        public DestinationView destination() {
            return destination;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject().field("acknowledged", true).field("result", result);
            destination.fields(builder);
            return builder.endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && result.equals(r.result) && destination.equals(r.destination);
        }

        @Override
        public int hashCode() {
            return Objects.hash(result, destination);
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
            String result = destinations.put(config);
            return new Response(result, destinations.get(config.name()));
        }
    }
}
