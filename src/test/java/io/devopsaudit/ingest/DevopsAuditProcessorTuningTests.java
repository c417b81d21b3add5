/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.indicators.Rule;
import org.opensearch.OpenSearchParseException;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.test.OpenSearchTestCase;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The processor options {@code disabled_rules} and {@code severity_overrides} (docs/tuning.md). */
public class DevopsAuditProcessorTuningTests extends OpenSearchTestCase {

    /** Fires DA-GL-011 (low, 21) and, outside 192.0.2.0/24, DA-ANY-002 (medium, 47). */
    private static final String PAT =
            "{\"id\":42,\"author_id\":5,\"entity_id\":5,\"entity_type\":\"User\",\"event_type\":\"personal_access_token_created\","
                    + "\"ip_address\":\"198.51.100.23\",\"created_at\":\"2024-05-10T17:46:49.058Z\",\"details\":{\"custom_message\":\"Created personal access token with id 42\"}}";

    private static IngestDocument run(Map<String, Object> options) {
        Map<String, Object> config = new HashMap<>(options);
        config.put("field", "message");
        config.put("trusted_networks", List.of("192.0.2.0/24"));
        IngestDocument d = new IngestDocument("idx", "1", null, null, null, new HashMap<>(Map.of("message", PAT)));
        ProcessorTestAccess.create(config).execute(d);
        return d;
    }

    private static OpenSearchParseException refused(Map<String, Object> options) {
        return expectThrows(OpenSearchParseException.class, () -> ProcessorTestAccess.factory()
                .create(null, "my-tag", null, new HashMap<>(options)));
    }

    public void testWithoutOptionsTheProcessorSharesTheNodesRules() {
        assertSame(
                io.devopsaudit.TestSupport.RULES,
                ProcessorTestAccess.create(Map.of()).getRules());
        assertSame(
                "empty options change nothing",
                io.devopsaudit.TestSupport.RULES,
                ProcessorTestAccess.create(Map.of("disabled_rules", List.of(), "severity_overrides", Map.of()))
                        .getRules());
    }

    public void testADisabledRuleNeverTags() {
        IngestDocument d = run(Map.of("disabled_rules", List.of("DA-ANY-002")));
        assertEquals(List.of("DA-GL-011"), d.getFieldValue("rule.id", List.class));
        assertEquals(List.of("persistent_access"), d.getFieldValue("audit.indicators", List.class));
        assertEquals(1L, ((Number) d.getFieldValue("event.severity", Object.class)).longValue());
        assertEquals(21.0f, ((Number) d.getFieldValue("event.risk_score", Object.class)).floatValue(), 0f);

        IngestDocument none = run(Map.of("disabled_rules", List.of("DA-ANY-002", "DA-GL-011")));
        assertFalse("no rule left: no indicator fields", none.hasField("rule.id"));
        assertFalse(none.hasField("event.severity"));
        assertFalse(none.hasField("tags"));
    }

    public void testASeverityOverrideChangesSeverityAndRiskAndKeepsTheRest() {
        IngestDocument d = run(Map.of("severity_overrides", Map.of("DA-GL-011", "critical")));
        assertEquals(List.of("DA-GL-011", "DA-ANY-002"), d.getFieldValue("rule.id", List.class));
        assertEquals(4L, ((Number) d.getFieldValue("event.severity", Object.class)).longValue());
        assertEquals("critical", d.getFieldValue("audit.severity", String.class));
        assertEquals(99.0f, ((Number) d.getFieldValue("event.risk_score", Object.class)).floatValue(), 0f);
        assertEquals(List.of("persistent_access", "untrusted_source"), d.getFieldValue("audit.indicators", List.class));
        assertEquals(List.of("T1098.001", "T1078"), d.getFieldValue("threat.technique.id", List.class));

        // turned down: the other rule (medium) is now the most severe
        IngestDocument down = run(Map.of("severity_overrides", Map.of("DA-ANY-002", "low")));
        assertEquals(1L, ((Number) down.getFieldValue("event.severity", Object.class)).longValue());
        assertEquals("low", down.getFieldValue("audit.severity", String.class));
        assertEquals(21.0f, ((Number) down.getFieldValue("event.risk_score", Object.class)).floatValue(), 0f);

        Rule original = io.devopsaudit.TestSupport.RULES.rule("DA-GL-011");
        Rule tuned = ProcessorTestAccess.create(Map.of("severity_overrides", Map.of("DA-GL-011", "high")))
                .getRules()
                .rule("DA-GL-011");
        assertEquals("high", tuned.severity());
        assertEquals(73, tuned.riskScore());
        assertEquals(original.withSeverity("high"), tuned);
        assertEquals("the node's rules are untouched", "low", original.severity());
    }

    public void testUnknownRuleIdsNameTheOptionAndTheId() {
        OpenSearchParseException e = refused(Map.of("disabled_rules", List.of("DA-GL-011", "DA-GL-9999")));
        assertEquals(
                "[disabled_rules] unknown rule id [DA-GL-9999] (shipped rules: docs/indicators.md; site rules: "
                        + "<config>/devops-audit/rules/*.yml)",
                e.getMessage());
        assertEquals("devops_audit", e.getMetadata("opensearch.processor_type").get(0));
        assertEquals("my-tag", e.getMetadata("opensearch.processor_tag").get(0));
        e = refused(Map.of("disabled_rules", List.of(7)));
        assertThat(e.getMessage(), startsWith("[disabled_rules] unknown rule id [7]"));
        e = refused(Map.of("severity_overrides", Map.of("da-gl-011", "high")));
        assertThat("ids are exact", e.getMessage(), startsWith("[severity_overrides] unknown rule id [da-gl-011]"));
    }

    public void testBadSeveritiesAndShapesAreRefused() {
        OpenSearchParseException e = refused(Map.of("severity_overrides", Map.of("DA-GL-011", "urgent")));
        assertEquals(
                "[severity_overrides] severity [urgent] of rule [DA-GL-011] must be one of [low, medium, high, critical]",
                e.getMessage());
        e = refused(Map.of("severity_overrides", Map.of("DA-GL-011", 3)));
        assertEquals(
                "[severity_overrides] severity [3] of rule [DA-GL-011] must be one of [low, medium, high, critical]",
                e.getMessage());
        e = refused(Map.of("severity_overrides", List.of("DA-GL-011")));
        assertThat(e.getMessage(), startsWith("[severity_overrides] property isn't a map, but of type"));
        e = refused(Map.of("disabled_rules", "DA-GL-011"));
        assertEquals("[disabled_rules] property isn't a list, but of type [java.lang.String]", e.getMessage());
        e = refused(Map.of("disabled_rules", List.of("DA-GL-011"), "severity_overrides", Map.of("DA-GL-011", "high")));
        assertEquals("[severity_overrides] rule [DA-GL-011] is also in [disabled_rules]", e.getMessage());
    }

    private static org.hamcrest.Matcher<String> startsWith(String prefix) {
        return org.hamcrest.Matchers.startsWith(prefix);
    }
}
