/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.transport.BlockingTransportAction;
import org.opensearch.action.ActionRequest;
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
import java.util.Objects;

/**
 * {@code cluster:admin/devops_audit/access_rollup/run}: brings the access rollup up to date now instead of at its next
 * scheduled run ({@link AccessRollupService}). The permission to ask is the caller's; the work is the plugin's own and
 * runs as the node, as the scheduled run does: it reads the event indices and writes only the rollup index.
 */
public final class RunAccessRollupAction extends ActionType<RunAccessRollupAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/access_rollup/run";
    public static final RunAccessRollupAction INSTANCE = new RunAccessRollupAction();

    private RunAccessRollupAction() {
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

        @Override
        public boolean equals(Object o) {
            return o instanceof Request;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    /** What the run did. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final AccessRollupRun run;

        public Response(AccessRollupRun run) {
            this.run = Objects.requireNonNull(run);
        }

        public Response(StreamInput in) throws IOException {
            this(new AccessRollupRun(in));
        }

        public AccessRollupRun run() {
            return run;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            run.writeTo(out);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return run.toXContent(builder, params);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && run.equals(r.run);
        }

        @Override
        public int hashCode() {
            return run.hashCode();
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        private final AccessRollupService rollups;

        @Inject
        public TransportAction(
                TransportService transportService, ActionFilters actionFilters, AccessRollupService rollups) {
            super(NAME, transportService, actionFilters, Request::new);
            this.rollups = rollups;
        }

        @Override
        protected Response run(Request request) {
            return new Response(rollups.runAsNode());
        }
    }
}
