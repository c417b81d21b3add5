/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.retention;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.RunResponse;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.transport.TransportService;

import java.io.IOException;

/**
 * {@code cluster:admin/devops_audit/retention/run}: runs retention now as the caller: the stats it reads and the
 * indices it deletes are authorized with the caller's own index permissions ({@link RetentionService#run}).
 */
public final class RunRetentionAction extends ActionType<RunRetentionAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/retention/run";
    public static final RunRetentionAction INSTANCE = new RunRetentionAction();

    private RunRetentionAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends ActionRequest {
        private final boolean dryRun;

        public Request(boolean dryRun) {
            this.dryRun = dryRun;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            dryRun = in.readBoolean();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeBoolean(dryRun);
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && r.dryRun == dryRun;
        }

        @Override
        public int hashCode() {
            return Boolean.hashCode(dryRun);
        }
    }

    /** What was deleted (or would be), and how many managed indices were kept. */
    public static final class Response extends RunResponse<RetentionRun> {
        public Response(RetentionRun run) {
            super(run);
        }

        public Response(StreamInput in) throws IOException {
            this(new RetentionRun(in));
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
            return new Response(retention.run(request.dryRun));
        }
    }
}
