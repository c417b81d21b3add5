/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.parse.AuditParseException;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.test.OpenSearchTestCase;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

public class DevopsAuditProcessorTests extends OpenSearchTestCase {

    static final String CIRCLECI =
            "{\"id\":\"4d8b0f5e-2d0c-4c53-9f0e-6b1f3c2a9e71\",\"action\":\"context.env_var.store\",\"version\":1,"
                    + "\"actor\":{\"id\":\"u1\",\"type\":\"user\",\"name\":\"jdoe\"},\"target\":{\"id\":\"c1\",\"type\":\"context\",\"name\":\"prod\"},"
                    + "\"scope\":{\"id\":\"o1\",\"type\":\"account\",\"name\":\"acme\"},\"occurred_at\":\"2024-03-08T14:22:05.123Z\",\"success\":true,"
                    + "\"request\":{\"id\":\"r1\",\"ip_address\":\"203.0.113.7\"}}";

    static final class TestJson {
        static Map<String, Object> map(String json) {
            return io.devopsaudit.TestSupport.parseJson(json);
        }
    }

    private static IngestDocument doc(Map<String, Object> source) {
        return new IngestDocument("idx", "1", null, null, null, new HashMap<>(source));
    }

    public void testFieldModeReplacesTheDocumentWithTheRecord() {
        IngestDocument d = doc(Map.of("message", CIRCLECI, "host", "collector-1"));
        ProcessorTestAccess.create(Map.of("field", "message")).execute(d);
        assertEquals("circleci", d.getFieldValue("event.provider", String.class));
        assertEquals("context.env_var.store", d.getFieldValue("event.action", String.class));
        assertEquals("2024-03-08T14:22:05.123Z", d.getFieldValue("@timestamp", String.class));
        assertEquals("203.0.113.7", d.getFieldValue("source.ip", String.class));
        assertEquals("circleci_json", d.getFieldValue("audit.source_format", String.class));
        assertEquals("the raw text is kept verbatim", CIRCLECI, d.getFieldValue("event.original", String.class));
        assertFalse("raw fields are replaced", d.hasField("message"));
        assertFalse(d.hasField("host"));
        assertEquals("routed by event month", "devops-audit-circleci-2024.03", d.getFieldValue("_index", String.class));
        assertEquals("circleci:4d8b0f5e-2d0c-4c53-9f0e-6b1f3c2a9e71", d.getFieldValue("_id", String.class));
        assertEquals(d.getFieldValue("_id", String.class), d.getFieldValue("audit.dedup_key", String.class));
        Instant.parse(d.getFieldValue("event.ingested", String.class));
    }

    /** event.ingested is each document's own pipeline start time, also for documents processed one after another. */
    public void testEventIngestedIsEachDocumentsIngestTimestamp() {
        DevopsAuditProcessor processor = ProcessorTestAccess.create(Map.of("field", "message"));
        String[][] startAndIngested = {
            {"2026-12-03T07:00:00.123456789Z", "2026-12-03T07:00:00.123Z"},
            {"2026-12-03T07:00:00.123999Z", "2026-12-03T07:00:00.123Z"},
            {"2026-12-03T07:00:00.124Z", "2026-12-03T07:00:00.124Z"},
            {"1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"},
            {"2026-12-03T07:00:01Z", "2026-12-03T07:00:01.000Z"},
            {"2026-12-03T07:00:00.124Z", "2026-12-03T07:00:00.124Z"}
        };
        for (String[] pair : startAndIngested) {
            IngestDocument d = doc(Map.of("message", CIRCLECI));
            d.getIngestMetadata().put("timestamp", ZonedDateTime.ofInstant(Instant.parse(pair[0]), ZoneOffset.UTC));
            processor.execute(d);
            assertEquals(pair[0], pair[1], d.getFieldValue("event.ingested", String.class));
        }
    }

    public void testDocumentModeUsesTheDocumentsOwnFields() {
        Map<String, Object> event = new HashMap<>();
        event.put("id", 7);
        event.put("author_id", 51);
        event.put("entity_id", 51);
        event.put("entity_type", "User");
        event.put(
                "details",
                Map.of(
                        "change",
                        "email address",
                        "from",
                        "a@example.com",
                        "to",
                        "b@example.com",
                        "author_name",
                        "Andreas"));
        event.put("created_at", "2019-08-22T16:34:25.639Z");
        IngestDocument d = doc(event);
        ProcessorTestAccess.create(Map.of()).execute(d);
        assertEquals("gitlab_api", d.getFieldValue("audit.source_format", String.class));
        assertEquals("7", d.getFieldValue("event.id", String.class));
        assertEquals("Andreas", d.getFieldValue("user.name", String.class));
        assertEquals("change", d.getFieldValue("audit.change.operation", String.class));
        assertEquals("b@example.com", d.getFieldValue("audit.change.to", String.class));
        assertThat(d.getFieldValue("event.original", String.class), containsString("\"email address\""));
    }

