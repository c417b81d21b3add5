/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.dedup.CopyIdentity;
import io.devopsaudit.dedup.DedupKey;
import io.devopsaudit.ingest.AuditEngine;
import io.devopsaudit.ingest.DevopsAuditProcessor;
import io.devopsaudit.parse.SourceFormat;
import io.devopsaudit.schema.Fields;
import io.devopsaudit.transport.AuditIndicesRequest;
import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.ReportResponse;
import io.devopsaudit.transport.Validation;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.get.MultiGetItemResponse;
import org.opensearch.action.get.MultiGetRequest;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.search.fetch.subphase.FetchSourceContext;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code indices:data/write/devops_audit/import}: a whole export (CSV with header, JSON array, NDJSON or audit_json.log
 * lines) split incrementally into events and indexed through a pipeline in bulk batches, answering with exact counts.
 * Request, response and transport action in one place, like core's GrokProcessorGetAction. The request names the
 * audit indices it writes, so the Security plugin checks the caller's index permissions for it; the bulk writes then
 * run as the caller too, and a denied write answers 403 rather than counting a failure.
 */
public final class ImportAction extends ActionType<ImportAction.Response> {
    public static final String NAME = "indices:data/write/devops_audit/import";
    public static final ImportAction INSTANCE = new ImportAction();

    private ImportAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends AuditIndicesRequest {
        final String format;
        final String pipeline;
        final boolean dryRun;
        final BytesReference body;
        /** The instance the events come from, or {@code null} (see {@link DevopsAuditProcessor#INSTANCE_FIELD}). */
        final String instance;

        public Request(String format, String pipeline, boolean dryRun, BytesReference body, String instance) {
            super(BulkIntake.WRITE_INDICES);
            this.format = format;
            this.pipeline = pipeline;
            this.dryRun = dryRun;
            this.body = body;
            this.instance = instance;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            format = in.readOptionalString();
            pipeline = in.readString();
            dryRun = in.readBoolean();
            body = in.readBytesReference();
            instance = in.readOptionalString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalString(format);
            out.writeString(pipeline);
            out.writeBoolean(dryRun);
            out.writeBytesReference(body);
            out.writeOptionalString(instance);
        }

        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException errors = Validation.require(
                    format == null || format.equals(SourceFormat.AUTO) || SourceFormat.fromId(format) != null,
                    "[format] unknown format [" + format + "], expected one of [" + SourceFormat.AUTO + ", "
                            + SourceFormat.ids() + "]",
                    null);
            errors = Validation.require(
                    body != null && body.length() > 0, "the body is empty: send the whole file", errors);
            errors = Validation.require(
                    instance == null || DedupKey.validInstance(instance),
                    "[instance] must be " + DedupKey.INSTANCE_RULE + ", found [" + instance + "]",
                    errors);
            return Validation.require(
                    pipeline != null && pipeline.isBlank() == false, "[pipeline] must name an ingest pipeline", errors);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r
                    && sameIndices(r)
                    && Objects.equals(r.format, format)
                    && Objects.equals(r.pipeline, pipeline)
                    && r.dryRun == dryRun
                    && Objects.equals(r.instance, instance)
                    && Objects.equals(r.body, body);
        }

