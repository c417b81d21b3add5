/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.dedup.CopyIdentity;
import io.devopsaudit.parse.JsonText;
import io.devopsaudit.testdata.AuditEventGenerator;
import org.opensearch.action.get.MultiGetItemResponse;
import org.opensearch.action.get.MultiGetResponse;
import org.opensearch.index.IndexNotFoundException;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.test.OpenSearchTestCase;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** The identity comparison of two copies of an event, and what the processor makes of a copy given the stored one. */
public class CustodyTests extends OpenSearchTestCase {

    private static final String CSV_HEADER = "ID,Author ID,Author Name,Entity ID,Entity Type,Entity Path,Target ID,"
            + "Target Type,Target Details,Action,IP Address,Created At (UTC)";

    /** A GitLab API object: event 51001, project destroyed by mallory (author 66). */
    private static Map<String, Object> apiEvent(String action, int authorId, String author, String created) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("author_name", author);
        details.put("author_class", "User");
        details.put("target_id", 42);
        details.put("target_type", "Project");
        details.put("target_details", "acme/payments");
        details.put("entity_path", "acme/payments");
        details.put("ip_address", "203.0.113.9");
        details.put("custom_message", "Project destroyed");
        Map<String, Object> api = new LinkedHashMap<>();
        api.put("id", 51001);
        api.put("author_id", authorId);
        api.put("entity_id", 42);
        api.put("entity_type", "Project");
        api.put("event_name", action);
        api.put("details", details);
        api.put("created_at", created);
        return api;
    }

    private static IngestDocument processed(String raw) {
        Map<String, Object> source = new HashMap<>();
        source.put("message", raw);
        IngestDocument doc = new IngestDocument("devops-audit-incoming", null, null, null, null, source);
        ProcessorTestAccess.create(Map.of("field", "message")).execute(doc);
        return doc;
    }

    private static Map<String, Object> record(String raw) {
        return processed(raw).getSourceAndMetadata();
    }

    private static Map<String, Object> flat(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            String[] path = ((String) kv[i]).split("\\.");
            Map<String, Object> node = m;
            for (int p = 0; p < path.length - 1; p++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next =
                        (Map<String, Object>) node.computeIfAbsent(path[p], k -> new LinkedHashMap<String, Object>());
                node = next;
            }
            node.put(path[path.length - 1], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, Object> base() {
        return flat(
                "event.provider", "gitlab",
                "audit.instance", "gitlab.example.com",
                "event.id", "51001",
                "event.action", "project_destroyed",
                "user.id", "66",
                "user.name", "mallory",
                "@timestamp", "2024-03-05T10:00:00.123Z",
                "audit.scope.path", "acme/payments",
                "audit.source_format", "gitlab_api");
    }

    private static Map<String, Object> with(String field, Object value) {
        Map<String, Object> m = base();
        String[] path = field.split("\\.");
        @SuppressWarnings("unchecked")
        Map<String, Object> node = m;
        for (int p = 0; p < path.length - 1; p++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> next = (Map<String, Object>) node.get(path[p]);
            node = next;
        }
        if (value == null) node.remove(path[path.length - 1]);
        else node.put(path[path.length - 1], value);
        return m;
    }

    public void testIdenticalCopiesAgree() {
        assertEquals(List.of(), CopyIdentity.disagreements(base(), base()));
    }

    public void testEachIdentityFieldThatDiffersIsReported() {
        assertEquals(List.of("event.provider"), CopyIdentity.disagreements(base(), with("event.provider", "circleci")));
        assertEquals(List.of("audit.instance"), CopyIdentity.disagreements(base(), with("audit.instance", "other")));
        assertEquals(List.of("event.id"), CopyIdentity.disagreements(base(), with("event.id", "51002")));
        assertEquals(
                List.of("event.action"),
                CopyIdentity.disagreements(base(), with("event.action", "project_feature_updated")));
        assertEquals(List.of("user.id"), CopyIdentity.disagreements(base(), with("user.id", "7")));
        assertEquals(
                List.of("@timestamp"),
                CopyIdentity.disagreements(base(), with("@timestamp", "2024-03-05T10:00:00.124Z")));
        assertEquals(
                List.of("audit.scope.path"),
                CopyIdentity.disagreements(base(), with("audit.scope.path", "acme/other")));
    }

    public void testAValueLeftOutDisagrees() {
        // a copy without the scope or without any author must not replace the stored one's
        assertEquals(List.of("audit.scope.path"), CopyIdentity.disagreements(base(), with("audit.scope.path", null)));
        Map<String, Object> anonymous = with("user.id", null);
        @SuppressWarnings("unchecked")
        Map<String, Object> user = (Map<String, Object>) anonymous.get("user");
        user.remove("name");
        assertEquals(List.of("user.name"), CopyIdentity.disagreements(base(), anonymous));
        assertEquals(List.of("event.action"), CopyIdentity.disagreements(base(), with("event.action", null)));
    }

    public void testTheActorIsComparedByIdWhereBothHaveOneElseByName() {
        // both have an id: the ids decide, a renamed account (same id) agrees
        assertEquals(List.of(), CopyIdentity.disagreements(base(), with("user.name", "mallory.renamed")));
        // one copy has no id: the names decide
        assertEquals(List.of(), CopyIdentity.disagreements(base(), with("user.id", null)));
        Map<String, Object> noIdOtherName = with("user.id", null);
        @SuppressWarnings("unchecked")
        Map<String, Object> user = (Map<String, Object>) noIdOtherName.get("user");
        user.put("name", "alice");
        assertEquals(List.of("user.name"), CopyIdentity.disagreements(base(), noIdOtherName));
    }

    public void testACsvCopyAgreesToTheSecond() {
        Map<String, Object> csv = with("@timestamp", "2024-03-05T10:00:00.000Z");
        @SuppressWarnings("unchecked")
        Map<String, Object> audit = (Map<String, Object>) csv.get("audit");
        audit.put("source_format", "gitlab_csv");
        assertEquals(List.of(), CopyIdentity.disagreements(base(), csv));
        assertEquals(List.of(), CopyIdentity.disagreements(csv, base()));
        audit.put("source_format", "gitlab_log");
        assertEquals(
                "two millisecond formats compare to the millisecond",
                List.of("@timestamp"),
                CopyIdentity.disagreements(base(), csv));
        Map<String, Object> nextSecond = with("@timestamp", "2024-03-05T10:00:01.000Z");
        @SuppressWarnings("unchecked")
        Map<String, Object> a2 = (Map<String, Object>) nextSecond.get("audit");
        a2.put("source_format", "gitlab_csv");
        assertEquals(List.of("@timestamp"), CopyIdentity.disagreements(base(), nextSecond));
    }

    public void testAnUnnamedActionIsNotCompared() {
        assertEquals(List.of(), CopyIdentity.disagreements(with("event.action", "audit_operation"), base()));
        assertEquals(List.of(), CopyIdentity.disagreements(base(), with("event.action", "audit_operation")));
    }

    /** The real formats: an API object and the CSV row of the same event agree; a forged stream body does not. */
    public void testRealCopiesOfOneEventAgreeAndAForgedBodyDoesNot() {
        String api = JsonText.write(apiEvent("project_destroyed", 66, "mallory", "2024-03-05T10:00:00.123Z"));
        String csv = CSV_HEADER + "\n51001,66,mallory,42,Project,acme/payments,42,Project,acme/payments,"
                + "Project destroyed,203.0.113.9,2024-03-05 10:00:00";
        Map<String, Object> stored = record(csv);
        Map<String, Object> apiCopy = record(api);
        assertEquals(stored.get("_id"), apiCopy.get("_id"));
        assertEquals(List.of(), CopyIdentity.disagreements(stored, apiCopy));

        Map<String, Object> forged = apiEvent("project_feature_updated", 7, "alice", "2024-03-05T10:00:00.123Z");
        forged.put("event_type", "project_feature_updated");
        forged.put("author_name", "alice");
        forged.put("entity_path", "acme/payments");
        forged.put("ip_address", "198.51.100.23");
        Map<String, Object> forgedCopy = record(JsonText.write(forged));
        assertEquals("gitlab_stream", ((Map<?, ?>) forgedCopy.get("audit")).get("source_format"));
        assertEquals(stored.get("_id"), forgedCopy.get("_id"));
        assertEquals(List.of("event.action", "user.id"), CopyIdentity.disagreements(record(api), forgedCopy));
        // this CSV sentence names no known action (audit_operation): the author id alone tells the copies apart
        assertEquals("audit_operation", ((Map<?, ?>) stored.get("event")).get("action"));
        assertEquals(List.of("user.id"), CopyIdentity.disagreements(stored, forgedCopy));
    }

    public void testADisagreeingCopyBecomesAConflictRecord() {
        String api = JsonText.write(apiEvent("project_destroyed", 66, "mallory", "2024-03-05T10:00:00.123Z"));
        String forged = JsonText.write(apiEvent("project_feature_updated", 7, "alice", "2024-03-05T10:00:00.123Z"));
        IngestDocument copy = processed(forged);
        IngestDocument out = Custody.decide(copy, record(api), 5, 1, 3);
        assertSame(copy, out);
        assertTrue(out.getFieldValue("_index", String.class).startsWith("devops-audit-failed-"));
        assertTrue(out.getFieldValue("_id", String.class).startsWith(Custody.CONFLICT_ID_PREFIX));
        assertEquals("conflicting_copy", out.getFieldValue("event.kind", String.class));
        assertEquals(forged, out.getFieldValue("event.original", String.class));
        assertEquals("gitlab:51001", out.getFieldValue("audit.conflict.id", String.class));
        assertEquals("devops-audit-gitlab-2024.03", out.getFieldValue("audit.conflict.index", String.class));
        assertEquals(List.of("event.action", "user.id"), out.getFieldValue("audit.conflict.fields", List.class));
        assertEquals(List.of("tamper_suspected"), out.getFieldValue("audit.indicators", List.class));
        assertEquals(List.of("DA-CUSTODY-001"), out.getFieldValue("rule.id", List.class));
        assertEquals("high", out.getFieldValue("audit.severity", String.class));
        assertEquals(3, (int) out.getFieldValue("event.severity", Integer.class));
        assertFalse("the forged event's fields are not kept as an event", out.hasField("event.action"));
        assertFalse(out.hasField("user.name"));
        assertEquals("internal", out.getFieldValue("_version_type", String.class));
        // the same copy again gets the same record id: kept once
        IngestDocument again = Custody.decide(processed(forged), record(api), 9, 1, 3);
        assertEquals(out.getFieldValue("_id", String.class), again.getFieldValue("_id", String.class));
        IngestDocument other = Custody.decide(processed(forged.replace("alice", "eve")), record(api), 9, 1, 3);
        assertNotEquals(out.getFieldValue("_id", String.class), other.getFieldValue("_id", String.class));
    }

    public void testAnAgreeingRicherCopyReplacesExactlyTheComparedDocument() {
        String csv = CSV_HEADER + "\n51001,66,mallory,42,Project,acme/payments,42,Project,acme/payments,"
                + "Project destroyed,203.0.113.9,2024-03-05 10:00:00";
        IngestDocument api =
                processed(JsonText.write(apiEvent("project_destroyed", 66, "mallory", "2024-03-05T10:00:00.123Z")));
        IngestDocument out = Custody.decide(api, record(csv), 17, 2, 3);
        assertSame(api, out);
        assertEquals("devops-audit-gitlab-2024.03", out.getFieldValue("_index", String.class));
        assertEquals(17L, (long) out.getFieldValue("_if_seq_no", Long.class));
        assertEquals(2L, (long) out.getFieldValue("_if_primary_term", Long.class));
        assertEquals("internal", out.getFieldValue("_version_type", String.class));
    }

    public void testAnAgreeingCopyAsRichOrPoorerIsDropped() {
        String csv = CSV_HEADER + "\n51001,66,mallory,42,Project,acme/payments,42,Project,acme/payments,"
                + "Project destroyed,203.0.113.9,2024-03-05 10:00:00";
        String api = JsonText.write(apiEvent("project_destroyed", 66, "mallory", "2024-03-05T10:00:00.123Z"));
        assertNull(Custody.decide(processed(csv), record(api), 3, 1, 1));
        assertNull(Custody.decide(processed(api), record(api), 3, 1, 3));
    }

    /** On the node path, a copy of an event whose month has no index yet is written as a create. */
    public void testTheFirstCopyIsACreate() throws Exception {
        StoredEvents none = (keys, listener) -> listener.onResponse(new MultiGetResponse(keys.stream()
                .map(k -> new MultiGetItemResponse(
                        null, new MultiGetResponse.Failure(k.index(), k.id(), new IndexNotFoundException(k.index()))))
                .toArray(MultiGetItemResponse[]::new)));
        DevopsAuditProcessor p = new DevopsAuditProcessor.Factory(
                        io.devopsaudit.TestSupport.READER,
                        io.devopsaudit.TestSupport.NORMALIZER,
                        io.devopsaudit.TestSupport.RULES,
                        new IntakeBounds(),
                        none)
                .create(null, "t", null, new HashMap<>(Map.of("field", "message")));
        Map<String, Object> source = new HashMap<>();
        source.put("message", JsonText.write(apiEvent("project_destroyed", 66, "mallory", "2024-03-05T10:00:00Z")));
        AtomicReference<IngestDocument> result = new AtomicReference<>();
        AtomicReference<Exception> error = new AtomicReference<>();
        p.execute(new IngestDocument("devops-audit-incoming", null, null, null, null, source), (d, e) -> {
            result.set(d);
            error.set(e);
        });
        assertNull(error.get());
        assertEquals(1L, (long) result.get().getFieldValue("_version", Long.class));
        assertEquals("external", result.get().getFieldValue("_version_type", String.class));
        assertEquals("gitlab:51001", result.get().getFieldValue("_id", String.class));
    }

    /** A read that fails as a whole (a full get queue) also writes a create: it cannot replace a stored event. */
    public void testAFailedReadIsWrittenAsACreate() throws Exception {
        StoredEvents refused = (keys, listener) -> listener.onFailure(new IllegalStateException("get queue full"));
        DevopsAuditProcessor p = new DevopsAuditProcessor.Factory(
                        io.devopsaudit.TestSupport.READER,
                        io.devopsaudit.TestSupport.NORMALIZER,
                        io.devopsaudit.TestSupport.RULES,
                        new IntakeBounds(),
                        refused)
                .create(null, "t", null, new HashMap<>(Map.of("field", "message")));
        Map<String, Object> source = new HashMap<>();
        source.put("message", JsonText.write(apiEvent("project_destroyed", 66, "mallory", "2024-03-05T10:00:00Z")));
        AtomicReference<IngestDocument> result = new AtomicReference<>();
        p.execute(new IngestDocument("devops-audit-incoming", null, null, null, null, source), (d, e) -> {
            assertNull(e);
            result.set(d);
        });
        assertEquals(1L, (long) result.get().getFieldValue("_version", Long.class));
        assertEquals("external", result.get().getFieldValue("_version_type", String.class));
        assertFalse(result.get().hasField("_if_seq_no"));
    }

    /**
     * Every rendering of one generated event (GitLab API object, streamed body, log line; stream-only events
     * redelivered with fresh UUIDs under a fingerprint key; CircleCI JSON and CSV) agrees with the others: the
     * comparison must not turn honest copies into conflicts.
     */
    public void testEveryRenderingOfAnEventAgrees() {
        AuditEventGenerator gen = new AuditEventGenerator(random().nextLong());
        int compared = 0;
        for (int i = 0; i < 1_500; i++) {
            int kind = gen.random().nextInt(100);
            AuditEventGenerator.Event e =
                    kind < 10 ? gen.gitlabStreamOnly(3) : kind < 60 ? gen.gitlab(1_000_000L + i) : gen.circleci();
            Map<String, Object> first = null;
            for (String raw : e.renderings()) {
                Map<String, Object> copy = record(raw);
                if (first == null) {
                    first = copy;
                    continue;
                }
                assertEquals(raw, first.get("_id"), copy.get("_id"));
                assertEquals(raw, List.of(), CopyIdentity.disagreements(first, copy));
                compared++;
            }
        }
        assertTrue(compared > 1_500);
    }

    public void testTheIdOfAFingerprintedEventIsNotCompared() {
        Map<String, Object> stored = with("audit.dedup_key", "gitlab:fp:abc");
        Map<String, Object> redelivery = with("event.id", "another-uuid");
        @SuppressWarnings("unchecked")
        Map<String, Object> audit = (Map<String, Object>) redelivery.get("audit");
        audit.put("dedup_key", "gitlab:fp:abc");
        assertEquals(List.of(), CopyIdentity.disagreements(stored, redelivery));
        audit.put("dedup_key", "gitlab:51001");
        assertEquals(List.of("event.id"), CopyIdentity.disagreements(stored, redelivery));
    }
}
