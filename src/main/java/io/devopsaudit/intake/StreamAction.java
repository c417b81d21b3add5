/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devopsaudit.dedup.DedupKey;
import io.devopsaudit.parse.JsonText;
import io.devopsaudit.schema.IndexNames;
import io.devopsaudit.transport.AuditIndicesRequest;
import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.ReportResponse;
import io.devopsaudit.transport.Validation;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.io.IOException;
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
 * audit indices it writes, so a role can grant it on those indices alone (least privilege for the GitLab sender).
 */
public final class StreamAction extends ActionType<StreamAction.Response> {
    public static final String NAME = "indices:data/write/devops_audit/stream";
    public static final StreamAction INSTANCE = new StreamAction();

    private static final ObjectMapper JSON = JsonText.boundedMapper(JsonText.MAX_DEPTH);

    private StreamAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends AuditIndicesRequest {
        final BytesReference body;
        final String eventTypeHint;
        final String instance;

        public Request(BytesReference body, String eventTypeHint, String instance) {
            super(BulkIntake.WRITE_INDICES);
            this.body = body;
            this.eventTypeHint = eventTypeHint;
            this.instance = instance;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            body = in.readBytesReference();
            eventTypeHint = in.readOptionalString();
            instance = in.readOptionalString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeBytesReference(body);
            out.writeOptionalString(eventTypeHint);
            out.writeOptionalString(instance);
        }

        /** Size limits are dynamic settings, checked by the action; only a missing body is refused here. */
        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException errors =
                    Validation.require(body != null, "[gitlab_stream] the body is missing", null);
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
                    && Objects.equals(r.instance, instance);
        }

        @Override
        public int hashCode() {
            return Objects.hash(indicesHash(), body, eventTypeHint, instance);
        }
    }

    /** Counts of the request's events: received, indexed, upgraded, duplicates (redeliveries), failed (dead-lettered). */
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

        @Inject
        public TransportAction(
                TransportService transportService,
                ActionFilters actionFilters,
                Client client,
                ClusterService clusterService) {
            super(NAME, transportService, actionFilters, Request::new);
            this.client = client;
            this.clusterService = clusterService;
        }

        @Override
        @SuppressWarnings("unchecked")
        protected Response run(Request request) throws IOException {
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
                BulkIntake intake = new BulkIntake(client, IndexNames.PIPELINE, request.instance, 1, r -> "");
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
                        + "; " + deadLetter(text, request.instance));
            }
            if (parsed instanceof Map == false && parsed instanceof List == false) {
                // null, a number, a string: JSON, but no event and no batch
                throw new IllegalArgumentException("[gitlab_stream] the body is a JSON "
                        + (parsed == null ? "null" : parsed instanceof String ? "string" : "scalar")
                        + ", expected one audit event (an object) or a JSON array of them; "
                        + deadLetter(text, request.instance));
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
                    IndexNames.PIPELINE,
                    request.instance,
                    Math.max(1, events.size()),
                    raw -> "not a GitLab audit event");
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
                intake.add(new RawRecords.Record(n, JSON.writeValueAsString(event)));
            }
            intake.flush();
            Map<String, Object> report = intake.report();
            // every event is stored now, in its month index or the dead-letter index: an event that could not be
            // stored anywhere made flush() answer with a retriable status (429/503 and Retry-After) instead
            return new Response(report);
        }

        /** Sends a body that is no event through the pipeline, which dead-letters it with its raw text. */
        private String deadLetter(String raw, String instance) {
            BulkIntake intake =
                    new BulkIntake(client, IndexNames.PIPELINE, instance, 1, r -> "not a GitLab audit event");
            intake.add(new RawRecords.Record(1, raw));
            intake.flush();
            return kept(intake);
        }

        /** How a refused body's answer counts it: received 1, failed 1, kept in the dead-letter index. */
        private static String kept(BulkIntake intake) {
            Map<String, Object> report = intake.report();
            return "received " + report.get("received") + ", failed " + report.get("failed")
                    + ": it was kept in devops-audit-failed-*";
        }

        private static OpenSearchStatusException tooLarge(String why) {
            return new OpenSearchStatusException(
                    "[gitlab_stream] " + why + "; lower the batch size of the streaming destination or raise the limit",
                    RestStatus.REQUEST_ENTITY_TOO_LARGE);
        }
    }
}
