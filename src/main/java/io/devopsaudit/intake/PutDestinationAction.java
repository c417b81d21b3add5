/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.transport.NamedConfigRequest;
import io.devopsaudit.transport.NamedObjectTransportActions;
import io.devopsaudit.transport.NamedPutResponse;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.transport.TransportService;

import java.io.IOException;
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

    public static final class Request extends NamedConfigRequest<DestinationConfig> {
        public Request(String name, Map<String, Object> body) {
            super(name, body);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        public DestinationConfig config() {
            return DestinationConfig.parse(name(), body());
        }
    }

    /** {@code {"acknowledged": true, "result": "created"|"updated", "name", "config", "token"}}. */
    public static final class Response extends NamedPutResponse<DestinationView> {
        public Response(String result, DestinationView destination) {
            super(result, destination);
        }

        public Response(StreamInput in) throws IOException {
            super(in.readString(), new DestinationView(in));
        }

        @Override
        protected void writeStored(StreamOutput out, DestinationView destination) throws IOException {
            destination.writeTo(out);
        }

        @Override
        protected void storedFields(XContentBuilder builder, DestinationView destination) throws IOException {
            destination.fields(builder);
        }
    }

    /** Answers with the destination's view, which also says whether this node has its token. */
    public static final class TransportAction
            extends NamedObjectTransportActions.Put<Request, DestinationConfig, Response> {
        @Inject
        public TransportAction(
                TransportService transportService, ActionFilters actionFilters, DestinationService destinations) {
            super(
                    NAME,
                    transportService,
                    actionFilters,
                    Request::new,
                    destinations::put,
                    (result, config) -> new Response(result, destinations.get(config.name())));
        }
    }
}