    public void testUseDocumentIfMissing() {
        Map<String, Object> event = TestJson.map(CIRCLECI);
        IngestDocument d = doc(event);
        ProcessorTestAccess.create(Map.of("field", "message", "use_document_if_missing", true))
                .execute(d);
        assertEquals("circleci_json", d.getFieldValue("audit.source_format", String.class));
        IngestDocument text = doc(Map.of("message", CIRCLECI));
        ProcessorTestAccess.create(Map.of("field", "message", "use_document_if_missing", true))
                .execute(text);
        assertEquals(CIRCLECI, text.getFieldValue("event.original", String.class));
    }

    public void testKeepOriginalFalse() {
        IngestDocument d = doc(Map.of("message", CIRCLECI));
        ProcessorTestAccess.create(Map.of("field", "message", "keep_original", false))
                .execute(d);
        assertFalse(d.hasField("event.original"));
    }

    public void testIgnoreMissing() {
        IngestDocument d = doc(Map.of("other", "x"));
        ProcessorTestAccess.create(Map.of("field", "message", "ignore_missing", true))
                .execute(d);
        assertEquals("untouched", "x", d.getFieldValue("other", String.class));
        IllegalArgumentException e = expectThrows(
                IllegalArgumentException.class,
                () -> ProcessorTestAccess.create(Map.of("field", "message")).execute(doc(Map.of("other", "x"))));
        assertEquals("field [message] is missing or null, cannot parse an audit event from it", e.getMessage());
    }

    public void testBadInputLeavesTheRawEventInPlace() {
        String truncated = CIRCLECI.substring(0, 60);
        IngestDocument d = doc(Map.of("message", truncated));
        AuditParseException e = expectThrows(AuditParseException.class, () -> ProcessorTestAccess.create(
                        Map.of("field", "message", "format", "circleci_json"))
                .execute(d));
        assertThat(
                e.getMessage(),
                startsWith("[circleci_json] invalid JSON in field [message] at offset 60 (line 1, column 61): "));
        assertEquals(truncated, d.getFieldValue("message", String.class));
        assertEquals("kept for the dead-letter index", truncated, d.getFieldValue("event.original", String.class));
        assertFalse(d.hasField("event.provider"));
    }

    public void testEmptyAndUndetectableInput() {
        AuditParseException e =
                expectThrows(AuditParseException.class, () -> ProcessorTestAccess.create(Map.of("field", "message"))
                        .execute(doc(Map.of("message", "  "))));
        assertEquals("[auto] field [message] is empty", e.getMessage());

        e = expectThrows(AuditParseException.class, () -> ProcessorTestAccess.create(Map.of("field", "message"))
                .execute(doc(Map.of("message", "{\"hello\":\"world\"}"))));
        assertThat(
                e.getMessage(),
                startsWith("[auto] cannot detect the format of field [message]: tried [gitlab_api, gitlab_stream, "
                        + "gitlab_log, gitlab_csv, circleci_json, circleci_csv, gitlab_production_log, gitlab_api_log, "
                        + "gitlab_auth_log] and none matches its keys [hello]"));

        e = expectThrows(AuditParseException.class, () -> ProcessorTestAccess.create(Map.of("field", "message"))
                .execute(doc(Map.of("message", "a,b,c"))));
        assertThat(
                e.getMessage(),
                containsString(
                        "tried [gitlab_csv] (12 or 13 columns) and [circleci_csv] (11 columns, a dotted or hyphenated action second), found 3 columns"));
    }

    public void testBatchesAreRefusedWithAPointerToTheEndpoints() {
        IngestDocument d = doc(Map.of("message", "[" + CIRCLECI + "," + CIRCLECI + "]"));
        AuditParseException e =
                expectThrows(AuditParseException.class, () -> ProcessorTestAccess.create(Map.of("field", "message"))
                        .execute(d));
        assertThat(e.getMessage(), containsString("holds a JSON array of 2 events"));
    }

