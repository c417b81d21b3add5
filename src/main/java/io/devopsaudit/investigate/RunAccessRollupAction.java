/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.NoParametersRequest;
import io.devopsaudit.transport.RunResponse;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.transport.TransportService;

import java.io.IOException;

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

    /** What the run did. */
    public static final class Response extends RunResponse<AccessRollupRun> {
        public Response(AccessRollupRun run) {
            super(run);
        }

        public Response(StreamInput in) throws IOException {
            this(new AccessRollupRun(in));
        }
    }

    public static final class TransportAction extends BlockingTransportAction<NoParametersRequest, Response> {
        private final AccessRollupService rollups;

        @Inject
        public TransportAction(
                TransportService transportService, ActionFilters actionFilters, AccessRollupService rollups) {
            super(NAME, transportService, actionFilters, NoParametersRequest::new);
            this.rollups = rollups;
        }

        @Override
        protected Response run(NoParametersRequest request) {
            return new Response(rollups.runAsNode());
        }
    }
}
