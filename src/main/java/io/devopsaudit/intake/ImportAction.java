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
import io.devopsaudit.transport.Validation;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.get.MultiGetItemResponse;
import org.opensearch.action.get.MultiGetRequest;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.ingest.IngestMetadata;
import org.opensearch.ingest.PipelineConfiguration;
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

    /**
     * What the import did: the format and shape read, the pipeline, and the intake's counts — or, for a dry run, what
     * it would do ({@link DryRun}) — with the time it took.
     */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final String format;
        private final String shape;
        private final String pipeline;
        /** {@code null} for a dry run. */
        private final IntakeCounts counts;
        /** {@code null} unless a dry run. */
        private final DryRun dryRun;

        private final long tookMs;

        public Response(String format, String shape, String pipeline, IntakeCounts counts, DryRun dryRun, long tookMs) {
            if ((counts == null) == (dryRun == null)) {
                throw new IllegalArgumentException("an import answers with counts or with a dry run, not both");
            }
            this.format = Objects.requireNonNull(format);
            this.shape = Objects.requireNonNull(shape);
            this.pipeline = Objects.requireNonNull(pipeline);
            this.counts = counts;
            this.dryRun = dryRun;
            this.tookMs = tookMs;
        }

        public Response(StreamInput in) throws IOException {
            this(
                    in.readString(),
                    in.readString(),
                    in.readString(),
                    in.readOptionalWriteable(IntakeCounts::new),
                    in.readOptionalWriteable(DryRun::new),
                    in.readVLong());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(format);
            out.writeString(shape);
            out.writeString(pipeline);
            out.writeOptionalWriteable(counts);
            out.writeOptionalWriteable(dryRun);
            out.writeVLong(tookMs);
        }

        public String format() {
            return format;
        }

        public String shape() {
            return shape;
        }

        public String pipeline() {
            return pipeline;
        }

        /** The intake's counts, or {@code null} for a dry run. */
        public IntakeCounts counts() {
            return counts;
        }

        /** What a dry run would do, or {@code null}. */
        public DryRun dryRun() {
            return dryRun;
        }

        public long tookMs() {
            return tookMs;
        }

        public long received() {
            return counts != null ? counts.received() : dryRun.received();
        }

        /** Records per second, or {@code null} when the import took less than a millisecond. */
        public Long eventsPerSecond() {
            return tookMs == 0 ? null : received() * 1000 / tookMs;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            builder.field("format", format);
            builder.field("shape", shape);
            builder.field("pipeline", pipeline);
            builder.field("dry_run", dryRun != null);
            if (counts != null) counts.toXContent(builder, params);
            if (dryRun != null) dryRun.toXContent(builder, params);
            builder.field("took_ms", tookMs);
            builder.field("events_per_second", eventsPerSecond());
            return builder.endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r
                    && format.equals(r.format)
                    && shape.equals(r.shape)
                    && pipeline.equals(r.pipeline)
                    && Objects.equals(counts, r.counts)
                    && Objects.equals(dryRun, r.dryRun)
                    && tookMs == r.tookMs;
        }

        @Override
        public int hashCode() {
            return Objects.hash(format, shape, pipeline, counts, dryRun, tookMs);
        }
    }

    /**
     * What an import would do, read without writing: records that would be new events, that would replace a poorer
     * stored copy, copies of an event earlier in the file, events already stored as rich, and records the pipeline's
     * processor refuses, with the first of them.
     */
    public record DryRun(
            long received,
            long wouldIndex,
            long wouldUpgrade,
            long duplicatesInFile,
            long alreadyStored,
            long failed,
            List<IntakeCounts.Failure> failures)
            implements Writeable, ToXContent {
        public DryRun {
            failures = List.copyOf(failures);
        }

        public DryRun(StreamInput in) throws IOException {
            this(
                    in.readVLong(),
                    in.readVLong(),
                    in.readVLong(),
                    in.readVLong(),
                    in.readVLong(),
                    in.readVLong(),
                    in.readList(IntakeCounts.Failure::new));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVLong(received);
            out.writeVLong(wouldIndex);
            out.writeVLong(wouldUpgrade);
            out.writeVLong(duplicatesInFile);
            out.writeVLong(alreadyStored);
            out.writeVLong(failed);
            out.writeList(failures);
        }

        /** Copies that would not be written: earlier in the file, or already stored. */
        public long duplicates() {
            return duplicatesInFile + alreadyStored;
        }

        /** The fields, inside the answer's object. */
        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.field("received", received);
            builder.field("would_index", wouldIndex);
            builder.field("would_upgrade", wouldUpgrade);
            builder.field("duplicates", duplicates());
            builder.field("duplicates_in_file", duplicatesInFile);
            builder.field("already_stored", alreadyStored);
            builder.field("failed", failed);
            builder.startArray("failures");
            for (IntakeCounts.Failure f : failures) f.toXContent(builder, params);
            return builder.endArray();
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
            // the format the caller named goes to the processor with every record: read as that, never detected again
            String named = format == null ? null : format.id();
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
            // the pipeline's own devops_audit processor, with its options, runs the dry run and explains refusals
            IntakeCounts counts = null;
            DryRun dryRun = null;
            if (request.dryRun) {
                DevopsAuditProcessor processor = processorOf(request.pipeline, true);
                dryRun = dryRun(processor, formatName, named, shape, text, request.instance);
            } else {
                int batch = clusterService.getClusterSettings().get(IntakeSettings.BULK_SIZE);
                DevopsAuditProcessor[] explainer = new DevopsAuditProcessor[1]; // built at the first refusal, if any
                BulkIntake intake = new BulkIntake(
                                client, clusterService, request.pipeline, request.instance, batch, raw -> {
                                    if (explainer[0] == null) explainer[0] = processorOf(request.pipeline, false);
                                    String error = engine.simulate(explainer[0], raw, request.instance, named)
                                            .error();
                                    return error == null
                                            ? "refused by the pipeline (the devops_audit processor accepts it alone: this request's bound"
                                                    + " on new event indices, devops_audit.intake.max_new_indices_per_request, or a later"
                                                    + " processor; error.message of the dead letter says which)"
                                            : error;
                                })
                        .format(named);
                try {
                    RawRecords.split(formatName, shape, text, intake::add);
                } catch (OpenSearchStatusException | IllegalArgumentException e) {
                    intake.flush();
                    throw stopped(e, intake.counts());
                }
                intake.flush();
                counts = intake.counts();
            }
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            return new Response(
                    formatName, shape.name().toLowerCase(Locale.ROOT), request.pipeline, counts, dryRun, tookMs);
        }

        /**
         * The {@code devops_audit} processor of the named pipeline, built with its options. A dry run needs one (it
         * runs that processor in-process): a missing pipeline, or one without it, is a 400 naming the pipeline. An
         * import writes through the pipeline whatever it holds; without the processor, refusals are explained with
         * the default options.
         */
        private DevopsAuditProcessor processorOf(String pipeline, boolean required) {
            // the cluster state the node holds: the caller needs no right to read pipelines for this
            IngestMetadata ingest = clusterService.state().metadata().custom(IngestMetadata.TYPE);
            PipelineConfiguration config =
                    ingest == null ? null : ingest.getPipelines().get(pipeline);
            DevopsAuditProcessor processor =
                    config == null ? null : engine.processorOf(pipeline, config.getConfigAsMap());
            if (processor == null && required) {
                throw new IllegalArgumentException("[pipeline] "
                        + (config == null
                                ? "no ingest pipeline [" + pipeline + "]"
                                : "[" + pipeline + "] has no " + DevopsAuditProcessor.TYPE + " processor")
                        + ": a dry run runs the pipeline's " + DevopsAuditProcessor.TYPE
                        + " processor with its options");
            }
            return processor == null ? engine.defaults() : processor;
        }

        /**
         * A body whose structure broke off (a JSON array not closed, an unterminated CSV quote, a JSON limit): what was
         * read before it is stored and counted, and the answer says so with the counts, not just the error.
         */
        static RuntimeException stopped(RuntimeException e, IntakeCounts counts) {
            if (counts.received() == 0) return e;
            RestStatus status = e instanceof OpenSearchStatusException s ? s.status() : RestStatus.BAD_REQUEST;
            return new OpenSearchStatusException(
                    e.getMessage() + "; the " + counts.received() + " records before it were processed ("
                            + counts.outcomes()
                            + "), the rest of the body was not read: fix it and import the whole file again (stored"
                            + " events then count as duplicates)",
                    status);
        }

        /** Runs the pipeline's processor in-process on every record and reads the stored copies; writes nothing. */
        private DryRun dryRun(
                DevopsAuditProcessor processor,
                String formatName,
                String named,
                RawRecords.Shape shape,
                RawRecords.Text text,
                String instance) {
            // per event key: index, id and the richest copy in the file (a richer copy would replace a poorer one)
            Map<String, AuditEngine.Outcome> richest = new LinkedHashMap<>();
            ReportedFailures failures = new ReportedFailures();
            long[] received = new long[1];
            long[] failed = new long[1];
            long[] inFile = new long[1];
            RawRecords.split(formatName, shape, text, r -> {
                received[0]++;
                AuditEngine.Outcome o = engine.simulate(processor, r.text(), instance, named);
                if (o.error() != null) {
                    failed[0]++;
                    failures.add(r, o.error());
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
            return new DryRun(
                    received[0],
                    keys.size() - existing - upgrades,
                    upgrades,
                    inFile[0],
                    existing,
                    failed[0],
                    failures.listed());
        }
    }
}
