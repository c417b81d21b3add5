/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import io.devopsaudit.transport.ReportResponse;
import io.devopsaudit.transport.Validation;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.clustermanager.ClusterManagerNodeRequest;
import org.opensearch.action.support.clustermanager.TransportClusterManagerNodeAction;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.block.ClusterBlockException;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code cluster:admin/devops_audit/collector/run}: polls a collector now and answers with its new status. It runs on
 * the elected cluster-manager (the request is forwarded there, and retried there after a cluster-manager change), the
 * one node that polls on schedule too, so a manual run and a scheduled one never overlap.
 */
public final class RunCollectorAction extends ActionType<RunCollectorAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/collector/run";
    public static final RunCollectorAction INSTANCE = new RunCollectorAction();

    private RunCollectorAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends ClusterManagerNodeRequest<Request> {
        private final String name;

        public Request(String name) {
            this.name = Objects.requireNonNull(name);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            name = in.readString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(name);
        }

        @Override
        public ActionRequestValidationException validate() {
            return Validation.require(CollectorConfig.validName(name), CollectorConfig.invalidName(name), null);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && r.name.equals(name);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }
    }

    /** {@code {"name", "status"}}. */
    public static final class Response extends ReportResponse {
        public Response(Map<String, Object> report) {
            super(report);
        }

        Response(StreamInput in) throws IOException {
            super(in);
        }
    }

    public static final class TransportAction extends TransportClusterManagerNodeAction<Request, Response> {
        private final CollectorService collectors;

        @Inject
        public TransportAction(
                TransportService transportService,
                ClusterService clusterService,
                ThreadPool threadPool,
                ActionFilters actionFilters,
                IndexNameExpressionResolver resolver,
                CollectorService collectors) {
            super(NAME, transportService, clusterService, threadPool, actionFilters, Request::new, resolver);
            this.collectors = collectors;
        }

        /** Polling blocks on HTTP and bulk calls: the generic pool, never a transport thread. */
        @Override
        protected String executor() {
            return ThreadPool.Names.GENERIC;
        }

        @Override
        protected Response read(StreamInput in) throws IOException {
            return new Response(in);
        }

        @Override
        protected ClusterBlockException checkBlock(Request request, ClusterState state) {
            return null;
        }

        @Override
        protected void clusterManagerOperation(Request request, ClusterState state, ActionListener<Response> listener) {
            Map<String, Object> out = new LinkedHashMap<>();
            try {
                out.put("name", request.name);
                out.put("status", collectors.poll(request.name, "manual"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                listener.onFailure(e);
                return;
            } catch (Exception e) {
                listener.onFailure(e);
                return;
            }
            listener.onResponse(new Response(out));
        }
    }
}
