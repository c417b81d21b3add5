/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import io.devopsaudit.parse.JsonText;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A collector's status: what its last poll did (per scope and in total), when it polls next, the last error, and
 * whether a poll is under way. The collector's document in the state index holds it as the JSON {@link #toXContent}
 * writes, which is also what the API shows (docs/collector.md, "Status"); {@link #fromStored} reads it back, also as
 * earlier versions stored it.
 *
 * <p>A status whose {@code lastPoll} is {@code null} was never polled: it shows {@code state} (and a poll under way)
 * only. A polled one always shows {@code last_success} and {@code last_error}, {@code null} when there was none;
 * every other field is shown when it is set.
 *
 * @param trigger {@code schedule} or {@code manual}: what started the last poll
 * @param node the node that polled
 * @param nextPoll {@code null} when the collector is due at the next tick (never polled, or its configuration changed)
 * @param requests HTTP requests of the last poll; {@code null} when it sent none (no token, no pipeline, refused host)
 * @param retries how many of them were retries
 * @param scopes one row per configured scope, {@code null} before any scope was polled
 * @param lastError kept after later successful polls as history ({@code state} says whether it is current)
 * @param tokenGeneration which reload of secure settings the last poll saw
 * @param pollingSince when the poll under way started; {@code null} when none is
 * @param pollingTrigger what started the poll under way
 */
public record CollectorStatus(
        State state,
        String trigger,
        String node,
        Instant lastPoll,
        Instant lastSuccess,
        Instant nextPoll,
        PollCounts lastPollCounts,
        PollCounts totals,
        Long requests,
        Long retries,
        List<ScopeStatus> scopes,
        PollError lastError,
        Long tokenGeneration,
        Instant pollingSince,
        String pollingTrigger)
        implements Writeable, ToXContentObject {

    /** The status of a collector that was never polled. */
    public static final CollectorStatus NEVER_POLLED = new CollectorStatus(
            State.NEVER_POLLED, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    /** The outcome of the last poll. */
    public enum State {
        /** The last poll stored everything. */
        OK,
        /** A scope failed: see {@code last_error}. */
        ERROR,
        MISSING_TOKEN,
        /** The token may not be sent to the collector's URL: nothing was sent. */
        HOST_REFUSED,
        NEVER_POLLED;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The state a stored status names. Absent: never polled (a poll under way that earlier versions marked before
         * the first one ended). One this version does not know (written by a newer node) reads as an error: the last
         * poll did not end in a state this node can call ok.
         */
        static State fromStored(Object stored) {
            if (stored == null) return NEVER_POLLED;
            for (State s : values()) {
                if (s.value().equals(stored)) return s;
            }
            return ERROR;
        }
    }

    public CollectorStatus {
        Objects.requireNonNull(state);
        scopes = scopes == null ? null : List.copyOf(scopes);
    }

    public CollectorStatus(StreamInput in) throws IOException {
        this(
                in.readEnum(State.class),
                in.readOptionalString(),
                in.readOptionalString(),
                in.readOptionalInstant(),
                in.readOptionalInstant(),
                in.readOptionalInstant(),
                in.readOptionalWriteable(PollCounts::new),
                in.readOptionalWriteable(PollCounts::new),
                in.readOptionalLong(),
                in.readOptionalLong(),
                in.readBoolean() ? in.readList(ScopeStatus::new) : null,
                in.readOptionalWriteable(PollError::new),
                in.readOptionalLong(),
                in.readOptionalInstant(),
                in.readOptionalString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeEnum(state);
        out.writeOptionalString(trigger);
        out.writeOptionalString(node);
        out.writeOptionalInstant(lastPoll);
        out.writeOptionalInstant(lastSuccess);
        out.writeOptionalInstant(nextPoll);
        out.writeOptionalWriteable(lastPollCounts);
        out.writeOptionalWriteable(totals);
        out.writeOptionalLong(requests);
        out.writeOptionalLong(retries);
        out.writeBoolean(scopes != null);
        if (scopes != null) out.writeList(scopes);
        out.writeOptionalWriteable(lastError);
        out.writeOptionalLong(tokenGeneration);
        out.writeOptionalInstant(pollingSince);
        out.writeOptionalString(pollingTrigger);
    }

    /** Whether a poll ever ended: only then are the poll's fields shown. */
    public boolean polled() {
        return lastPoll != null;
    }

    /** The same status, due at the next tick: a changed configuration is polled at once. */
    public CollectorStatus withoutNextPoll() {
        return new CollectorStatus(
                state,
                trigger,
                node,
                lastPoll,
                lastSuccess,
                null,
                lastPollCounts,
                totals,
                requests,
                retries,
                scopes,
                lastError,
                tokenGeneration,
                pollingSince,
                pollingTrigger);
    }

    /** The same status with the scopes' rows a poll under way has got so far, and when and why it started. */
    public CollectorStatus polling(Instant since, String trigger, List<ScopeStatus> scopesSoFar) {
        return new CollectorStatus(
                state,
                this.trigger,
                node,
                lastPoll,
                lastSuccess,
                nextPoll,
                lastPollCounts,
                totals,
                requests,
                retries,
                scopesSoFar,
                lastError,
                tokenGeneration,
                since,
                trigger);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        builder.field("state", state.value());
        if (polled()) {
            builder.field("trigger", trigger);
            builder.field("node", node);
            builder.field("last_poll", lastPoll.toString());
            builder.field("last_success", text(lastSuccess));
            optional(builder, "next_poll", nextPoll);
            optional(builder, "last_poll_counts", lastPollCounts, params);
            optional(builder, "totals", totals, params);
            if (requests != null) builder.field("requests", requests);
            if (retries != null) builder.field("retries", retries);
        }
        if (scopes != null) {
            builder.startArray("scopes");
            for (ScopeStatus s : scopes) s.toXContent(builder, params);
            builder.endArray();
        }
        if (polled()) {
            builder.field("last_error", lastError, params);
            if (tokenGeneration != null) builder.field("token_generation", tokenGeneration);
        }
        optional(builder, "polling_since", pollingSince);
        if (pollingTrigger != null) builder.field("polling_trigger", pollingTrigger);
        return builder.endObject();
    }

    /** The JSON text the collector's document holds (and the API shows). */
    public String toStoredJson() {
        try {
            XContentBuilder b = JsonXContent.contentBuilder();
            toXContent(b, ToXContent.EMPTY_PARAMS);
            return BytesReference.bytes(b).utf8ToString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stored JSON as a map, for the health record of a poll, which copies its state and error. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> toMap() {
        return (Map<String, Object>) JsonText.parse("collector", "status", toStoredJson());
    }

    /**
     * A status as the collector's document stores it ({@link #toXContent}), read back. Tolerant, because documents
     * written by earlier versions are read too: an absent or unreadable field is unset, an absent count is 0, and
     * unknown fields are ignored.
     */
    public static CollectorStatus fromStored(Map<?, ?> stored) {
        List<ScopeStatus> scopes = null;
        if (stored.get("scopes") instanceof List<?> rows) {
            scopes = new ArrayList<>();
            for (Object row : rows) {
                if (row instanceof Map<?, ?> m && m.get("scope") instanceof String)
                    scopes.add(ScopeStatus.fromStored(m));
            }
        }
        return new CollectorStatus(
                State.fromStored(stored.get("state")),
                string(stored, "trigger"),
                string(stored, "node"),
                instant(stored, "last_poll"),
                instant(stored, "last_success"),
                instant(stored, "next_poll"),
                counts(stored, "last_poll_counts"),
                counts(stored, "totals"),
                number(stored, "requests"),
                number(stored, "retries"),
                scopes,
                stored.get("last_error") instanceof Map<?, ?> e ? PollError.fromStored(e) : null,
                number(stored, "token_generation"),
                instant(stored, "polling_since"),
                string(stored, "polling_trigger"));
    }

    /** One scope's row: its checkpoint (the event time up to which everything is stored) and its last poll. */
    public record ScopeStatus(
            String scope, Instant checkpoint, PollCounts lastPollCounts, Long pages, String note, PollError lastError)
            implements Writeable, ToXContentObject {

        public ScopeStatus {
            Objects.requireNonNull(scope);
        }

        /** A scope not polled yet. */
        public static ScopeStatus of(String scope) {
            return new ScopeStatus(scope, null, null, null, null, null);
        }

        public ScopeStatus(StreamInput in) throws IOException {
            this(
                    in.readString(),
                    in.readOptionalInstant(),
                    in.readOptionalWriteable(PollCounts::new),
                    in.readOptionalLong(),
                    in.readOptionalString(),
                    in.readOptionalWriteable(PollError::new));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(scope);
            out.writeOptionalInstant(checkpoint);
            out.writeOptionalWriteable(lastPollCounts);
            out.writeOptionalLong(pages);
            out.writeOptionalString(note);
            out.writeOptionalWriteable(lastError);
        }

        /** Everything up to {@code to} is stored. */
        public ScopeStatus withCheckpoint(Instant to) {
            return new ScopeStatus(scope, to, lastPollCounts, pages, note, lastError);
        }

        /** A poll of the scope ended: its counts, the pages GitLab sent, and the note it deserves or none. */
        public ScopeStatus polled(PollCounts counts, long pagesFetched, String noteOrNull) {
            return new ScopeStatus(scope, checkpoint, counts, pagesFetched, noteOrNull, lastError);
        }

        public ScopeStatus withLastError(PollError error) {
            return new ScopeStatus(scope, checkpoint, lastPollCounts, pages, note, error);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            builder.field("scope", scope);
            optional(builder, "checkpoint", checkpoint);
            optional(builder, "last_poll_counts", lastPollCounts, params);
            if (pages != null) builder.field("pages", pages);
            if (note != null) builder.field("note", note);
            optional(builder, "last_error", lastError, params);
            return builder.endObject();
        }

        static ScopeStatus fromStored(Map<?, ?> stored) {
            return new ScopeStatus(
                    (String) stored.get("scope"),
                    instant(stored, "checkpoint"),
                    counts(stored, "last_poll_counts"),
                    number(stored, "pages"),
                    string(stored, "note"),
                    stored.get("last_error") instanceof Map<?, ?> e ? PollError.fromStored(e) : null);
        }
    }

    /**
     * Why a poll, or one scope of it, failed: GitLab's words (or the cluster's) and what to check; never the token.
     *
     * @param scope {@code null} when the whole poll failed before any scope
     * @param httpStatus GitLab's HTTP status; {@code null} when there was no answer or no request
     */
    public record PollError(Instant at, String scope, Integer httpStatus, String message, String hint)
            implements Writeable, ToXContentObject {

        public PollError(StreamInput in) throws IOException {
            this(
                    in.readOptionalInstant(),
                    in.readOptionalString(),
                    in.readOptionalInt(),
                    in.readOptionalString(),
                    in.readOptionalString());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeOptionalInstant(at);
            out.writeOptionalString(scope);
            out.writeOptionalInt(httpStatus);
            out.writeOptionalString(message);
            out.writeOptionalString(hint);
        }

        /** Every field is shown, {@code null} when unset: the health records and the docs name all five. */
        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject()
                    .field("at", text(at))
                    .field("scope", scope)
                    .field("http_status", httpStatus)
                    .field("message", message)
                    .field("hint", hint)
                    .endObject();
        }

        static PollError fromStored(Map<?, ?> stored) {
            Long status = number(stored, "http_status");
            return new PollError(
                    instant(stored, "at"),
                    string(stored, "scope"),
                    status == null ? null : status.intValue(),
                    string(stored, "message"),
                    string(stored, "hint"));
        }
    }

    // ---- rendering and reading
    // ---------------------------------------------------------------------------------------

    /** Instants as {@link Instant#toString} writes them (the builder's own date format would add milliseconds). */
    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static void optional(XContentBuilder builder, String field, Instant value) throws IOException {
        if (value != null) builder.field(field, value.toString());
    }

    private static void optional(XContentBuilder builder, String field, ToXContent value, Params params)
            throws IOException {
        if (value != null) {
            builder.field(field);
            value.toXContent(builder, params);
        }
    }

    private static String string(Map<?, ?> m, String key) {
        return m.get(key) instanceof String s ? s : null;
    }

    private static Long number(Map<?, ?> m, String key) {
        return m.get(key) instanceof Number n ? n.longValue() : null;
    }

    private static PollCounts counts(Map<?, ?> m, String key) {
        return m.get(key) instanceof Map<?, ?> counts ? PollCounts.fromStored(counts) : null;
    }

    private static Instant instant(Map<?, ?> m, String key) {
        if (m.get(key) instanceof String s) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }
}
