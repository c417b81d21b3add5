/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.retention;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.ReportResponse;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cluster:admin/devops_audit/retention/get}: the retention settings, the last and next run, and the managed
 * indices due next. It names indices and their expiry, so it is an admin permission, not a monitor one.
 */
public final class GetRetentionAction extends ActionType<GetRetentionAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/retention/get";
    public static final GetRetentionAction INSTANCE = new GetRetentionAction();
    static final int DUE_NEXT = 10;

    private GetRetentionAction() {
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

    /** {@code {"settings", "last_run", "next_run", "managed_indices", "due_next"}}. */
    public static final class Response extends ReportResponse {
        public Response(Map<String, Object> report) {
            super(report);
        }

        Response(StreamInput in) throws IOException {
            super(in);
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        private final RetentionService retention;

        @Inject
        public TransportAction(
                TransportService transportService, ActionFilters actionFilters, RetentionService retention) {
            super(NAME, transportService, actionFilters, Request::new);
            this.retention = retention;
        }

        @Override
        protected Response run(Request request) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("settings", retention.settingsView(Settings.EMPTY));
            Map<String, Object> last = retention.lastRun();
            out.put("last_run", last);
            out.put(
                    "next_run",
                    last == null
                            ? "within " + retention.interval() + " of the cluster-manager's start"
                            : last.get("next_run"));
            List<Map<String, Object>> schedule = retention.schedule(Instant.now());
            out.put("managed_indices", schedule.size());
            out.put("due_next", schedule.subList(0, Math.min(DUE_NEXT, schedule.size())));
            return new Response(out);
        }
    }
}
