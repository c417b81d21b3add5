/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.testdata.AuditEventGenerator;
import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Nothing acknowledged that is not stored: an event the pipeline accepted but its month index refuses (a
 * write-blocked month) is kept in the dead-letter index and reported as late; an event that cannot be stored even
 * there is answered with a retriable status and Retry-After, never 200 and never 500.
 */
public class ReliabilityIT extends DevopsAuditRestTestCase {

    private static String event(long id) {
        return "{\"id\":" + id
                + ",\"author_id\":7,\"entity_id\":12,\"entity_type\":\"Project\",\"event_name\":\"project_visibility_level_updated\","
                + "\"details\":{\"author_name\":\"alice\",\"entity_path\":\"acme/late\"},\"created_at\":\"2021-02-10T10:00:00Z\"}";
    }

    /** The index exists afterwards (a late event may have created it already). */
    private static void ensureIndex(String index) throws Exception {
        if (client().performRequest(new Request("HEAD", "/" + index))
                        .getStatusLine()
                        .getStatusCode()
                == 404) {
            call("PUT", "/" + index, null);
        }
    }

    /**
     * Retention's warm step on (40 days: the 2021 months are ones it blocks) or off. A write block on an event month the
     * warm step does not block makes the index nonconforming instead of its events late (IndexConformanceIT), so the
     * tests that block a month by hand, as the warm step would, turn the step on.
     */
    private static void warmStep(boolean on) throws Exception {
        call("PUT", "/_plugins/devops_audit/_retention", "{\"warm_after_days\": " + (on ? "40" : "null") + "}");
    }

    private static void block(String index, boolean on) throws Exception {
        call("PUT", "/" + index + "/_settings", "{\"index.blocks.write\": " + on + "}");
    }

    /** Dead letters written after a refused write whose raw event has this id (the raw text is kept, not indexed). */
    @SuppressWarnings("unchecked")
    private static long deadLettersOf(long id) throws Exception {
        client().performRequest(new Request("POST", "/devops-audit-failed-*/_refresh"));
        Map<String, Object> r = call(
                "POST",
                "/devops-audit-failed-*/_search",
                "{\"size\": 1000, \"query\": {\"term\": {\"event.kind\": \"write_error\"}}}");
        List<Map<String, Object>> hits = (List<Map<String, Object>>) ((Map<String, Object>) r.get("hits")).get("hits");
        return hits.stream()
                .map(h -> (Map<String, Object>) h.get("_source"))
                .filter(src -> src.get("message").toString().contains("\"id\":" + id + ","))
                .peek(src ->
                        assertEquals("cluster_block_exception", ((Map<String, Object>) src.get("error")).get("type")))
                .count();
    }

