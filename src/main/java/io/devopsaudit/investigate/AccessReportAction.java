/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.transport.AuditIndicesRequest;
import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.ReportResponse;
import io.devopsaudit.transport.Validation;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;

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

    public static final class Request extends AuditIndicesRequest {
        private final AccessReport.Params params;

        public Request(AccessReport.Params params) {
            super(AccessReport.EVENT_INDICES);
            this.params = Objects.requireNonNull(params);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            params = new AccessReport.Params(
                    in.readOptionalString(),
                    in.readInstant(),
                    in.readInstant(),
                    in.readStringList(),
                    in.readStringList(),
                    in.readStringList(),
                    in.readStringList(),
                    in.readStringList(),
                    in.readBoolean(),
                    in.readBoolean(),
                    new HashSet<>(in.readStringList()));
        }

        public AccessReport.Params params() {
            return params;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalString(params.scope());
            out.writeInstant(params.from());
            out.writeInstant(params.to());
            out.writeStringCollection(params.categories());
            out.writeStringCollection(params.actions());
            out.writeStringCollection(params.networks());
            out.writeStringCollection(params.domains());
            out.writeStringCollection(params.users());
            out.writeBoolean(params.detail());
            out.writeBoolean(params.redact());
            out.writeStringCollection(params.include());
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

    /** The report: counts, first and last access, per project and access type, and with detail the per-user/IP rows. */
    public static final class Response extends ReportResponse {
        public Response(Map<String, Object> report) {
            super(report);
        }

        Response(StreamInput in) throws IOException {
            super(in);
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        private final AccessReport report;

        @Inject
        public TransportAction(
                TransportService transportService, ActionFilters actionFilters, Client client, Pseudonyms pseudonyms) {
            super(NAME, transportService, actionFilters, Request::new);
            this.report = new AccessReport(client, pseudonyms);
        }

        @Override
        protected Response run(Request request) {
            return new Response(report.run(request.params, request.indices()));
        }
    }
}