    public void testWrongTypesNameTheField() {
        String badDetails =
                "{\"id\":1,\"author_id\":1,\"entity_type\":\"User\",\"details\":\"oops\",\"created_at\":\"2024-01-01T00:00:00Z\"}";
        AuditParseException e = expectThrows(AuditParseException.class, () -> ProcessorTestAccess.create(
                        Map.of("field", "message", "format", "gitlab_api"))
                .execute(doc(Map.of("message", badDetails))));
        assertEquals("[gitlab_api] field [details] must be an object, found a string", e.getMessage());

        String badTime =
                "{\"id\":1,\"author_id\":1,\"entity_type\":\"User\",\"details\":{},\"created_at\":\"yesterday\"}";
        e = expectThrows(AuditParseException.class, () -> ProcessorTestAccess.create(Map.of("field", "message"))
                .execute(doc(Map.of("message", badTime))));
        assertEquals("[gitlab_api] field [created_at]: cannot parse [yesterday] as a date", e.getMessage());

        String csvInJsonFormat = "a,b";
        e = expectThrows(AuditParseException.class, () -> ProcessorTestAccess.create(
                        Map.of("field", "message", "format", "gitlab_log"))
                .execute(doc(Map.of("message", csvInJsonFormat))));
        assertEquals("[gitlab_log] field [message] is not a JSON text: it starts with [a,b]", e.getMessage());
    }

    public void testCsvRecordWithConfiguredHeaderInAnyColumnOrder() {
        String record =
                "context.delete,2024-03-08T14:22:05Z,e-1,\"{\"\"id\"\":\"\"u1\"\",\"\"type\"\":\"\"user\"\",\"\"name\"\":\"\"jdoe\"\"}\",false";
        IngestDocument d = doc(Map.of("message", record));
        ProcessorTestAccess.create(Map.of(
                        "field",
                        "message",
                        "format",
                        "circleci_csv",
                        "csv_header",
                        List.of("action", "occurred_at", "id", "actor", "success")))
                .execute(d);
        assertEquals("e-1", d.getFieldValue("event.id", String.class));
        assertEquals("jdoe", d.getFieldValue("user.name", String.class));
        assertEquals("failure", d.getFieldValue("event.outcome", String.class));
        assertEquals("credentials", d.getFieldValue("audit.category", String.class));
    }

    public void testCsvColumnCountMismatchIsReported() {
        AuditParseException e = expectThrows(AuditParseException.class, () -> ProcessorTestAccess.create(
                        Map.of("field", "message", "format", "circleci_csv"))
                .execute(doc(Map.of("message", "a,b,c,d,e"))));
        assertEquals(
                "[circleci_csv] the CSV record in field [message] has 5 columns, its header has 11 "
                        + "[id, action, actor, target, payload, occurred_at, metadata, version, scope, success, request]",
                e.getMessage());
    }

    public void testUnmappedActionsAreKeptAndFlagged() {
        String unknown = CIRCLECI.replace("context.env_var.store", "pipeline.definition.update");
        IngestDocument d = doc(Map.of("message", unknown));
        ProcessorTestAccess.create(Map.of("field", "message")).execute(d);
        assertEquals("pipeline.definition.update", d.getFieldValue("event.action", String.class));
        assertEquals("other", d.getFieldValue("audit.category", String.class));
        assertEquals("pipeline", d.getFieldValue("audit.area", String.class));
        assertEquals(List.of("change"), d.getFieldValue("event.type", List.class));
        assertTrue(d.getFieldValue("audit.unmapped", Boolean.class));
    }

