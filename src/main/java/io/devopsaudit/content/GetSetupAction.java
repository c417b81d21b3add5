/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.ReportResponse;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code cluster:monitor/devops_audit/setup/get}: each shipped asset as current, outdated, missing or skipped. */
public final class GetSetupAction extends ActionType<GetSetupAction.Response> {
    public static final String NAME = "cluster:monitor/devops_audit/setup/get";
    public static final GetSetupAction INSTANCE = new GetSetupAction();

    private GetSetupAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends ActionRequest {
        public Request() {}

        public Request(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }
    }

    /** {@code {"assets": [...], "indices": [...]}}: the audit indices that differ from their templates ({@link IndexConformance}). */
    public static final class Response extends ReportResponse {
        public Response(Map<String, Object> report) {
            super(report);
        }

        Response(StreamInput in) throws IOException {
            super(in);
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        private final Client client;
        private final ClusterService clusterService;

        @Inject
        public TransportAction(
                TransportService transportService,
                ActionFilters actionFilters,
                Client client,
                ClusterService clusterService) {
            super(NAME, transportService, actionFilters, Request::new);
            this.client = client;
            this.clusterService = clusterService;
        }

        @Override
        protected Response run(Request request) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("assets", new SetupService(client).status());
            out.put("indices", SetupService.indices(clusterService));
            return new Response(out);
        }
    }
}
