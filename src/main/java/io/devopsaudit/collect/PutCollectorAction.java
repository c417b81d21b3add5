/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

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
 * {@code cluster:admin/devops_audit/collector/put}: creates or replaces a collector. Its polls then write audit events
 * as the node (they run on the cluster-manager without a caller), so this is an admin permission.
 */
public final class PutCollectorAction extends ActionType<PutCollectorAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/collector/put";
    public static final PutCollectorAction INSTANCE = new PutCollectorAction();

    private PutCollectorAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends NamedConfigRequest<CollectorConfig> {
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
        @Override
        public CollectorConfig config() {
            return CollectorConfig.parse(name(), body());
        }
    }

    /** {@code {"acknowledged": true, "result": "created"|"updated", "name", "config"}}. */
    public static final class Response extends NamedPutResponse<CollectorConfig> {
        public Response(String result, CollectorConfig config) {
            super(result, config);
        }

        /** The configuration crosses the wire as its JSON form and is read back as a request body is. */
        public Response(StreamInput in) throws IOException {
            super(in.readString(), CollectorConfig.parse(in.readString(), in.readMap()));
        }

        @Override
        protected void writeStored(StreamOutput out, CollectorConfig config) throws IOException {
            out.writeString(config.name());
            out.writeMap(config.toMap());
        }

        @Override
        protected void storedFields(XContentBuilder builder, CollectorConfig config) throws IOException {
            builder.field("name", config.name()).field("config", config.toMap());
        }
    }

    /** Answers with the configuration as stored; the status a put keeps shows in {@code GET}. */
    public static final class TransportAction
            extends NamedObjectTransportActions.Put<Request, CollectorConfig, Response> {
        @Inject
        public TransportAction(
                TransportService transportService, ActionFilters actionFilters, CollectorService collectors) {
            super(NAME, transportService, actionFilters, Request::new, collectors::put, Response::new);
        }
    }
}
