/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.MapRequest;
import io.devopsaudit.transport.MapResponse;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.util.Map;

/**
 * The read-only investigation actions, named so a security role can grant them without write rights:
 * {@code indices:data/read/devops_audit/access_report} and {@code indices:data/read/devops_audit/context}.
 */
public final class InvestigateActions {
    private InvestigateActions() {}

    public static final ActionType<MapResponse> ACCESS_REPORT = new ActionType<>("indices:data/read/devops_audit/access_report", MapResponse::new);
    public static final ActionType<MapResponse> CONTEXT = new ActionType<>("indices:data/read/devops_audit/context", MapResponse::new);

    public static final class TransportAccessReport extends BlockingTransportAction<MapRequest> {
        private final AccessReport report;

        @Inject
        public TransportAccessReport(TransportService transportService, ActionFilters actionFilters, Client client, Pseudonyms pseudonyms) {
            super(ACCESS_REPORT.name(), transportService, actionFilters, MapRequest::new);
            this.report = new AccessReport(client, pseudonyms);
        }

        @Override
        protected Map<String, Object> run(MapRequest request) {
            return report.run(request.params());
        }
    }

    public static final class TransportContext extends BlockingTransportAction<MapRequest> {
        private final ChangeContext context;

        @Inject
        public TransportContext(TransportService transportService, ActionFilters actionFilters, Client client) {
            super(CONTEXT.name(), transportService, actionFilters, MapRequest::new);
            this.context = new ChangeContext(client);
        }

        @Override
        protected Map<String, Object> run(MapRequest request) {
            return context.run(request.params());
        }
    }
}
