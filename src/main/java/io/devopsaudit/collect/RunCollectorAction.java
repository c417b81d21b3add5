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
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code cluster:admin/devops_audit/collector/run}: polls a collector now and answers with its new status, or, when the
 * poll takes longer than the request's {@code wait} (default 30 s, at most 10 min), answers then with
 * {@code "running": true} while the poll goes on in the background: its progress (each scope's checkpoint as windows
 * complete, {@code polling_since}) and its result show in {@code GET _collectors/<name>}. A GitLab that does not answer
 * is retried for minutes (every scope, with backoff); an admin's request should not hang that long. It runs on
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
        private final TimeValue wait;

        public Request(String name) {
            this(name, DEFAULT_WAIT);
        }

        public Request(String name, TimeValue wait) {
            this.name = Objects.requireNonNull(name);
            this.wait = Objects.requireNonNull(wait);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            name = in.readString();
            wait = in.readTimeValue();
        }

        public TimeValue waitFor() {
            return wait;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(name);
            out.writeTimeValue(wait);
        }

        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException e =
                    Validation.require(CollectorConfig.validName(name), CollectorConfig.invalidName(name), null);
            if (wait.millis() < 0 || wait.millis() > MAX_WAIT.millis()) {
                e = Validation.require(false, waitMessage(wait.getStringRep()), e);
            }
            return e;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && r.name.equals(name) && r.wait.equals(wait);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, wait);
        }
    }

    /** How long {@code _run} waits for the poll before it answers {@code running}. */
    public static final TimeValue DEFAULT_WAIT = TimeValue.timeValueSeconds(30);

    public static final TimeValue MAX_WAIT = TimeValue.timeValueMinutes(10);

    static String waitMessage(String value) {
        return "[wait] must be a duration from 0s to 10m, such as 30s, found [" + value + "]";
    }

    /** The REST parameter {@code wait}: {@link #DEFAULT_WAIT} when absent; a 400 naming it when it is not a duration. */
    public static TimeValue parseWait(String value) {
        if (value == null) return DEFAULT_WAIT;
        TimeValue t;
        try {
            t = TimeValue.parseTimeValue(value, "wait");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(waitMessage(value));
        }
        if (t.millis() < 0 || t.millis() > MAX_WAIT.millis()) throw new IllegalArgumentException(waitMessage(value));
        return t;
    }

    /**
     * {@code {"name", "status"}} when the poll ended within {@code wait}; else {@code {"name", "running": true, "wait",
     * "status"}} with the status as stored so far and a pointer to {@code GET _collectors/<name>}.
     */
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
            CompletableFuture<Map<String, Object>> poll = new CompletableFuture<>();
            threadPool.generic().execute(() -> {
                try {
                    poll.complete(collectors.poll(request.name, "manual"));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    poll.completeExceptionally(e);
                } catch (Exception e) {
                    poll.completeExceptionally(e);
                }
            });
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", request.name);
            try {
                out.put("status", poll.get(request.wait.millis(), TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                out.put("running", true);
                out.put("wait", request.wait.getStringRep());
                out.put(
                        "reason",
                        "the poll goes on in the background: GET _plugins/devops_audit/_collectors/" + request.name
                                + " shows its progress and result");
                try {
                    out.put("status", collectors.get(request.name).get("status"));
                } catch (Exception readFailed) {
                    out.put("status", null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                listener.onFailure(e);
                return;
            } catch (ExecutionException e) {
                listener.onFailure(e.getCause() instanceof Exception c ? c : e);
                return;
            }
            listener.onResponse(new Response(out));
        }
    }
}
