/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.transport.AuditIndicesRequest;
import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.Validation;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.util.HashSet;
import java.util.Objects;

/**
 * {@code indices:data/read/devops_audit/export}: the events of a log request as NDJSON or CSV ({@link Export}). A read
 * of the event indices, named by the request and run as the caller (the point in time too).
 */
public final class ExportAction extends ActionType<ExportAction.Response> {
    public static final String NAME = "indices:data/read/devops_audit/export";
    public static final ExportAction INSTANCE = new ExportAction();

    private ExportAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends AuditIndicesRequest {
        private final Export.Params params;

        public Request(Export.Params params) {
            super(AccessReport.EVENT_INDICES);
            this.params = Objects.requireNonNull(params);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            params = new Export.Params(
                    in.readStringList(),
                    in.readInstant(),
                    in.readInstant(),
                    in.readStringList(),
                    in.readStringList(),
                    in.readStringList(),
                    in.readStringList(),
                    in.readStringList(),
                    in.readStringList(),
                    in.readBoolean(),
                    new HashSet<>(in.readStringList()),
                    in.readBoolean());
        }

        public Export.Params params() {
            return params;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeStringCollection(params.scopes());
            out.writeInstant(params.from());
            out.writeInstant(params.to());
            out.writeStringCollection(params.users());
            out.writeStringCollection(params.categories());
            out.writeStringCollection(params.actions());
            out.writeStringCollection(params.networks());
            out.writeStringCollection(params.domains());
            out.writeStringCollection(params.excludeUsers());
            out.writeBoolean(params.redact());
            out.writeStringCollection(params.include());
            out.writeBoolean(params.csv());
        }

        @Override
        public ActionRequestValidationException validate() {
            return Validation.check(null, params::check);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && sameIndices(r) && r.params.equals(params);
        }

        @Override
        public int hashCode() {
            return 31 * indicesHash() + params.hashCode();
        }
    }

    /**
     * The rendered export (NDJSON or CSV, UTF-8) and its event count. It holds the whole text, bounded by
     * {@code devops_audit.export.max_events}: the REST layer sends it as one body.
     */
    public static final class Response extends ActionResponse {
        private final BytesReference body;
        private final boolean csv;
        private final long events;

        public Response(BytesReference body, boolean csv, long events) {
            this.body = Objects.requireNonNull(body);
            this.csv = csv;
            this.events = events;
        }

        public Response(StreamInput in) throws IOException {
            body = in.readBytesReference();
            csv = in.readBoolean();
            events = in.readVLong();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeBytesReference(body);
            out.writeBoolean(csv);
            out.writeVLong(events);
        }

        public BytesReference body() {
            return body;
        }

        public long events() {
            return events;
        }

        public String contentType() {
            return csv ? "text/csv; charset=UTF-8" : "application/x-ndjson; charset=UTF-8";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && r.body.equals(body) && r.csv == csv && r.events == events;
        }

        @Override
        public int hashCode() {
            return Objects.hash(body, csv, events);
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        private final Export export;
        private final ClusterService clusterService;

        @Inject
        public TransportAction(
                TransportService transportService,
                ActionFilters actionFilters,
                Client client,
                Pseudonyms pseudonyms,
                ClusterService clusterService) {
            super(NAME, transportService, actionFilters, Request::new);
            this.export = new Export(client, pseudonyms);
            this.clusterService = clusterService;
        }

        @Override
        protected Response run(Request request) throws IOException {
            int max = clusterService.getClusterSettings().get(Export.MAX_EVENTS);
            Export.Result r = export.run(request.params, request.indices(), max);
            return new Response(r.body(), request.params.csv(), r.events());
        }
    }
}
