/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devopsaudit.dedup.DedupKey;
import io.devopsaudit.health.DestinationSilence;
import io.devopsaudit.health.HealthRecords;
import io.devopsaudit.ingest.AuditEngine;
import io.devopsaudit.normalize.Timestamps;
import io.devopsaudit.parse.JsonText;
import io.devopsaudit.schema.Fields;
import io.devopsaudit.schema.IndexNames;
import io.devopsaudit.transport.AuditIndicesRequest;
import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.Validation;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.aggregations.AggregationBuilders;
import org.opensearch.search.aggregations.metrics.Max;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code indices:data/write/devops_audit/stream}: events from a GitLab streaming destination (one event, or a JSON
 * array in batch mode) indexed through the pipeline. The token is checked by the REST layer before this runs.
 * A redelivery is a duplicate of its stored copy (same {@code _id}, same richness: nothing is written), so GitLab's
 * at-least-once delivery leaves one copy; a streamed event replaces a poorer copy stored from another source.
 * A body that is not JSON is still kept (the pipeline dead-letters it) and answered with 400. The request names the
 * audit indices it writes, so a role can grant it on those indices alone; once Security has authorized it, its
 * writes run with the plugin's own rights, through the pipeline only (least privilege for the GitLab sender).
 */
public final class StreamAction extends ActionType<StreamAction.Response> {
    public static final String NAME = "indices:data/write/devops_audit/stream";
    public static final StreamAction INSTANCE = new StreamAction();

    private static final ObjectMapper JSON = JsonText.boundedMapper(JsonText.MAX_DEPTH);
    /** {@code event.kind} and {@code error.type} of an event outside its destination's scopes, and its count. */
    public static final String OUT_OF_SCOPE = "out_of_scope";

    private StreamAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends AuditIndicesRequest {
        final BytesReference body;
        final String eventTypeHint;
        final String instance;
        /** The destination whose token the request carried (the REST layer identified it). */
        final String destination;

        /** From the {@value DestinationConfig#DEFAULT} destination. */
        public Request(BytesReference body, String eventTypeHint, String instance) {
            this(body, eventTypeHint, instance, DestinationConfig.DEFAULT);
        }

        public Request(BytesReference body, String eventTypeHint, String instance, String destination) {
            super(BulkIntake.WRITE_INDICES);
            this.body = body;
            this.eventTypeHint = eventTypeHint;
            this.instance = instance;
            this.destination = destination;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            body = in.readBytesReference();
            eventTypeHint = in.readOptionalString();
            instance = in.readOptionalString();
            destination = in.readString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeBytesReference(body);
            out.writeOptionalString(eventTypeHint);
            out.writeOptionalString(instance);
            out.writeString(destination);
        }

        /** Size limits are dynamic settings, checked by the action; only a missing body is refused here. */
        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException errors =
                    Validation.require(body != null, "[gitlab_stream] the body is missing", null);
            errors = Validation.require(
                    DestinationConfig.validName(destination), DestinationConfig.invalidName(destination), errors);
            return Validation.require(
                    instance == null || DedupKey.validInstance(instance),
                    "[instance] must be " + DedupKey.INSTANCE_RULE + ", found [" + instance + "]",
                    errors);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r
                    && sameIndices(r)
                    && Objects.equals(r.body, body)
                    && Objects.equals(r.eventTypeHint, eventTypeHint)
                    && Objects.equals(r.instance, instance)
                    && Objects.equals(r.destination, destination);
        }

