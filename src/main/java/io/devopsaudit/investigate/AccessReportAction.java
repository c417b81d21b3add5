/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.transport.BlockingTransportAction;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.MediaType;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.search.aggregations.MultiBucketConsumerService;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code indices:data/read/devops_audit/access_report}: who accessed a project or group, how often and from where
 * ({@link AccessReport}). A read of the event indices: the request names them, so a role that may read
 * {@code devops-audit-*} may run it, and its searches run as the caller on the indices the request holds.
 */
public final class AccessReportAction extends ActionType<AccessReportAction.Response> {
    public static final String NAME = "indices:data/read/devops_audit/access_report";
    public static final AccessReportAction INSTANCE = new AccessReportAction();

    private AccessReportAction() {
        super(NAME, Response::new);
    }

    /** The parameters as given: {@code format} in the URL, the report's parameters in the body. */
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

        /** Whether the answer is CSV ({@code format=csv}): the per-user and per-IP rows. */
        public boolean csv() {
            return "csv".equals(param("format"));
        }

        /** The report's parameters, with {@code now} for the default window; refuses what is wrong, naming it. */
        public AccessReport.Params params(Instant now) {
            Map<String, Object> body = body();
            String format = param("format") == null ? "json" : param("format");
            if (format.equals("json") == false && format.equals("csv") == false) {
                throw new IllegalArgumentException("[format] must be json or csv, found [" + format + "]");
            }
            AccessReport.Params p = AccessReport.parse(body, now);
            return csv() ? p.withDetail() : p;
        }
    }

    /** The report: counts, first and last access, per project and access type, and with detail the per-user/IP rows. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final AccessReportResult result;

        public Response(AccessReportResult result) {
            this.result = Objects.requireNonNull(result);
        }

        Response(StreamInput in) throws IOException {
            this(new AccessReportResult(in));
        }

        public AccessReportResult result() {
            return result;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            result.writeTo(out);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return result.toXContent(builder, params);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && result.equals(r.result);
        }

        @Override
        public int hashCode() {
            return result.hashCode();
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        private final AccessReport report;
        private final ActivityTrail trail;

        @Inject
        public TransportAction(
                TransportService transportService,
                ActionFilters actionFilters,
                Client client,
                Pseudonyms pseudonyms,
                ClusterService clusterService,
                ActivityTrail trail,
                AccessRollupService rollups) {
            super(NAME, transportService, actionFilters, Request::new);
            this.report = new AccessReport(
                    client,
                    pseudonyms,
                    () -> clusterService.getClusterSettings().get(MultiBucketConsumerService.MAX_BUCKET_SETTING),
                    f -> AccessRollup.plan(client, clusterService, f, rollups.enabled()));
            this.trail = trail;
        }

        @Override
        protected Response run(Request request) throws Exception {
            return trail.record(ActivityTrail.REPORT, request, () -> {
                AccessReportResult out = report.run(request.params(Instant.now()), request.indices());
                long rows = (out.users() == null ? 0 : out.users().size())
                        + (out.sourceIps() == null ? 0 : out.sourceIps().size());
                return new ActivityTrail.Outcome<>(new Response(out), out.accesses(), rows, null, null);
            });
        }
    }
}