    public void testCircleciCommonFieldsAreOnlyAFallback() {
        // both present: success, request.ip_address and occurred_at win over their common_fields copies
        String both = CIRCLECI.replace(
                "\"success\":true,",
                "\"success\":true,\"common_fields\":{\"outcome\":\"failure\",\"source_ip\":\"192.0.2.1\","
                        + "\"status\":\"info\",\"timestamp\":\"2020-01-01T00:00:00Z\"},");
        IngestDocument d = doc(Map.of("message", both));
        ProcessorTestAccess.create(Map.of("field", "message")).execute(d);
        assertEquals("success", d.getFieldValue("event.outcome", String.class));
        assertEquals("203.0.113.7", d.getFieldValue("source.ip", String.class));
        assertEquals("2024-03-08T14:22:05.123Z", d.getFieldValue("@timestamp", String.class));

        // a common_fields.source_ip that is not an address is named in the warning
        String onlyCommon = CIRCLECI.replace("\"ip_address\":\"203.0.113.7\"", "\"client_trace_id\":\"t-1\"")
                .replace("\"success\":true,", "\"common_fields\":{\"source_ip\":\"unknown\"},");
        d = doc(Map.of("message", onlyCommon));
        ProcessorTestAccess.create(Map.of("field", "message")).execute(d);
        assertFalse(d.hasField("source.ip"));
        assertEquals("unknown", d.getFieldValue("event.outcome", String.class));
        assertEquals("t-1", d.getFieldValue("trace.id", String.class));
        assertEquals(
                List.of("field [common_fields.source_ip] is not an IP address; not copied to source.ip"),
                d.getFieldValue("audit.warnings", List.class));

        String noTime = CIRCLECI.replace("\"occurred_at\":\"2024-03-08T14:22:05.123Z\",", "");
        Exception e = expectThrows(Exception.class, () -> ProcessorTestAccess.create(Map.of("field", "message"))
                .execute(doc(Map.of("message", noTime))));
        assertEquals(
                "[circleci_json] the event has no time: [occurred_at] and [common_fields.timestamp] are missing",
                e.getMessage());
    }

    public void testIndexGranularity() {
        IngestDocument d = doc(Map.of("message", CIRCLECI));
        ProcessorTestAccess.create(Map.of("field", "message", "index_granularity", "day"))
                .execute(d);
        assertEquals("devops-audit-circleci-2024.03.08", d.getFieldValue("_index", String.class));
        d = doc(Map.of("message", CIRCLECI));
        ProcessorTestAccess.create(Map.of("field", "message", "index_granularity", "none"))
                .execute(d);
        assertEquals("devops-audit-circleci", d.getFieldValue("_index", String.class));
    }

    public void testSameGitlabIdInEveryFormatGivesTheSameKey() {
        String api =
                "{\"id\":179,\"author_id\":5,\"entity_id\":7,\"entity_type\":\"Group\",\"details\":{\"remove\":\"user_access\"},"
                        + "\"created_at\":\"2024-05-10T17:46:49.058Z\"}";
        String log =
                "{\"severity\":\"INFO\",\"time\":\"2024-05-10T17:46:49.100Z\",\"correlation_id\":\"c1\",\"id\":179,\"author_id\":5,"
                        + "\"entity_id\":7,\"entity_type\":\"Group\",\"remove\":\"user_access\",\"created_at\":\"2024-05-10T17:46:49.058+00:00\"}";
        String csv =
                "ID,Author ID,Author Name,Entity ID,Entity Type,Entity Path,Target ID,Target Type,Target Details,Action,IP Address,Created At (UTC)\n"
                        + "179,5,alice,7,Group,acme,9,User,bob,Removed user_access,192.0.2.1,2024-05-10 17:46:49";
        List<Long> versions = new ArrayList<>();
        for (String raw : List.of(csv, log, api)) {
            IngestDocument d = doc(Map.of("message", raw));
            ProcessorTestAccess.create(Map.of("field", "message")).execute(d);
            assertEquals(raw, "gitlab:179", d.getFieldValue("_id", String.class));
            assertEquals(raw, "devops-audit-gitlab-2024.05", d.getFieldValue("_index", String.class));
            // the richest copy wins: the version is the source's richness, written with external versioning
            assertEquals("external", d.getFieldValue("_version_type", String.class));
            versions.add(d.getFieldValue("_version", Long.class));
        }
        assertEquals("CSV < audit_json.log < API", List.of(1L, 2L, 3L), versions);
    }