        @Override
        public int hashCode() {
            return Objects.hash(indicesHash(), body, eventTypeHint, instance, destination);
        }
    }

    /**
     * Counts of the request's events: received, indexed, upgraded, duplicates (redeliveries), failed (dead-lettered),
     * out_of_scope (outside the destination's scopes: kept in the dead-letter index, not stored as events).
     */
    public static final class Response extends ActionResponse implements ToXContentObject {
        /** Every event of the request, those out of scope included in {@code received}. */
        private final IntakeCounts counts;

        private final long outOfScope;

        public Response(IntakeCounts counts, long outOfScope) {
            this.counts = Objects.requireNonNull(counts);
            this.outOfScope = outOfScope;
        }

        public Response(StreamInput in) throws IOException {
            this(new IntakeCounts(in), in.readVLong());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            counts.writeTo(out);
            out.writeVLong(outOfScope);
        }

        public IntakeCounts counts() {
            return counts;
        }

        public long outOfScope() {
            return outOfScope;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            counts.toXContent(builder, params);
            builder.field("out_of_scope", outOfScope);
            return builder.endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && counts.equals(r.counts) && outOfScope == r.outOfScope;
        }

        @Override
        public int hashCode() {
            return Objects.hash(counts, outOfScope);
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        private static final org.apache.logging.log4j.Logger LOGGER =
                org.apache.logging.log4j.LogManager.getLogger(StreamAction.class);
        private final Client client;
        private final ClusterService clusterService;
        private final ThreadPool threadPool;
        private final DestinationService destinations;
        private final AuditEngine engine;
        private final DestinationSilence silence;
        private final HealthRecords health;

        @Inject
        public TransportAction(
                TransportService transportService,
                ActionFilters actionFilters,
                Client client,
                ClusterService clusterService,
                DestinationService destinations,
                AuditEngine engine,
                DestinationSilence silence) {
            super(NAME, transportService, actionFilters, Request::new);
            this.silence = silence;
            this.health = new HealthRecords(client, clusterService);
            this.client = client;
            this.clusterService = clusterService;
            this.threadPool = transportService.getThreadPool();
            this.destinations = destinations;
            this.engine = engine;
        }

        /**
         * Security has authorized this action on the request's indices before it runs; the writes it makes then run
         * as the node (the caller's thread context stashed), through the pipeline only. So the GitLab sender's role
         * holds this one action and no index, bulk or create right: its credentials cannot write around the pipeline
         * (docs/security.md, "Work runs as the caller", the second exception).
         */
        @Override
        protected Response run(Request request) throws IOException {
            try (ThreadContext.StoredContext ignored =
                    threadPool.getThreadContext().stashContext()) {
                return receive(request);
            }
        }

        @SuppressWarnings("unchecked")
        private Response receive(Request request) throws IOException {
            DestinationConfig destination = destination(request);
            String instance = destination == null ? request.instance : destination.instance();
            long maxBytes = clusterService
                    .getClusterSettings()
                    .get(IntakeSettings.STREAM_MAX_BYTES)
                    .getBytes();
            int maxEvents = clusterService.getClusterSettings().get(IntakeSettings.STREAM_MAX_EVENTS);
            if (request.body.length() > maxBytes) {
                throw tooLarge("the body has " + request.body.length()
                        + " bytes, more than devops_audit.stream.max_bytes (" + maxBytes + ")");
            }
            if (request.body.length() == 0) {
                throw new IllegalArgumentException(
                        "[gitlab_stream] the body is empty: expected one audit event or a JSON array of them");
            }
            byte[] bytes = BytesReference.toBytes(request.body);
            String text;
            try {
                text = RawRecords.utf8("gitlab_stream", bytes);
            } catch (IllegalArgumentException e) {
                // kept like any other body that is no event: the raw bytes, Base64-encoded, in the dead-letter index
                BulkIntake intake = new BulkIntake(client, clusterService, IndexNames.PIPELINE, instance, 1, r -> "");
                intake.keep(
                        new RawRecords.Record(1, "base64:" + Base64.getEncoder().encodeToString(bytes)),
                        "invalid_encoding",
                        e.getMessage());
                throw new IllegalArgumentException(e.getMessage() + "; " + kept(intake));
            }
            Object parsed;
            try {
                parsed = JSON.readValue(text, Object.class);
            } catch (StreamConstraintsException e) {
                throw tooLarge(e.getOriginalMessage());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("[gitlab_stream] the body is not JSON "
                        + (e.getLocation() == null
                                ? ""
                                : "at offset " + e.getLocation().getCharOffset()) + ": " + e.getOriginalMessage()
                        + "; " + deadLetter(text, instance));
            }
            if (parsed instanceof Map == false && parsed instanceof List == false) {
                // null, a number, a string: JSON, but no event and no batch
                throw new IllegalArgumentException("[gitlab_stream] the body is a JSON "
                        + (parsed == null ? "null" : parsed instanceof String ? "string" : "scalar")
                        + ", expected one audit event (an object) or a JSON array of them; "
                        + deadLetter(text, instance));
            }
            // a JSON array (batch mode) or a Cloud Logging batch ({"entries": [...]}) is one event per element
            List<Object> events;
            if (parsed instanceof List<?> l) {
                events = (List<Object>) l;
            } else if (parsed instanceof Map<?, ?> m
                    && m.get("entries") instanceof List<?> entries
                    && entries.size() > 1) {
                events = (List<Object>) entries;
            } else {
                events = List.of(parsed);
            }
            if (events.size() > maxEvents) {
                throw tooLarge("the batch has " + events.size() + " events, more than devops_audit.stream.max_events ("
                        + maxEvents + ")");
            }
            BulkIntake intake = new BulkIntake(
                            client,
                            clusterService,
                            IndexNames.PIPELINE,
                            instance,
                            Math.max(1, events.size()),
                            raw -> "not a GitLab audit event")
                    .destination(request.destination);
            // read before this delivery is written: the destination's latest stored event ends the silence or not
            Map<String, Object> resumed = events.isEmpty() ? null : endOfSilence(request.destination, instance);
            List<RawRecords.Record> outOfScope = new ArrayList<>();
            long n = 0;
            for (Object event : events) {
                n++;
                if (event instanceof Map<?, ?> m
                        && request.eventTypeHint != null
                        && m.get("event_type") == null
                        && m.get("event_name") == null) {
                    Map<String, Object> withHint = new LinkedHashMap<>((Map<String, Object>) m);
                    withHint.put("event_type", request.eventTypeHint); // the header is only a hint: the body wins
                    event = withHint;
                }
                RawRecords.Record record = new RawRecords.Record(n, JSON.writeValueAsString(event));
                if (destination != null && outside(destination, record.text())) {
                    outOfScope.add(record);
                } else {
                    intake.add(record);
                }
            }
            intake.flush();
            keepOutOfScope(outOfScope, destination);
            health.write(resumed);
            // every event is stored now, in its month index or the dead-letter index: an event that could not be
            // stored anywhere made flush() answer with a retriable status (429/503 and Retry-After) instead
            return new Response(intake.counts().plusReceived(outOfScope.size()), outOfScope.size());
        }

        /**
         * The configured destination the request's token belongs to, or {@code null} for the default destination (the
         * keystore's streaming token: no scope limit, the instance from the request). A token whose destination is not
         * configured delivers nothing; a request may not name another instance than its destination's.
         */
        private DestinationConfig destination(Request request) {
            if (DestinationConfig.DEFAULT.equals(request.destination)) return null;
            DestinationConfig config = destinations.find(request.destination);
            if (config == null) {
                throw new OpenSearchStatusException(
                        "[gitlab_stream] the token is that of GitLab streaming destination [" + request.destination
                                + "], which is not configured: PUT /_plugins/devops_audit/_destinations/"
                                + request.destination + " with its instance and scopes",
                        RestStatus.FORBIDDEN);
            }
            if (request.instance != null && request.instance.equals(config.instance()) == false) {
                throw new IllegalArgumentException("[instance] [" + request.instance + "] is not the instance of "
                        + "destination [" + config.name() + "] (" + config.instance()
                        + "): a destination's events come from its own instance; leave the parameter out");
            }
            return config;
        }

        /**
         * Whether the event's scope path, as the processor gives it, lies outside the destination's scopes. A text that
         * is no audit event is not judged here: it goes on to the pipeline, which dead-letters it with the reason.
         */
        private boolean outside(DestinationConfig destination, String raw) {
            if (destination.scopes().isEmpty()) return false;
            try {
                return destination.covers(engine.scopePath(raw)) == false;
            } catch (IllegalArgumentException notAnEvent) {
                return false;
            }
        }

        /**
         * Events outside the destination's scopes are evidence that its token was used for something it does not
         * cover: kept in the dead-letter index of the ingest month with their raw text ({@code event.kind:
         * out_of_scope}), never in an event index.
         */
        private void keepOutOfScope(List<RawRecords.Record> records, DestinationConfig destination) {
            if (records.isEmpty()) return;
            String now = Timestamps.format(Instant.now());
            String index = BulkIntake.deadLetterIndex(now);
            BulkRequest bulk = new BulkRequest();
            for (RawRecords.Record r : records) {
                String path = engine.scopePath(r.text()); // read before: outside() returned true for it
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("type", OUT_OF_SCOPE);
                error.put(
                        "message",
                        "[gitlab_stream] destination [" + destination.name() + "] delivered an event of scope path ["
                                + (path == null ? "" : path) + "], outside its scopes " + destination.scopes());
                Map<String, Object> doc = BulkIntake.deadLetter(now, r.text(), OUT_OF_SCOPE, error);
                doc.put("audit", Map.of("destination", destination.name(), "instance", destination.instance()));
                bulk.add(new IndexRequest(index).source(doc));
            }
            BulkResponse kept = client.bulk(bulk).actionGet();
            if (kept.hasFailures()) {
                // not stored anywhere: GitLab must deliver again (as for any event the cluster refused)
                throw new OpenSearchStatusException(
                        records.size() + " events outside destination [" + destination.name()
                                + "]'s scopes could not be kept in " + index + ": " + kept.buildFailureMessage(),
                        RestStatus.SERVICE_UNAVAILABLE);
            }
        }

        /** Sends a body that is no event through the pipeline, which dead-letters it with its raw text. */
        private String deadLetter(String raw, String instance) {
            BulkIntake intake = new BulkIntake(
                    client, clusterService, IndexNames.PIPELINE, instance, 1, r -> "not a GitLab audit event");
            intake.add(new RawRecords.Record(1, raw));
            intake.flush();
            return kept(intake);
        }

        /** When the destination's latest stored event was ingested, or {@code null} when it has none. */
        private Instant lastStored(String destination) {
            var answer = client.prepareSearch(IndexNames.eventPatterns())
                    .setIndicesOptions(IndicesOptions.lenientExpandOpen())
                    .setSize(0)
                    .setQuery(QueryBuilders.termQuery(Fields.AUDIT_DESTINATION, destination))
                    .addAggregation(AggregationBuilders.max("last").field(Fields.EVENT_INGESTED))
                    .get();
            // no event index yet: no aggregations at all
            Max last = answer.getAggregations() == null
                    ? null
                    : answer.getAggregations().get("last");
            return last == null || Double.isInfinite(last.getValue())
                    ? null
                    : Instant.ofEpochMilli((long) last.getValue());
        }

        /** The health record of a delivery that ends a silence; best effort: a failed look-up never refuses events. */
        private Map<String, Object> endOfSilence(String destination, String instance) {
            try {
                return silence.delivered(
                        destination,
                        instance,
                        Instant.now(),
                        Duration.ofMillis(clusterService
                                .getClusterSettings()
                                .get(DestinationSilence.SILENCE)
                                .millis()),
                        () -> lastStored(destination));
            } catch (RuntimeException e) {
                LOGGER.warn("could not tell whether destination [" + destination + "] was silent", e);
                return null;
            }
        }

        /** How a refused body's answer counts it: received 1, failed 1, kept in the dead-letter index. */
        private static String kept(BulkIntake intake) {
            IntakeCounts counts = intake.counts();
            return "received " + counts.received() + ", failed " + counts.failed()
                    + ": it was kept in devops-audit-failed-*";
        }

        private static OpenSearchStatusException tooLarge(String why) {
            return new OpenSearchStatusException(
                    "[gitlab_stream] " + why + "; lower the batch size of the streaming destination or raise the limit",
                    RestStatus.REQUEST_ENTITY_TOO_LARGE);
        }
    }
}
