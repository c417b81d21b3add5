/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import io.devopsaudit.parse.JsonText;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A collector's status: the documents earlier versions stored (a JSON text built from a map, in this key order) read
 * back and are written again, and shown, as the very same text; odd or partial documents read tolerantly; every
 * status crosses the wire.
 */
public class CollectorStatusTests extends OpenSearchTestCase {

    /** An ordered map that may hold nulls, as the status maps of earlier versions did. */
    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    private static Map<String, Object> counts(long fetched, long skipped, long indexed, long duplicates) {
        return map(
                "fetched",
                fetched,
                "skipped",
                skipped,
                "indexed",
                indexed,
                "duplicates",
                duplicates,
                "conflicts",
                0L,
                "failed",
                0L,
                "nonconforming",
                0L);
    }

    private static Map<String, Object> error(String scope, Integer httpStatus, String message) {
        return map(
                "at",
                "2024-03-02T10:00:01Z",
                "scope",
                scope,
                "http_status",
                httpStatus,
                "message",
                message,
                "hint",
                "check the token");
    }

    /** A poll that stored everything, after an earlier failure, with a scope GitLab returned nothing for. */
    static Map<String, Object> okDocument() {
        return map(
                "state",
                "ok",
                "trigger",
                "schedule",
                "node",
                "node-1",
                "last_poll",
                "2024-03-02T10:00:00Z",
                "last_success",
                "2024-03-02T10:00:00Z",
                "next_poll",
                "2024-03-02T11:00:00Z",
                "last_poll_counts",
                counts(3, 1, 2, 0),
                "totals",
                counts(30, 2, 25, 3),
                "requests",
                4L,
                "retries",
                1L,
                "scopes",
                List.of(
                        map(
                                "scope",
                                "instance",
                                "checkpoint",
                                "2024-03-02T10:00:00Z",
                                "last_poll_counts",
                                counts(3, 1, 2, 0),
                                "pages",
                                2L),
                        map(
                                "scope",
                                "group:acme",
                                "checkpoint",
                                "2024-03-02T10:00:00.250Z",
                                "last_poll_counts",
                                counts(0, 0, 0, 0),
                                "pages",
                                1L,
                                "note",
                                "GitLab returned no events since [2024-01-01T00:00:00Z]")),
                "last_error",
                error("group:acme", 401, "401 Unauthorized"),
                "token_generation",
                3L);
    }

    /** A scope failed: its row and the status carry GitLab's words; the last success is an earlier poll's. */
    static Map<String, Object> errorDocument() {
        return map(
                "state",
                "error",
                "trigger",
                "manual",
                "node",
                "node-2",
                "last_poll",
                "2024-03-02T10:00:00Z",
                "last_success",
                "2024-03-01T10:00:00Z",
                "next_poll",
                "2024-03-02T11:00:00Z",
                "last_poll_counts",
                counts(0, 0, 0, 0),
                "totals",
                counts(30, 2, 25, 3),
                "requests",
                7L,
                "retries",
                6L,
                "scopes",
                List.of(map(
                        "scope",
                        "project:acme/web",
                        "checkpoint",
                        "2024-03-01T10:00:00Z",
                        "last_poll_counts",
                        counts(1, 0, 1, 0),
                        "pages",
                        1L,
                        "last_error",
                        error("project:acme/web", 500, "500 Internal Server Error"))),
                "last_error",
                error("project:acme/web", 500, "500 Internal Server Error"),
                "token_generation",
                0L);
    }

    /** No token: nothing was sent (no requests), the scopes keep bare rows, nothing ever succeeded. */
    static Map<String, Object> missingTokenDocument() {
        return map(
                "state",
                "missing_token",
                "trigger",
                "schedule",
                "node",
                "node-1",
                "last_poll",
                "2024-03-02T10:00:00Z",
                "last_success",
                null,
                "next_poll",
                "2024-03-02T10:05:00Z",
                "last_poll_counts",
                counts(0, 0, 0, 0),
                "totals",
                counts(0, 0, 0, 0),
                "scopes",
                List.of(map("scope", "instance")),
                "last_error",
                error(null, null, "no token"),
                "token_generation",
                0L);
    }

    private static void assertStoredTextReadsAndWritesBackTheSame(Map<String, Object> document) throws IOException {
        String text = JsonText.write(document);
        CollectorStatus status = CollectorStatus.fromStored((Map<?, ?>) JsonText.parse("collector", "status", text));
        assertEquals(text, status.toStoredJson());
        assertEquals(status, CollectorStatus.fromStored(status.toMap()));
        assertEquals(status, wire(status));
    }