        @Override
        public int hashCode() {
            return Objects.hash(indicesHash(), format, pipeline, dryRun, body, instance);
        }
    }

    /** Counts (received, indexed, duplicates, failed) with the first failures' record numbers and reasons. */
    public static final class Response extends ReportResponse {
        public Response(Map<String, Object> report) {
            super(report);
        }

        Response(StreamInput in) throws IOException {
            super(in);
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        private final Client client;
        private final ClusterService clusterService;
        private final AuditEngine engine;

        @Inject
        public TransportAction(
                TransportService transportService,
                ActionFilters actionFilters,
                Client client,
                ClusterService clusterService,
                AuditEngine engine) {
            super(NAME, transportService, actionFilters, Request::new);
            this.client = client;
            this.clusterService = clusterService;
            this.engine = engine;
        }

        @Override
        protected Response run(Request request) {
            long start = System.nanoTime();
            String formatName = request.format == null ? SourceFormat.AUTO : request.format;
            long max = clusterService
                    .getClusterSettings()
                    .get(IntakeSettings.IMPORT_MAX_BYTES)
                    .getBytes();
            if (request.body.length() > max) {
                throw new OpenSearchStatusException(
                        "[import] the body has " + request.body.length()
                                + " bytes, more than devops_audit.import.max_bytes ("
                                + max
                                + "): split the file — NDJSON and audit_json.log by lines (split -l 100000 events.ndjson part-), CSV into parts "
                                + "that each start with the header line; ./devops-audit import splits NDJSON and audit_json.log files for you",
                        RestStatus.REQUEST_ENTITY_TOO_LARGE);
            }
            SourceFormat format = formatName.equals(SourceFormat.AUTO) ? null : SourceFormat.fromId(formatName);
            // read from the request body itself, never copied into one String (bounded memory: docs/benchmarks.md)
            RawRecords.Text text = RawRecords.text(formatName, request.body);
            RawRecords.Shape shape = RawRecords.shape(format, text);
            if (format == null && shape == RawRecords.Shape.CSV) {
                // not JSON and no line of a known export: one answer for the body, not one dead letter per line
                String why = RawRecords.undetectableCsv(text);
                if (why != null) {
                    throw new IllegalArgumentException(
                            "[" + SourceFormat.AUTO + "] " + why + "; name the format with ?format= (one of "
                                    + SourceFormat.ids() + ") if it is audit data");
                }
            }
            Map<String, Object> report;
            if (request.dryRun) {
                report = dryRun(formatName, shape, text, request.instance);
            } else {
                int batch = clusterService.getClusterSettings().get(IntakeSettings.BULK_SIZE);
                BulkIntake intake = new BulkIntake(client, request.pipeline, request.instance, batch, raw -> {
                    String error = engine.simulate(raw, request.instance).error();
                    return error == null
                            ? "refused by the pipeline (the devops_audit processor accepts it alone: this request's bound"
                                    + " on new event indices, devops_audit.intake.max_new_indices_per_request, or a later"
                                    + " processor; error.message of the dead letter says which)"
                            : error;
                });
                try {
                    RawRecords.split(formatName, shape, text, intake::add);
                } catch (OpenSearchStatusException | IllegalArgumentException e) {
                    intake.flush();
                    throw stopped(e, intake.report());
                }
                intake.flush();
                report = intake.report();
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("format", formatName);
            out.put("shape", shape.name().toLowerCase(Locale.ROOT));
            out.put("pipeline", request.pipeline);
            out.put("dry_run", request.dryRun);
            out.putAll(report);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            out.put("took_ms", tookMs);
            out.put("events_per_second", tookMs == 0 ? null : (long) report.get("received") * 1000 / tookMs);
            return new Response(out);
        }

        /**
         * A body whose structure broke off (a JSON array not closed, an unterminated CSV quote, a JSON limit): what was
         * read before it is stored and counted, and the answer says so with the counts, not just the error.
         */
        static RuntimeException stopped(RuntimeException e, Map<String, Object> report) {
            long received = ((Number) report.get("received")).longValue();
            if (received == 0) return e;
            StringBuilder counts = new StringBuilder();
            for (String outcome : BulkIntake.OUTCOMES) {
                counts.append(", ").append(outcome).append(' ').append(report.get(outcome));
            }
            RestStatus status = e instanceof OpenSearchStatusException s ? s.status() : RestStatus.BAD_REQUEST;
            return new OpenSearchStatusException(
                    e.getMessage() + "; the " + received + " records before it were processed (" + counts.substring(2)
                            + "), the rest of the body was not read: fix it and import the whole file again (stored"
                            + " events then count as duplicates)",
                    status);
        }

        /** Parses and normalizes in-process with the default processor options; writes nothing. */
        private Map<String, Object> dryRun(
                String formatName, RawRecords.Shape shape, RawRecords.Text text, String instance) {
            // per event key: index, id and the richest copy in the file (a richer copy would replace a poorer one)
            Map<String, AuditEngine.Outcome> richest = new LinkedHashMap<>();
            BulkIntake tally = new BulkIntake(client, "none", null, Integer.MAX_VALUE, raw -> "");
            long[] inFile = new long[1];
            RawRecords.split(formatName, shape, text, r -> {
                tally.received++;
                AuditEngine.Outcome o = engine.simulate(r.text(), instance);
                if (o.error() != null) {
                    tally.fail(r, o.error());
                    return;
                }
                AuditEngine.Outcome before = richest.putIfAbsent(o.index() + "/" + o.id(), o);
                if (before != null) {
                    inFile[0]++;
                    if (o.richness() > before.richness()) richest.put(o.index() + "/" + o.id(), o);
                }
            });
            List<AuditEngine.Outcome> keys = new ArrayList<>(richest.values());
            long existing = 0;
            long upgrades = 0;
            for (int from = 0; from < keys.size(); from += 1000) {
                List<AuditEngine.Outcome> slice = keys.subList(from, Math.min(keys.size(), from + 1000));
                MultiGetRequest mget = new MultiGetRequest();
                for (AuditEngine.Outcome k : slice) {
                    mget.add(new MultiGetRequest.Item(k.index(), k.id())
                            .fetchSourceContext(
                                    new FetchSourceContext(true, new String[] {Fields.AUDIT_SOURCE_FORMAT}, null)));
                }
                MultiGetItemResponse[] items =
                        client.multiGet(mget.realtime(true)).actionGet().getResponses();
                for (int i = 0; i < items.length; i++) {
                    if (items[i].isFailed() || items[i].getResponse().isExists() == false) continue;
                    // the stored copy's richness is that of its source format (its version counts writes)
                    if (CopyIdentity.richness(items[i].getResponse().getSourceAsMap())
                            < slice.get(i).richness()) {
                        upgrades++;
                    } else {
                        existing++;
                    }
                }
            }
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("received", tally.received);
            report.put("would_index", keys.size() - existing - upgrades);
            report.put("would_upgrade", upgrades);
            report.put("duplicates", inFile[0] + existing);
            report.put("duplicates_in_file", inFile[0]);
            report.put("already_stored", existing);
            report.put("failed", tally.failed);
            report.put("failures", tally.failures);
            return report;
        }
    }
}