    @SuppressWarnings("unchecked")
    public void testAWriteBlockedMonthIsLateNotLostAndNothingStoredIsRetriable() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\": 0}");
        String month = "devops-audit-gitlab-2021.02";
        String deadLetter = "devops-audit-failed-"
                + DateTimeFormatter.ofPattern("yyyy.MM", Locale.ROOT).format(ZonedDateTime.now(ZoneOffset.UTC));
        long id = 9_500_000L + randomIntBetween(0, 10_000) * 10L;
        assertEquals(1, ImportIT.importText("", event(id)).get("indexed")); // creates the month
        warmStep(true);
        block(month, true);
        try {
            Map<String, Object> report = ImportIT.importText("", event(id + 1));
            assertEquals(report.toString(), 1, report.get("late"));
            assertEquals(0, report.get("indexed"));
            assertEquals(0, report.get("failed"));
            assertEquals(1, deadLettersOf(id + 1));
            Map<String, Object> failure = ((List<Map<String, Object>>) report.get("failures")).get(0);
            assertEquals(1, failure.get("record"));
            assertTrue(
                    failure.toString(),
                    failure.get("reason").toString().startsWith("late: " + month + " is write-blocked"));

            // the dead-letter month refuses too: nothing can be stored, so the sender is told to come back
            ensureIndex(deadLetter);
            block(deadLetter, true);
            try {
                ResponseException e =
                        expectThrows(ResponseException.class, () -> ImportIT.importText("", event(id + 2)));
                int status = e.getResponse().getStatusLine().getStatusCode();
                assertTrue("retriable, not " + status, status == 429 || status == 503);
                assertEquals("30", e.getResponse().getHeader("Retry-After"));
            } finally {
                block(deadLetter, false);
            }
            assertEquals("it was not stored", 0, deadLettersOf(id + 2));
            // sent again once the dead-letter index takes writes: kept, late
            assertEquals(1, ImportIT.importText("", event(id + 2)).get("late"));
            assertEquals(1, deadLettersOf(id + 2));
        } finally {
            block(month, false);
            warmStep(false);
        }
    }

    @SuppressWarnings("unchecked")
    public void testTheReceiverAcknowledgesOnlyStoredEvents() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\": 0}");
        String month = "devops-audit-gitlab-2021.02";
        long id = 9_600_000L + randomIntBetween(0, 10_000) * 10L;
        assertEquals(1, ImportIT.importText("", event(id)).get("indexed"));
        String token = "rel-" + randomAlphaOfLength(16);
        StreamIT.keystore(token);
        warmStep(true);
        block(month, true);
        try {
            Map<String, Object> answer = entityAsMap(
                    StreamIT.send(token, "application/json", "[" + event(id + 1) + "," + event(id + 2) + "]", null));
            assertEquals(answer.toString(), 2, answer.get("late"));
            assertEquals(2, deadLettersOf(id + 1) + deadLettersOf(id + 2));
        } finally {
            block(month, false);
            warmStep(false);
            StreamIT.keystore(null);
        }
    }

    /** The disk flood-stage block (read-only-allow-delete) on the month and on the dead letters: 429, nothing claimed. */
    public void testTheFloodStageBlockIsRetriable() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\": 0}");
        String month = "devops-audit-gitlab-2021.02";
        String deadLetter = "devops-audit-failed-"
                + DateTimeFormatter.ofPattern("yyyy.MM", Locale.ROOT).format(ZonedDateTime.now(ZoneOffset.UTC));
        long id = 9_700_000L + randomIntBetween(0, 10_000) * 10L;
        assertEquals(1, ImportIT.importText("", event(id)).get("indexed"));
        ensureIndex(deadLetter);
        String token = "flood-" + randomAlphaOfLength(16);
        StreamIT.keystore(token);
        for (String index : List.of(month, deadLetter)) {
            call("PUT", "/" + index + "/_settings", "{\"index.blocks.read_only_allow_delete\": true}");
        }
        try {
            ResponseException e = expectThrows(
                    ResponseException.class, () -> StreamIT.send(token, "application/json", event(id + 1), null));
            assertEquals(429, e.getResponse().getStatusLine().getStatusCode());
            assertEquals("30", e.getResponse().getHeader("Retry-After"));
        } finally {
            for (String index : List.of(month, deadLetter)) {
                call("PUT", "/" + index + "/_settings", "{\"index.blocks.read_only_allow_delete\": null}");
            }
            StreamIT.keystore(null);
        }
        assertEquals("nothing was claimed", 0, deadLettersOf(id + 1));
    }

    /**
     * A node restart in the middle of a large import: whatever part was stored, running the same import again leaves
     * exactly one document per event and reports the rest as duplicates.
     */
    public void testANodeRestartDuringAnImportLosesNothingAndCountsNothingTwice() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\": 0}");
        int events = 60_000;
        long base = 20_000_000L;
        StringBuilder body = new StringBuilder();
        AuditEventGenerator gen = new AuditEventGenerator(random().nextLong());
        for (int i = 0; i < events; i++) {
            body.append(gen.gitlab(base + i).renderings().get(0)).append('\n');
        }
        String file = body.toString();
        Thread importer = new Thread(() -> {
            try {
                ImportIT.importText("", file);
            } catch (Exception expected) {
                // the node goes away under the request
            }
        });
        importer.start();
        Thread.sleep(1500);
        cli(null, 330, "node-restart", "--home", nodeHome());
        ensureHealth(req -> req.addParameter("wait_for_status", "yellow"));
        importer.join(120_000);

        Map<String, Object> again = ImportIT.importText("", file);
        assertEquals(again.toString(), events, again.get("received"));
        assertEquals(0, again.get("failed"));
        long stored = ImportIT.count("devops-audit-gitlab-*");
        assertEquals("one document per event", events, stored);
        assertEquals(
                "what the first run stored counts as duplicates now",
                events,
                ((Number) again.get("indexed")).longValue() + ((Number) again.get("duplicates")).longValue());
        logger.info(
                "restart during import: the second run indexed {} and found {} duplicates",
                again.get("indexed"),
                again.get("duplicates"));
    }
}
