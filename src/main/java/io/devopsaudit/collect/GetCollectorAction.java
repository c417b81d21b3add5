/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.NamedRequest;
import io.devopsaudit.transport.ReportResponse;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.Map;

/**
 * {@code cluster:admin/devops_audit/collector/get}: one collector's configuration and status, or all of them. It shows
 * which GitLab groups and projects are collected and GitLab's error messages, so it is an admin permission. The token
 * is never part of it.
 */
public final class GetCollectorAction extends ActionType<GetCollectorAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/collector/get";
    public static final GetCollectorAction INSTANCE = new GetCollectorAction();

    private GetCollectorAction() {
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
            return null;
        }
    }

    /** {@code {"name", "config", "status"}} for one, {@code {"collectors": {name: ...}}} for all. */
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
            if (request.name() == null) {
                return new Response(Map.of("collectors", collectors.list()));
            }
            return new Response(collectors.get(request.name()));
        }
    }
}
