/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

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
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

import java.io.IOException;
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
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final String name;
        /** The status document; {@code null} when a poll still running could not be read. */
        private final CollectorStatus status;
        /** The wait the poll outlasted, or {@code null} when it ended within it. */
        private final String wait;

        public Response(String name, CollectorStatus status, String wait) {
            this.name = Objects.requireNonNull(name);
            this.status = status;
            this.wait = wait;
        }

        public Response(StreamInput in) throws IOException {
            this(in.readString(), in.readOptionalWriteable(CollectorStatus::new), in.readOptionalString());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(name);
            out.writeOptionalWriteable(status);
            out.writeOptionalString(wait);
        }

        public CollectorStatus status() {
            return status;
        }

        /** Whether the poll goes on in the background. */
        public boolean running() {
            return wait != null;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject().field("name", name);
            if (wait != null) {
                builder.field("running", true);
                builder.field("wait", wait);
                builder.field(
                        "reason",
                        "the poll goes on in the background: GET _plugins/devops_audit/_collectors/" + name
                                + " shows its progress and result");
            }
            return builder.field("status", status).endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r
                    && name.equals(r.name)
                    && Objects.equals(status, r.status)
                    && Objects.equals(wait, r.wait);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, status, wait);
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
            CompletableFuture<CollectorStatus> poll = new CompletableFuture<>();
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
            Response answer;
            try {
                answer = new Response(request.name, poll.get(request.wait.millis(), TimeUnit.MILLISECONDS), null);
            } catch (TimeoutException e) {
                CollectorStatus soFar;
                try {
                    soFar = collectors.get(request.name).status();
                } catch (Exception readFailed) {
                    soFar = null;
                }
                answer = new Response(request.name, soFar, request.wait.getStringRep());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                listener.onFailure(e);
                return;
            } catch (ExecutionException e) {
                listener.onFailure(e.getCause() instanceof Exception c ? c : e);
                return;
            }
            listener.onResponse(answer);
        }
    }
}
