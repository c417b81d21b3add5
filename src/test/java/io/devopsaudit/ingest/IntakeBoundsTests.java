/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.TestSupport;
import io.devopsaudit.parse.AuditParseException;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.test.OpenSearchTestCase;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.hamcrest.Matchers.containsString;

/**
 * Event-time bounds, the new-index budget of one intake request, and the processor's refusal of any failure at the
 * record, with the document made fit for the pipeline's dead-letter step.
 */
public class IntakeBoundsTests extends OpenSearchTestCase {
    private static final String GITLAB =
            "{\"id\":1,\"author_id\":1,\"entity_id\":2,\"entity_type\":\"Project\",\"details\":{\"author_name\":\"a\","
                    + "\"custom_message\":\"Added\"},\"created_at\":%s}";

    private static IngestDocument doc(Map<String, Object> source) {
        return new IngestDocument("idx", "1", null, null, null, new HashMap<>(source));
    }

    private static DevopsAuditProcessor processor(IntakeBounds bounds) {
        return new DevopsAuditProcessor.Factory(
                        TestSupport.READER, TestSupport.NORMALIZER, TestSupport.RULES, bounds, null)
                .create(null, "t", null, new HashMap<>(Map.of("field", "message", "use_document_if_missing", true)));
    }

    public void testEventTimesFrom1970ToTheAllowedSkew() {
        IntakeBounds bounds = new IntakeBounds();
        Instant now = Instant.parse("2026-01-10T00:00:00Z");
        bounds.checkTime("f", "1970-01-01T00:00:00.000Z", now);
        bounds.checkTime("f", "2026-01-10T23:59:59.000Z", now);
        for (String t : List.of(
                "1969-12-31T23:59:59.999Z",
                "2026-01-11T00:00:00.001Z",
                "+10000-01-01T00:00:00Z",
                "-0001-01-01T00:00:00Z")) {
            IntakeBounds.OutOfBounds e =
                    expectThrows(IntakeBounds.OutOfBounds.class, () -> bounds.checkTime("f", t, now));
            assertEquals(IntakeBounds.OUT_OF_RANGE_TIME, e.kind());
            assertThat(e.getMessage(), containsString("devops_audit.intake.max_future_skew [1d]"));
        }
        bounds.setMaxFutureSkew(TimeValue.timeValueDays(30));
        bounds.checkTime("f", "2026-02-08T00:00:00.000Z", now);
    }

    public void testOneRequestCreatesAtMostTheAllowedNewIndices() {
        IntakeBounds bounds = new IntakeBounds();
        Set<String> existing = Set.of("old-1", "old-2", "old-3");
        bounds.setIndexExists(existing::contains);
        bounds.setMaxNewIndices(2);
        bounds.checkNewIndex("f", "r1", "new-a");
        bounds.checkNewIndex("f", "r1", "new-a");
        bounds.checkNewIndex("f", "r1", "new-b");
        for (String old : existing) bounds.checkNewIndex("f", "r1", old);
        IntakeBounds.OutOfBounds e =
                expectThrows(IntakeBounds.OutOfBounds.class, () -> bounds.checkNewIndex("f", "r1", "new-c"));
        assertEquals(IntakeBounds.INDEX_BUDGET, e.kind());
        assertThat(e.getMessage(), containsString("already creates 2 new event indices [new-a, new-b]"));
        bounds.checkNewIndex("f", "r2", "new-c"); // another request has its own budget
        bounds.checkNewIndex("f", null, "new-d"); // documents not sent by the intake: only the time bounds apply
    }

    public void testExtremeTimesAreRefusedAtTheRecordAndKeptWithTheirKind() {
        DevopsAuditProcessor p = processor(new IntakeBounds());
        for (String created : List.of(
                "-9223372036854775808",
                "1e300",
                "\"+10000-01-01T00:00:00Z\"",
                "\"-0001-01-01T00:00:00Z\"",
                "\"1969-07-20T20:17:00Z\"")) {
            String raw = String.format(java.util.Locale.ROOT, GITLAB, created);
            IngestDocument d = doc(Map.of("message", raw));
            AuditParseException e = expectThrows(AuditParseException.class, () -> p.execute(d));
            assertNotNull(created, e.getMessage());
            assertEquals(created, raw, d.getFieldValue("event.original", String.class));
            assertEquals(created, raw, d.getFieldValue("message", String.class));
            String kind = d.getFieldValue("event.kind", String.class);
            assertTrue(created + " " + kind, kind.equals("out_of_range_time") || kind.equals("pipeline_error"));
        }
        IngestDocument d =
                doc(Map.of("message", String.format(java.util.Locale.ROOT, GITLAB, "\"+10000-01-01T00:00:00Z\"")));
        expectThrows(AuditParseException.class, () -> p.execute(d));
        assertEquals("out_of_range_time", d.getFieldValue("event.kind", String.class));
        IngestDocument ok =
                doc(Map.of("message", String.format(java.util.Locale.ROOT, GITLAB, "\"2024-05-10T17:46:49Z\"")));
        p.execute(ok);
        assertEquals("devops-audit-gitlab-2024.05", ok.getFieldValue("_index", String.class));
    }

    public void testTheDocumentsOwnEventAndErrorFieldsCannotBreakTheDeadLetterStep() {
        DevopsAuditProcessor p = processor(new IntakeBounds());
        // the whole document is the event: its fields are wrapped into event.original
        IngestDocument whole = doc(Map.of("event", "x", "error", 5, "id", 1));
        expectThrows(AuditParseException.class, () -> p.execute(whole));
        Map<String, Object> event = whole.getFieldValue("event", Map.class);
        assertEquals("pipeline_error", event.get("kind"));
        assertEquals(Map.of("event", "x", "error", 5, "id", 1), TestSupport.parseJson((String) event.get("original")));
        assertFalse(whole.hasField("error"));
        // a raw event in message: the document's own event and error move under document.*
        IngestDocument shipped =
                doc(Map.of("message", "not an event", "event", "x", "error", Map.of("a", 1), "host", "h"));
        expectThrows(AuditParseException.class, () -> p.execute(shipped));
        assertEquals("x", shipped.getFieldValue("document.event", String.class));
        assertEquals(1, (int) shipped.getFieldValue("document.error.a", Integer.class));
        assertEquals("not an event", shipped.getFieldValue("event.original", String.class));
        assertEquals("h", shipped.getFieldValue("host", String.class));
        assertFalse(shipped.hasField("error"));
        // a document field named document is kept beside what moves there
        IngestDocument crowded = doc(Map.of("message", "not an event", "event", "x", "document", "d"));
        expectThrows(AuditParseException.class, () -> p.execute(crowded));
        assertEquals(Map.of("document", "d", "event", "x"), crowded.getFieldValue("document", Map.class));
    }

    public void testSimulateReportsEveryFailureAsTheRecords() {
        AuditEngine engine = new AuditEngine();
        AuditEngine.Outcome o =
                engine.simulate(String.format(java.util.Locale.ROOT, GITLAB, "-9223372036854775808"), null);
        assertNull(o.index());
        assertThat(o.error(), containsString("is not a date"));
        o = engine.simulate(String.format(java.util.Locale.ROOT, GITLAB, "\"+10000-01-01T00:00:00Z\""), null);
        assertThat(o.error(), containsString("is out of range"));
    }
}
