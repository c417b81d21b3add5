/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.transport.BlockingTransportAction;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.BytesRefIterator;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.MediaType;
import org.opensearch.search.aggregations.MultiBucketConsumerService;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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

    /** The parameters as given: {@code format} in the URL, the export's parameters in the body. */
    public static final class Request extends InvestigationRequest {
        public Request(Map<String, String> params, BytesReference body, MediaType mediaType) {
            super(params, body, mediaType);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        protected Set<String> urlParams() {
            return Set.of("format");
        }

        /** The export's parameters, with {@code now} for the default window; refuses what is wrong, naming it. */
        public Export.Params params(Instant now) {
            Map<String, Object> body = body();
            Export.Params p = Export.parse(body, param("format") == null ? "ndjson" : param("format"), now);
            return p;
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
        private final String sha256;

        public Response(BytesReference body, boolean csv, long events) {
            this.body = Objects.requireNonNull(body);
            this.csv = csv;
            this.events = events;
            this.sha256 = sha256(body);
        }

        public Response(StreamInput in) throws IOException {
            body = in.readBytesReference();
            csv = in.readBoolean();
            events = in.readVLong();
            sha256 = in.readString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeBytesReference(body);
            out.writeBoolean(csv);
            out.writeVLong(events);
            out.writeString(sha256);
        }

        /** Hex SHA-256 of {@code body}: the bytes the REST layer sends, so a reviewer can verify what was released. */
        static String sha256(BytesReference body) {
            MessageDigest digest;
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            BytesRefIterator it = body.iterator();
            try {
                for (BytesRef ref = it.next(); ref != null; ref = it.next()) {
                    digest.update(ref.bytes, ref.offset, ref.length);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return HexFormat.of().formatHex(digest.digest());
        }

        /** The {@code X-Devops-Audit-Sha256} header's value, and the trail's {@code file.hash.sha256}. */
        public String sha256() {
            return sha256;
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
        private final ActivityTrail trail;

        @Inject
        public TransportAction(
                TransportService transportService,
                ActionFilters actionFilters,
                Client client,
                Pseudonyms pseudonyms,
                ClusterService clusterService,
                ActivityTrail trail) {
            super(NAME, transportService, actionFilters, Request::new);
            this.export = new Export(client, pseudonyms, () -> clusterService
                    .getClusterSettings()
                    .get(MultiBucketConsumerService.MAX_BUCKET_SETTING));
            this.clusterService = clusterService;
            this.trail = trail;
        }

        @Override
        protected Response run(Request request) throws Exception {
            return trail.record(ActivityTrail.EXPORT, request, () -> {
                Export.Params params = request.params(Instant.now());
                int max = clusterService.getClusterSettings().get(Export.MAX_EVENTS);
                Export.Result r = export.run(params, request.indices(), max);
                Response response = new Response(r.body(), params.csv(), r.events());
                return new ActivityTrail.Outcome<>(response, r.events(), r.events(), response.sha256(), (long)
                        r.body().length());
            });
        }
    }
}
