/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.NamedConfigRequest;
import io.devopsaudit.transport.ReportResponse;
import io.devopsaudit.transport.Validation;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.LinkedHashMap;
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
    public static final class Response extends ReportResponse {
        public Response(Map<String, Object> report) {
            super(report);
        }

        Response(StreamInput in) throws IOException {
            super(in);
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
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("acknowledged", true);
            out.put("result", collectors.put(config));
            out.put("name", config.name());
            out.put("config", config.toMap());
            return new Response(out);
        }
    }
}
