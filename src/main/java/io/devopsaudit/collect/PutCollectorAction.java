/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

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
 * {@code cluster:admin/devops_audit/collector/put}: creates or replaces a collector. Its polls then write audit events
 * as the node (they run on the cluster-manager without a caller), so this is an admin permission.
 */
public final class PutCollectorAction extends ActionType<PutCollectorAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/collector/put";
    public static final PutCollectorAction INSTANCE = new PutCollectorAction();

    private PutCollectorAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends NamedConfigRequest {
        public Request(String name, Map<String, Object> body) {
            super(name, body);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }

        /**
         * The configuration. Where the token may go (plain http, the bound origin) is checked where it runs
         * ({@link CollectorService#put}), after the Security plugin has authorized the caller.
         */
        public CollectorConfig config() {
            return CollectorConfig.parse(name(), body());
        }

        @Override
        public ActionRequestValidationException validate() {
            return Validation.check(null, this::config);
        }
    }

    /** {@code {"acknowledged": true, "result": "created"|"updated", "name", "config"}}. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        /** {@code created} or {@code updated}. */
        private final String result;

        private final CollectorConfig config;

        public Response(String result, CollectorConfig config) {
            this.result = Objects.requireNonNull(result);
            this.config = Objects.requireNonNull(config);
        }

        /** The configuration crosses the wire as its JSON form and is read back as a request body is. */
        public Response(StreamInput in) throws IOException {
            this(in.readString(), CollectorConfig.parse(in.readString(), in.readMap()));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(result);
            out.writeString(config.name());
            out.writeMap(config.toMap());
        }

        public String result() {
            return result;
        }

        public CollectorConfig config() {
            return config;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject()
                    .field("acknowledged", true)
                    .field("result", result)
                    .field("name", config.name())
                    .field("config", config.toMap())
                    .endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && result.equals(r.result) && config.equals(r.config);
        }

        @Override
        public int hashCode() {
            return Objects.hash(result, config);
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        private final CollectorService collectors;

        @Inject
        public TransportAction(
                TransportService transportService, ActionFilters actionFilters, CollectorService collectors) {
            super(NAME, transportService, actionFilters, Request::new);
            this.collectors = collectors;
        }

        @Override
        protected Response run(Request request) {
            CollectorConfig config = request.config();
            return new Response(collectors.put(config), config);
        }
    }
}
