/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.transport.MapRequest;
import io.devopsaudit.transport.MapResponse;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.util.Map;
import java.util.function.Function;

/**
 * The read-only investigation actions, named so a security role can grant them without write rights:
 * {@code indices:data/read/devops_audit/access_report} and {@code indices:data/read/devops_audit/context}.
 */
public final class InvestigateActions {
    private InvestigateActions() {}

    public static final ActionType<MapResponse> ACCESS_REPORT = new ActionType<>("indices:data/read/devops_audit/access_report", MapResponse::new);
    public static final ActionType<MapResponse> CONTEXT = new ActionType<>("indices:data/read/devops_audit/context", MapResponse::new);

    /** Runs a blocking report on the generic pool (several searches in sequence). */
    abstract static class Blocking extends HandledTransportAction<MapRequest, MapResponse> {
        private final ThreadPool threadPool;

        Blocking(String name, TransportService transportService, ActionFilters actionFilters) {
            super(name, transportService, actionFilters, MapRequest::new);
            this.threadPool = transportService.getThreadPool();
        }

        abstract Function<Map<String, Object>, Map<String, Object>> work();

        @Override
        protected void doExecute(Task task, MapRequest request, ActionListener<MapResponse> listener) {
            threadPool.executor(ThreadPool.Names.GENERIC).execute(() -> {
                try {
                    listener.onResponse(new MapResponse(work().apply(request.params())));
                } catch (Exception e) {
                    listener.onFailure(e);
                }
            });
        }
    }

    public static final class TransportAccessReport extends Blocking {
        private final AccessReport report;

        @Inject
        public TransportAccessReport(TransportService transportService, ActionFilters actionFilters, Client client, Pseudonyms pseudonyms) {
            super(ACCESS_REPORT.name(), transportService, actionFilters);
            this.report = new AccessReport(client, pseudonyms);
        }

        @Override
        Function<Map<String, Object>, Map<String, Object>> work() {
            return report::run;
        }
    }

    public static final class TransportContext extends Blocking {
        private final ChangeContext context;

        @Inject
        public TransportContext(TransportService transportService, ActionFilters actionFilters, Client client) {
            super(CONTEXT.name(), transportService, actionFilters);
            this.context = new ChangeContext(client);
        }

        @Override
        Function<Map<String, Object>, Map<String, Object>> work() {
            return context::run;
        }
    }
}