    public void testANamedInstanceKeepsTwoInstancesEventsApart() {
        String api =
                "{\"id\":1001,\"author_id\":5,\"entity_id\":7,\"entity_type\":\"Group\",\"details\":{\"remove\":\"user_access\"},"
                        + "\"created_at\":\"2024-05-10T17:46:49.058Z\"}";
        IngestDocument plain = doc(Map.of("message", api));
        ProcessorTestAccess.create(Map.of("field", "message")).execute(plain);
        assertEquals("gitlab:1001", plain.getFieldValue("_id", String.class));
        assertFalse(plain.hasField("audit.instance"));

        IngestDocument byOption = doc(Map.of("message", api));
        ProcessorTestAccess.create(Map.of("field", "message", "instance", "gitlab-com"))
                .execute(byOption);
        assertEquals("gitlab:gitlab-com:1001", byOption.getFieldValue("_id", String.class));
        assertEquals("gitlab-com", byOption.getFieldValue("audit.instance", String.class));

        // the document's own field (set by _import and _stream) wins, and is not kept
        IngestDocument byDocument = doc(Map.of("message", api, DevopsAuditProcessor.INSTANCE_FIELD, "gitlab-acme"));
        ProcessorTestAccess.create(Map.of("field", "message", "instance", "gitlab-com"))
                .execute(byDocument);
        assertEquals("gitlab:gitlab-acme:1001", byDocument.getFieldValue("_id", String.class));
        assertFalse(byDocument.hasField(DevopsAuditProcessor.INSTANCE_FIELD));

        IngestDocument bad = doc(Map.of("message", api, DevopsAuditProcessor.INSTANCE_FIELD, "GitLab:1"));
        IllegalArgumentException e = expectThrows(
                IllegalArgumentException.class,
                () -> ProcessorTestAccess.create(Map.of("field", "message")).execute(bad));
        assertThat(e.getMessage(), containsString("[devops_audit_instance] must be 1 to 64 lower-case letters"));
    }

    public void testTheDeliveringDestinationIsRecordedAndNotKept() {
        String api =
                "{\"id\":1001,\"author_id\":5,\"entity_id\":7,\"entity_type\":\"Group\",\"details\":{\"remove\":\"user_access\"},"
                        + "\"created_at\":\"2024-05-10T17:46:49.058Z\"}";
        IngestDocument delivered = doc(Map.of(
                "message",
                api,
                DevopsAuditProcessor.INSTANCE_FIELD,
                "gitlab-acme",
                DevopsAuditProcessor.DESTINATION_FIELD,
                "acme-group"));
        ProcessorTestAccess.create(Map.of("field", "message")).execute(delivered);
        assertEquals("acme-group", delivered.getFieldValue("audit.destination", String.class));
        assertEquals("gitlab-acme", delivered.getFieldValue("audit.instance", String.class));
        assertFalse(delivered.hasField(DevopsAuditProcessor.DESTINATION_FIELD));

        IngestDocument plain = doc(Map.of("message", api));
        ProcessorTestAccess.create(Map.of("field", "message")).execute(plain);
        assertFalse(plain.hasField("audit.destination"));

        IngestDocument bad = doc(Map.of("message", api, DevopsAuditProcessor.DESTINATION_FIELD, "Acme.Group"));
        IllegalArgumentException e = expectThrows(
                IllegalArgumentException.class,
                () -> ProcessorTestAccess.create(Map.of("field", "message")).execute(bad));
        assertThat(e.getMessage(), containsString("[devops_audit_destination] must be 1 to 64 lower-case letters"));
    }

