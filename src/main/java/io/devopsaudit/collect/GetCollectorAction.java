/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.NamedRequest;
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
import java.util.List;
import java.util.Objects;

/**
 * {@code cluster:admin/devops_audit/collector/get}: one collector's configuration and status, or all of them. It shows
 * which GitLab groups and projects are collected and GitLab's error messages, so it is an admin permission. The token
 * is never part of it.
 */
public final class GetCollectorAction extends ActionType<GetCollectorAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/collector/get";
    public static final GetCollectorAction INSTANCE = new GetCollectorAction();

    private GetCollectorAction() {
        super(NAME, Response::new);
    }

    /** {@code null}: every one. */
    public static final class Request extends NamedRequest {
        public Request(String name) {
            super(name);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }
    }

    /** {@code {"name", "config", "status"}} for one, {@code {"collectors": {name: ...}}} for all. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        /** The one asked for, or {@code null} when all were. */
        private final CollectorView one;
        /** All of them by name, or {@code null} when one was asked for. */
        private final List<CollectorView> all;

        public static Response one(CollectorView collector) {
            return new Response(Objects.requireNonNull(collector), null);
        }

        public static Response all(List<CollectorView> collectors) {
            return new Response(null, List.copyOf(collectors));
        }

        private Response(CollectorView one, List<CollectorView> all) {
            this.one = one;
            this.all = all;
        }

        public Response(StreamInput in) throws IOException {
            this(
                    in.readOptionalWriteable(CollectorView::new),
                    in.readBoolean() ? in.readList(CollectorView::new) : null);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeOptionalWriteable(one);
            out.writeBoolean(all != null);
            if (all != null) out.writeList(all);
        }

        public CollectorView one() {
            return one;
        }

        public List<CollectorView> all() {
            return all;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            if (one != null) return one.toXContent(builder, params);
            builder.startObject().startObject("collectors");
            for (CollectorView c : all) {
                builder.field(c.name());
                c.toXContent(builder, params);
            }
            return builder.endObject().endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && Objects.equals(one, r.one) && Objects.equals(all, r.all);
        }

        @Override
        public int hashCode() {
            return Objects.hash(one, all);
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        private final CollectorService collectors;

        @Inject
        public TransportAction(
                TransportService transportService, ActionFilters actionFilters, CollectorService collectors) {
            super(NAME, transportService, actionFilters, Request::new);
            this.collectors = collectors;
        }

        @Override
        protected Response run(Request request) {
            if (request.name() == null) {
                return Response.all(collectors.list());
            }
            return Response.one(collectors.get(request.name()));
        }
    }
}
