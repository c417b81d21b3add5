/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.collect.FakeGitlab;
import io.devopsaudit.parse.JsonText;
import io.devopsaudit.testdata.AuditEventGenerator;
import org.opensearch.client.Request;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stored event changes only for a copy that agrees with it, on every path: the streaming receiver and the import
 * endpoint, and a log shipper's bulk through the pipeline. A copy with the same id that says something else (another
 * action, another author) leaves the stored event as it was and is kept once as a conflict record with the
 * indicator {@code tamper_suspected}; an agreeing richer copy still replaces the stored one; and under concurrent
 * writers of agreeing and disagreeing copies the stored event is always an agreeing copy and every disagreeing copy
 * is kept exactly once.
 */
public class CustodyIT extends DevopsAuditRestTestCase {

    static final String PIPELINE = "devops-audit";

    private static Map<String, Object> apiEvent(long id, String action, long authorId, String author, String ip) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("author_name", author);
        details.put("author_class", "User");
        details.put("target_id", 42);
        details.put("target_type", "Project");
        details.put("target_details", "acme/payments");
        details.put("entity_path", "acme/payments");
        details.put("ip_address", ip);
        details.put("custom_message", "Project acme/payments " + action);
        Map<String, Object> api = new LinkedHashMap<>();
        api.put("id", id);
        api.put("author_id", authorId);
        api.put("entity_id", 42);
        api.put("entity_type", "Project");
        api.put("event_name", action);
        api.put("details", details);
        api.put("created_at", "2024-03-05T10:00:00.123Z");
        return api;
    }

    /** The same event as a streamed body (every key at the top level too). */
    private static Map<String, Object> streamBody(Map<String, Object> api) {
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) api.get("details");
        Map<String, Object> stream = new LinkedHashMap<>(api);
        stream.put("author_name", d.get("author_name"));
        stream.put("entity_path", d.get("entity_path"));
        stream.put("target_id", d.get("target_id"));
        stream.put("target_type", d.get("target_type"));
        stream.put("target_details", d.get("target_details"));
        stream.put("ip_address", d.get("ip_address"));
        stream.put("event_type", api.get("event_name"));
        return stream;
    }

    private static Map<String, Object> stored(String id) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> hit =
                (Map<String, Object>) firstHit("devops-audit-gitlab-*", "{\"ids\":{\"values\":[\"" + id + "\"]}}");
        return hit;
    }

    @SuppressWarnings("unchecked")
    private static Object firstHit(String indices, String query) throws Exception {
        List<Map<String, Object>> hits = hits(indices, query);
        assertEquals(hits.toString(), 1, hits.size());
        return hits.get(0).get("_source");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> hits(String indices, String query) throws Exception {
        client().performRequest(new Request("POST", "/" + indices + "/_refresh"));
        Map<String, Object> r = call(
                "POST",
                "/" + indices + "/_search",
                "{\"size\": 1000, \"seq_no_primary_term\": true, \"query\": " + query + "}");
        return (List<Map<String, Object>>) ((Map<String, Object>) r.get("hits")).get("hits");
    }

    private static List<Map<String, Object>> conflictRecords(String collidedId) throws Exception {
        return hits("devops-audit-failed-*", "{\"term\":{\"audit.conflict.id\":\"" + collidedId + "\"}}");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> field(Map<String, Object> source, String dotted) {
        Object node = source;
        for (String p : dotted.split("\\.")) node = ((Map<String, Object>) node).get(p);
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of("value", node);
    }

    private static Object value(Map<String, Object> source, String dotted) {
        return field(source, dotted).getOrDefault("value", field(source, dotted));
    }

    /** A shipper's bulk through the pipeline: one item per raw line. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> shipperBulk(List<String> lines) throws Exception {
        Bulk bulk = new Bulk();
        for (String raw : lines) {
            bulk.message("devops-audit-incoming", raw);
        }
        return Bulk.items(bulk.send(PIPELINE));
    }

    public void testAForgedStreamBodyCannotRewriteAnImportedEvent() throws Exception {
        SetupIT.setup();
        String token = "custody-" + randomAlphaOfLength(12);
        StreamIT.keystore(token);
        try {
            long id = 70_000_000L + randomIntBetween(0, 1_000_000);
            String docId = "gitlab:" + id;
            Map<String, Object> truth = apiEvent(id, "project_destroyed", 66, "mallory", "203.0.113.9");
            Map<String, Object> report = ImportIT.importText("", JsonText.write(truth) + "\n");
            assertEquals(report.toString(), 1, report.get("indexed"));

            String forged =
                    JsonText.write(streamBody(apiEvent(id, "project_feature_updated", 7, "alice", "198.51.100.23")));
            Map<String, Object> answer = entityAsMap(StreamIT.send(token, "application/json", forged, null));
            assertEquals(answer.toString(), 1, answer.get("conflicts"));
            assertEquals(answer.toString(), 0, answer.get("upgraded"));
            assertEquals(answer.toString(), 0, answer.get("indexed"));

            Map<String, Object> stored = stored(docId);
            assertEquals("project_destroyed", value(stored, "event.action"));
            assertEquals("mallory", value(stored, "user.name"));
            assertEquals("gitlab_api", value(stored, "audit.source_format"));

            List<Map<String, Object>> records = conflictRecords(docId);
            assertEquals(records.toString(), 1, records.size());
            @SuppressWarnings("unchecked")
            Map<String, Object> record = (Map<String, Object>) records.get(0).get("_source");
            assertEquals("conflicting_copy", value(record, "event.kind"));
            assertEquals(forged, value(record, "event.original"));
            assertEquals(List.of("event.action", "user.id"), value(record, "audit.conflict.fields"));
            assertEquals(List.of("tamper_suspected"), value(record, "audit.indicators"));
            assertEquals(List.of("DA-CUSTODY-001"), value(record, "rule.id"));
            assertEquals("high", value(record, "audit.severity"));
            assertTrue(value(record, "audit.conflict.index").toString().startsWith("devops-audit-gitlab-2024.03"));
            // a monitor finds it by its indicator
            assertEquals(
                    1,
                    hits(
                                    "devops-audit-failed-*",
                                    "{\"bool\":{\"filter\":[{\"term\":{\"audit.indicators\":"
                                            + "\"tamper_suspected\"}},{\"term\":{\"audit.conflict.id\":\"" + docId
                                            + "\"}}]}}")
                            .size());

            // the same forged body again: counted again, kept once
            answer = entityAsMap(StreamIT.send(token, "application/json", forged, null));
            assertEquals(answer.toString(), 1, answer.get("conflicts"));
            assertEquals(1, conflictRecords(docId).size());

            // an agreeing richer copy still replaces the stored one; an agreeing copy again is a duplicate
            String agreeing = JsonText.write(streamBody(truth));
            answer = entityAsMap(StreamIT.send(token, "application/json", agreeing, null));
            assertEquals(answer.toString(), 1, answer.get("upgraded"));
            answer = entityAsMap(StreamIT.send(token, "application/json", agreeing, null));
            assertEquals(answer.toString(), 1, answer.get("duplicates"));
            stored = stored(docId);
            assertEquals("gitlab_stream", value(stored, "audit.source_format"));
            assertEquals("mallory", value(stored, "user.name"));
            assertEquals("project_destroyed", value(stored, "event.action"));
        } finally {
            StreamIT.keystore(null);
        }
    }

    public void testAShipperCannotRewriteAStoredCsvRow() throws Exception {
        SetupIT.setup();
        long id = 80_000_000L + randomIntBetween(0, 1_000_000);
        String docId = "gitlab:" + id;
        Map<String, Object> truth = apiEvent(id, "project_visibility_level_updated", 66, "mallory", "203.0.113.9");
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) truth.get("details");
        d.remove("custom_message");
        d.put("change", "visibility_level");
        d.put("from", "Private");
        d.put("to", "Public");
        Map<String, Object> report = ImportIT.importText(
                "?format=gitlab_csv",
                RichestCopyIT.CSV_HEADER + "\n" + RichestCopyIT.csvRow(JsonText.write(truth)) + "\n");
        assertEquals(report.toString(), 1, report.get("indexed"));

        // an audit_json.log line with the same id, another author and another action
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("severity", "INFO");
        log.put("time", "2024-03-05T10:00:00.123Z");
        log.put("meta.remote_ip", "198.51.100.23");
        log.put("meta.user", "alice");
        log.put("id", id);
        log.put("author_id", 7);
        log.put("author_name", "alice");
        log.put("entity_id", 42);
        log.put("entity_type", "Project");
        log.put("entity_path", "acme/payments");
        log.put("event_name", "project_feature_updated");
        log.put("created_at", "2024-03-05T10:00:00.123Z");
        String forged = JsonText.write(log);
        List<Map<String, Object>> items = shipperBulk(List.of(forged));
        assertEquals(items.toString(), 201, ((Number) items.get(0).get("status")).intValue());
        assertTrue(items.toString(), items.get(0).get("_index").toString().startsWith("devops-audit-failed-"));
        String conflictId = items.get(0).get("_id").toString();
        assertTrue(conflictId, conflictId.startsWith("conflict:"));

        Map<String, Object> stored = stored(docId);
        assertEquals("gitlab_csv", value(stored, "audit.source_format"));
        assertEquals("mallory", value(stored, "user.name"));
        assertEquals("project_visibility_level_updated", value(stored, "event.action"));
        List<Map<String, Object>> records = conflictRecords(docId);
        assertEquals(records.toString(), 1, records.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> record = (Map<String, Object>) records.get(0).get("_source");
        assertEquals(List.of("event.action", "user.id"), value(record, "audit.conflict.fields"));
        assertEquals(forged, value(record, "event.original"));
        assertEquals(List.of("tamper_suspected"), value(record, "audit.indicators"));

        // re-sent by the shipper: the same record, kept once
        items = shipperBulk(List.of(forged));
        assertEquals(conflictId, items.get(0).get("_id"));
        assertEquals(1, conflictRecords(docId).size());

        // the agreeing log line of the event upgrades the CSV row; sent again it is a duplicate (noop, not an error)
        Map<String, Object> agreeing = new LinkedHashMap<>(log);
        agreeing.put("meta.remote_ip", "203.0.113.9");
        agreeing.put("meta.user", "mallory");
        agreeing.put("author_id", 66);
        agreeing.put("author_name", "mallory");
        agreeing.put("event_name", "project_visibility_level_updated");
        agreeing.put("change", "visibility_level");
        agreeing.put("from", "Private");
        agreeing.put("to", "Public");
        items = shipperBulk(List.of(JsonText.write(agreeing)));
        assertEquals(items.toString(), "updated", items.get(0).get("result"));
        items = shipperBulk(List.of(JsonText.write(agreeing)));
        assertEquals(items.toString(), "noop", items.get(0).get("result"));
        assertEquals(items.toString(), 200, ((Number) items.get(0).get("status")).intValue());
        stored = stored(docId);
        assertEquals("gitlab_log", value(stored, "audit.source_format"));
        assertEquals("mallory", value(stored, "user.name"));
    }

    /**
     * Four writers at once, half through the import endpoint and half as a shipper's bulk (which sends a 409 item
     * again, as docs/dedup.md asks), each mixing agreeing copies (log line, API object, streamed body) and forged
     * copies (another author and action, each sent twice) of events whose CSV row is already stored, plus agreeing
     * copies of events stored by nobody yet (so creators race too). Afterwards every event is stored as its
     * streamed copy, and every forged copy is kept exactly once.
     */
    @SuppressWarnings("unchecked")
    public void testConcurrentAgreeingAndDisagreeingWriters() throws Exception {
        SetupIT.setup();
        final int events = 60;
        final int forgeries = 2;
        AuditEventGenerator gen = new AuditEventGenerator(random().nextLong());
        long base = 90_000_000L + randomIntBetween(0, 100_000) * 1000L;
        List<String> copies = new ArrayList<>();
        Map<String, Map<String, Object>> truths = new HashMap<>();
        StringBuilder csv = new StringBuilder(RichestCopyIT.CSV_HEADER).append('\n');
        int forgedBodies = 0;
        for (int i = 0; i < events; i++) {
            List<String> r = gen.gitlab(base + i).renderings(); // api, stream, log
            Map<String, Object> api = (Map<String, Object>) JsonText.parse("gitlab_api", "test", r.get(0));
            truths.put("gitlab:" + (base + i), api);
            copies.add(r.get(0));
            copies.add(r.get(1));
            copies.add(r.get(2));
            copies.add(r.get(1)); // the streamed body redelivered
            if (i % 2 == 0) {
                csv.append(RichestCopyIT.csvRow(r.get(0))).append('\n');
                Map<String, Object> stream = (Map<String, Object>) JsonText.parse("gitlab_stream", "test", r.get(1));
                for (int f = 0; f < forgeries; f++) {
                    Map<String, Object> forged = new LinkedHashMap<>(stream);
                    forged.put("author_id", 5000 + f);
                    forged.put("author_name", "forger" + f);
                    forged.put("event_name", "project_feature_updated");
                    forged.put("event_type", "project_feature_updated");
                    String text = JsonText.write(forged);
                    copies.add(text);
                    copies.add(text); // sent twice: kept once
                    forgedBodies++;
                }
            }
        }
        Map<String, Object> pre = ImportIT.importText("?format=gitlab_csv", csv.toString());
        assertEquals(pre.toString(), (long) (events / 2), ((Number) pre.get("indexed")).longValue());
        Collections.shuffle(copies, random());

        Map<String, AtomicLong> outcome = new ConcurrentHashMap<>();
        for (String k : List.of("indexed", "upgraded", "duplicates", "conflicts", "failed")) {
            outcome.put(k, new AtomicLong());
        }
        int writers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            int per = (copies.size() + writers - 1) / writers;
            for (int w = 0; w < writers; w++) {
                List<String> mine =
                        copies.subList(Math.min(copies.size(), w * per), Math.min(copies.size(), (w + 1) * per));
                boolean shipper = w % 2 == 1;
                jobs.add(pool.submit(() -> {
                    for (int from = 0; from < mine.size(); from += 15) {
                        List<String> batch = mine.subList(from, Math.min(mine.size(), from + 15));
                        if (shipper) {
                            ship(batch, outcome);
                        } else {
                            Map<String, Object> report = ImportIT.importText("", String.join("\n", batch) + "\n");
                            for (String k : outcome.keySet()) {
                                outcome.get(k).addAndGet(((Number) report.get(k)).longValue());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) f.get(5, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }

        assertEquals(outcome.toString(), 0, outcome.get("failed").get());
        assertEquals(
                outcome.toString(), 2L * forgedBodies, outcome.get("conflicts").get());
        assertEquals(
                outcome.toString(),
                copies.size() - 2L * forgedBodies,
                outcome.get("indexed").get()
                        + outcome.get("upgraded").get()
                        + outcome.get("duplicates").get());
        assertEquals(
                "the events nobody had stored are created once each",
                events / 2,
                outcome.get("indexed").get());

        for (Map.Entry<String, Map<String, Object>> t : truths.entrySet()) {
            Map<String, Object> stored = stored(t.getKey());
            Map<String, Object> d = (Map<String, Object>) t.getValue().get("details");
            assertEquals(t.getKey(), "gitlab_stream", value(stored, "audit.source_format"));
            assertEquals(t.getKey(), d.get("author_name"), value(stored, "user.name"));
            assertEquals(t.getKey(), t.getValue().get("event_name"), value(stored, "event.action"));
        }
        List<Map<String, Object>> records = hits(
                "devops-audit-failed-*",
                "{\"bool\":{\"filter\":[{\"term\":{\"event.kind\":\"conflicting_copy\"}},{\"range\":{\"audit.conflict.id\":"
                        + "{\"gte\":\"gitlab:" + base + "\",\"lte\":\"gitlab:" + (base + events - 1) + "\"}}}]}}");
        assertEquals("every forged copy is kept exactly once", forgedBodies, records.size());
        for (Map<String, Object> hit : records) {
            Map<String, Object> source = (Map<String, Object>) hit.get("_source");
            // the author always differs; the action only where the stored copy names one (a CSV sentence may not)
            assertTrue(source.toString(), ((List<Object>) value(source, "audit.conflict.fields")).contains("user.id"));
        }
    }

    /** A collector's poll counts an object that disagrees with the stored event of its id as a conflict. */
    public void testACollectorCountsADisagreeingCopyAsAConflict() throws Exception {
        SetupIT.setup();
        String name = CollectorIT.name();
        String instance = name + "-gl";
        String token = "glpat-" + randomAlphaOfLength(20);
        StreamIT.keystoreSet("devops_audit.collector." + name + ".token", token);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long first = 95_000_000L + randomIntBetween(0, 1_000_000);
        try (FakeGitlab gitlab = new FakeGitlab(token)) {
            gitlab.add(first, 0, 3, 0, now.minusSeconds(60)); // three project events, by author 9 (alice)
            // already stored, same id and time: another author, another action
            Map<String, Object> forged = apiEvent(first, "project_destroyed", 66, "mallory", "203.0.113.9");
            forged.put("created_at", now.minusSeconds(61).toString());
            Map<String, Object> report = ImportIT.importText("?instance=" + instance, JsonText.write(forged) + "\n");
            assertEquals(report.toString(), 1, report.get("indexed"));

            String scopes = "[{\"project\":\"acme/web\"}]";
            call(
                    "PUT",
                    CollectorIT.BASE + name,
                    CollectorIT.config(gitlab.url(), scopes, instance, now.minus(2, ChronoUnit.HOURS)));
            Map<String, Object> status = CollectorIT.awaitState(name, "ok");
            assertEquals(status.toString(), 3, CollectorIT.total(status, "fetched"));
            assertEquals(status.toString(), 1, CollectorIT.total(status, "conflicts"));
            assertEquals(status.toString(), 2, CollectorIT.total(status, "indexed"));
            assertEquals(status.toString(), 0, CollectorIT.total(status, "failed"));
            String docId = "gitlab:" + instance + ":" + first;
            Map<String, Object> stored = stored(docId);
            assertEquals("mallory", value(stored, "user.name"));
            assertEquals("project_destroyed", value(stored, "event.action"));
            assertEquals(1, conflictRecords(docId).size());
        } finally {
            call("DELETE", CollectorIT.BASE + name, null);
            StreamIT.keystoreSet("devops_audit.collector." + name + ".token", null);
        }
    }

    /** A shipper that sends a 409 item again (it lost a race with another copy of its event), until resolved. */
    @SuppressWarnings("unchecked")
    private static void ship(List<String> batch, Map<String, AtomicLong> outcome) throws Exception {
        List<String> pending = batch;
        for (int attempt = 0; attempt < 10 && pending.isEmpty() == false; attempt++) {
            List<Map<String, Object>> items = shipperBulk(pending);
            List<String> again = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                Map<String, Object> item = items.get(i);
                int status = ((Number) item.get("status")).intValue();
                String index = String.valueOf(item.get("_index"));
                if (status == 409) {
                    again.add(pending.get(i));
                } else if (item.get("error") != null) {
                    outcome.get("failed").incrementAndGet();
                } else if ("noop".equals(item.get("result"))) {
                    outcome.get("duplicates").incrementAndGet();
                } else if (index.startsWith("devops-audit-failed-")) {
                    outcome.get(String.valueOf(item.get("_id")).startsWith("conflict:") ? "conflicts" : "failed")
                            .incrementAndGet();
                } else if ("updated".equals(item.get("result"))) {
                    outcome.get("upgraded").incrementAndGet();
                } else {
                    outcome.get("indexed").incrementAndGet();
                }
            }
            pending = again;
        }
        outcome.get("failed").addAndGet(pending.size());
    }
}