    public void testTheFormatTheSenderNamedIsReadNotDetected() {
        // an API object: detection takes it as gitlab_api; named as a streaming body, it is read as one
        String api =
                "{\"id\":1001,\"author_id\":5,\"entity_id\":7,\"entity_type\":\"Group\",\"details\":{\"remove\":\"user_access\"},"
                        + "\"created_at\":\"2024-05-10T17:46:49.058Z\"}";
        IngestDocument detected = doc(Map.of("message", api));
        ProcessorTestAccess.create(Map.of("field", "message")).execute(detected);
        assertEquals("gitlab_api", detected.getFieldValue("audit.source_format", String.class));

        IngestDocument named = doc(Map.of("message", api, DevopsAuditProcessor.FORMAT_FIELD, "gitlab_stream"));
        ProcessorTestAccess.create(Map.of("field", "message")).execute(named);
        assertEquals("gitlab_stream", named.getFieldValue("audit.source_format", String.class));
        assertFalse(named.hasField(DevopsAuditProcessor.FORMAT_FIELD));

        // a processor set to one format does not read another
        IngestDocument other = doc(Map.of("message", api, DevopsAuditProcessor.FORMAT_FIELD, "gitlab_stream"));
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> ProcessorTestAccess.create(
                        Map.of("field", "message", "format", "gitlab_api"))
                .execute(other));
        assertThat(
                e.getMessage(),
                containsString(
                        "[devops_audit_format] the document is [gitlab_stream] but this processor reads [gitlab_api]"));
        IngestDocument circleci = doc(Map.of("message", api, DevopsAuditProcessor.FORMAT_FIELD, "circleci_json"));
        expectThrows(IllegalArgumentException.class, () -> ProcessorTestAccess.create(Map.of("field", "message"))
                .execute(circleci));
        IngestDocument unknown = doc(Map.of("message", api, DevopsAuditProcessor.FORMAT_FIELD, "syslog"));
        e = expectThrows(IllegalArgumentException.class, () -> ProcessorTestAccess.create(Map.of("field", "message"))
                .execute(unknown));
        assertThat(e.getMessage(), containsString("[devops_audit_format] unknown format [syslog]"));
    }

    public void testStreamOnlyUuidIdsFallBackToAStableFingerprint() {
        String body =
                "{\"id\":\"%s\",\"author_id\":5,\"author_name\":\"alice\",\"entity_id\":7,\"entity_type\":\"Project\","
                        + "\"entity_path\":\"acme/web\",\"event_type\":\"repository_git_operation\",\"created_at\":\"2024-05-10T17:46:49.058Z\","
                        + "\"details\":{\"custom_message\":{\"protocol\":\"ssh\",\"action\":\"git-upload-pack\"}}}";
        String first = key(String.format(Locale.ROOT, body, "0b0e8a1c-1111-4000-8000-000000000001"));
        String redelivery = key(String.format(Locale.ROOT, body, "7f3d2c4e-2222-4000-8000-000000000002"));
        assertEquals("a redelivery with a fresh UUID collapses", first, redelivery);
        assertTrue(first, first.startsWith("gitlab:fp:"));
        String other = key(String.format(Locale.ROOT, body, "x").replace("acme/web", "acme/api"));
        assertNotEquals("a distinct event is not merged", first, other);
        // the oldest workers used created_at.to_i as the id: it collides, so it is not trusted either
        String epochId = key(String.format(Locale.ROOT, body, "x").replace("\"id\":\"x\"", "\"id\":1715363209"));
        assertEquals(first, epochId);
        // digits other than ASCII are not a database id (Long.parseLong would read them): fingerprinted too
        String arabicIndicId = key(String.format(Locale.ROOT, body, "\u0661\u0667\u0669"));
        assertEquals(first, arabicIndicId);
    }

    private static String key(String raw) {
        IngestDocument d = doc(Map.of("message", raw));
        ProcessorTestAccess.create(Map.of("field", "message")).execute(d);
        return d.getFieldValue("audit.dedup_key", String.class);
    }

    public void testIndicatorsAreTaggedWithThePolicy() {
        String pat =
                "{\"id\":42,\"author_id\":5,\"entity_id\":5,\"entity_type\":\"User\",\"event_type\":\"personal_access_token_created\","
                        + "\"ip_address\":\"198.51.100.23\",\"created_at\":\"2024-05-10T17:46:49.058Z\",\"details\":{\"custom_message\":\"Created personal access token with id 42\"}}";
        IngestDocument d = doc(Map.of("message", pat));
        ProcessorTestAccess.create(Map.of("field", "message", "trusted_networks", List.of("192.0.2.0/24")))
                .execute(d);
        assertEquals(List.of("persistent_access", "untrusted_source"), d.getFieldValue("audit.indicators", List.class));
        assertEquals(List.of("DA-GL-011", "DA-ANY-002"), d.getFieldValue("rule.id", List.class));
        assertEquals(2L, ((Number) d.getFieldValue("event.severity", Object.class)).longValue());
        assertEquals("medium", d.getFieldValue("audit.severity", String.class));
        assertEquals(47.0f, ((Number) d.getFieldValue("event.risk_score", Object.class)).floatValue(), 0f);
        assertEquals(List.of("T1098.001", "T1078"), d.getFieldValue("threat.technique.id", List.class));
        assertEquals(
                List.of("Additional Cloud Credentials", "Valid Accounts"),
                d.getFieldValue("threat.technique.name", List.class));
        assertEquals(List.of("security_indicator"), d.getFieldValue("tags", List.class));

        IngestDocument inside = doc(Map.of("message", pat.replace("198.51.100.23", "192.0.2.9")));
        ProcessorTestAccess.create(Map.of("field", "message", "trusted_networks", List.of("192.0.2.0/24")))
                .execute(inside);
        assertEquals(List.of("persistent_access"), inside.getFieldValue("audit.indicators", List.class));
    }
}