    private static CollectorStatus wire(CollectorStatus status) throws IOException {
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            status.writeTo(out);
            try (StreamInput in = out.bytes().streamInput()) {
                CollectorStatus read = new CollectorStatus(in);
                assertEquals("every byte is read back", 0, in.available());
                return read;
            }
        }
    }

    public void testEarlierDocumentsReadAndWriteBackAsTheSameText() throws IOException {
        assertStoredTextReadsAndWritesBackTheSame(okDocument());
        assertStoredTextReadsAndWritesBackTheSame(errorDocument());
        assertStoredTextReadsAndWritesBackTheSame(missingTokenDocument());
        assertStoredTextReadsAndWritesBackTheSame(map("state", "never_polled"));
        // a poll under way: the status before it, with when and why it started
        Map<String, Object> polling = okDocument();
        polling.put("polling_since", "2024-03-02T11:00:00Z");
        polling.put("polling_trigger", "manual");
        assertStoredTextReadsAndWritesBackTheSame(polling);
        assertStoredTextReadsAndWritesBackTheSame(
                map("state", "never_polled", "polling_since", "2024-03-02T11:00:00Z", "polling_trigger", "schedule"));
        // a configuration changed after a poll: due at the next tick
        Map<String, Object> changed = okDocument();
        changed.remove("next_poll");
        assertStoredTextReadsAndWritesBackTheSame(changed);
    }

    public void testTypedFieldsOfAStoredStatus() {
        CollectorStatus s = CollectorStatus.fromStored(errorDocument());
        assertEquals(CollectorStatus.State.ERROR, s.state());
        assertEquals(Instant.parse("2024-03-01T10:00:00Z"), s.lastSuccess());
        assertEquals(new PollCounts(30, 2, 25, 3, 0, 0, 0), s.totals());
        assertEquals(Long.valueOf(6), s.retries());
        assertEquals(Integer.valueOf(500), s.lastError().httpStatus());
        CollectorStatus.ScopeStatus row = s.scopes().get(0);
        assertEquals("project:acme/web", row.scope());
        assertEquals(Instant.parse("2024-03-01T10:00:00Z"), row.checkpoint());
        assertEquals(s.lastError(), row.lastError());
        assertTrue(s.polled());
        assertFalse(CollectorStatus.NEVER_POLLED.polled());
        assertNull(CollectorStatus.fromStored(missingTokenDocument()).requests());
    }

    public void testChangesKeepEverythingElse() {
        CollectorStatus s = CollectorStatus.fromStored(okDocument());
        CollectorStatus changed = s.withoutNextPoll();
        assertNull(changed.nextPoll());
        Map<String, Object> expected = okDocument();
        expected.remove("next_poll");
        assertEquals(JsonText.write(expected), changed.toStoredJson());

        Instant since = Instant.parse("2024-03-02T11:00:00Z");
        List<CollectorStatus.ScopeStatus> soFar =
                List.of(s.scopes().get(0).withCheckpoint(since), s.scopes().get(1));
        CollectorStatus polling = s.polling(since, "manual", soFar);
        assertEquals("the last poll's trigger stays", "schedule", polling.trigger());
        assertEquals("manual", polling.pollingTrigger());
        assertEquals(since, polling.pollingSince());
        assertEquals(since, polling.scopes().get(0).checkpoint());
        assertEquals(s.totals(), polling.totals());

        CollectorStatus.ScopeStatus row = CollectorStatus.ScopeStatus.of("instance")
                .withCheckpoint(since)
                .polled(new PollCounts(1, 0, 1, 0, 0, 0, 0), 1, null)
                .withLastError(s.lastError());
        assertEquals(
                new CollectorStatus.ScopeStatus(
                        "instance", since, new PollCounts(1, 0, 1, 0, 0, 0, 0), 1L, null, s.lastError()),
                row);
        assertNull(row.withLastError(null).lastError());
    }

    public void testOddOrPartialDocumentsReadTolerantly() {
        // a first poll's progress as earlier versions stored it, without a state: never polled, a poll under way
        Map<String, Object> progress = map(
                "polling_since",
                "2024-03-02T10:00:00Z",
                "polling_trigger",
                "schedule",
                "scopes",
                List.of(map("scope", "instance", "checkpoint", "2024-01-02T00:00:00Z")));
        CollectorStatus s = CollectorStatus.fromStored(progress);
        assertEquals(CollectorStatus.State.NEVER_POLLED, s.state());
        assertEquals(
                "{\"state\":\"never_polled\",\"scopes\":[{\"scope\":\"instance\",\"checkpoint\":\"2024-01-02T00:00:00Z\"}],"
                        + "\"polling_since\":\"2024-03-02T10:00:00Z\",\"polling_trigger\":\"schedule\"}",
                s.toStoredJson());

        // unknown fields, a count this version lacks or misses, a state it does not know, an unreadable instant,
        // a row without its scope
        Map<String, Object> odd = okDocument();
        odd.put("state", "paused");
        odd.put("next_poll", "soon");
        odd.put("future_field", List.of(1, 2));
        odd.put("totals", map("fetched", 5, "renamed_count", 9));
        odd.put("scopes", List.of(map("checkpoint", "2024-01-02T00:00:00Z"), map("scope", "instance", "pages", 2)));
        CollectorStatus read = CollectorStatus.fromStored(odd);
        assertEquals(CollectorStatus.State.ERROR, read.state());
        assertNull(read.nextPoll());
        assertEquals(new PollCounts(5, 0, 0, 0, 0, 0, 0), read.totals());
        assertEquals(List.of(new CollectorStatus.ScopeStatus("instance", null, null, 2L, null, null)), read.scopes());
        assertFalse(read.toMap().containsKey("future_field"));
        assertEquals(CollectorStatus.NEVER_POLLED, CollectorStatus.fromStored(Map.of()));
    }

    public void testEveryStatusCrossesTheWire() throws IOException {
        for (Map<String, Object> doc : List.of(okDocument(), errorDocument(), missingTokenDocument(), map())) {
            CollectorStatus s = CollectorStatus.fromStored(doc);
            assertEquals(s, wire(s));
            assertEquals(s.toStoredJson(), wire(s).toStoredJson());
        }
    }
}
