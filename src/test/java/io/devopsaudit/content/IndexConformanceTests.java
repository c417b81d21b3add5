/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import org.opensearch.Version;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

/** Existing audit indices against their templates: what makes one nonconforming, what only makes it outdated. */
public class IndexConformanceTests extends OpenSearchTestCase {

    static final Instant NOW = Instant.parse("2024-06-15T12:00:00Z");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> templateMappings(String file) {
        return (Map<String, Object>)
                ((Map<String, Object>) SetupService.resource(file).get("template")).get("mappings");
    }

    private static IndexMetadata index(String name, Map<String, Object> mappings, Settings extra) throws IOException {
        String json;
        try (var b = JsonXContent.contentBuilder()) {
            b.map(mappings);
            json = BytesReference.bytes(b).utf8ToString();
        }
        return IndexMetadata.builder(name)
                .settings(Settings.builder()
                        .put(IndexMetadata.SETTING_VERSION_CREATED, Version.CURRENT)
                        .put(IndexMetadata.SETTING_NUMBER_OF_SHARDS, 1)
                        .put(IndexMetadata.SETTING_NUMBER_OF_REPLICAS, 0)
                        .put(extra))
                .putMapping(json)
                .build();
    }

    public void testAnIndexWithTheTemplatesMappingConforms() throws IOException {
        IndexConformance.Report r = IndexConformance.check(
                index("devops-audit-gitlab-2024.06", templateMappings("index-template.json"), Settings.EMPTY), -1, NOW);
        assertTrue(r.nonconforming().toString(), r.conforms());
        assertEquals(java.util.List.of(), r.missingFields());
        IndexConformance.Report dead = IndexConformance.check(
                index("devops-audit-failed-2024.06", templateMappings("dead-letter-template.json"), Settings.EMPTY),
                -1,
                NOW);
        assertTrue(dead.nonconforming().toString(), dead.conforms());
        assertNull(
                "not an audit event index",
                IndexConformance.check(index("devops-audit-activity-2024.06", Map.of(), Settings.EMPTY), -1, NOW));
    }

    @SuppressWarnings("unchecked")
    public void testSourceDisabledDynamicAndTypesAreNonconforming() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>(templateMappings("index-template.json"));
        m.put("_source", Map.of("enabled", false));
        m.put("dynamic", "true");
        Map<String, Object> properties = new LinkedHashMap<>((Map<String, Object>) m.get("properties"));
        properties.put("@timestamp", Map.of("type", "keyword"));
        properties.put("forged", Map.of("type", "keyword"));
        m.put("properties", properties);
        IndexConformance.Report r =
                IndexConformance.check(index("devops-audit-gitlab-2024.06", m, Settings.EMPTY), -1, NOW);
        assertFalse(r.conforms());
        assertThat(r.nonconforming(), hasItem(containsString("_source is disabled")));
        assertThat(r.nonconforming(), hasItem("mapping dynamic is [true], the template's is [strict]"));
        assertThat(
                r.nonconforming(),
                hasItem("field [@timestamp] is mapped as [keyword], the template maps it as [date]"));
        assertThat(r.nonconforming(), hasItem("field [forged] is not in the template"));
    }

    @SuppressWarnings("unchecked")
    public void testAMissingFieldIsOnlyOutdated() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>(templateMappings("index-template.json"));
        Map<String, Object> properties = new LinkedHashMap<>((Map<String, Object>) m.get("properties"));
        Map<String, Object> audit = new LinkedHashMap<>((Map<String, Object>) properties.get("audit"));
        Map<String, Object> auditProperties = new LinkedHashMap<>((Map<String, Object>) audit.get("properties"));
        auditProperties.remove("destination");
        audit.put("properties", auditProperties);
        properties.put("audit", audit);
        m.put("properties", properties);
        IndexConformance.Report r =
                IndexConformance.check(index("devops-audit-gitlab-2024.06", m, Settings.EMPTY), -1, NOW);
        assertTrue(r.conforms());
        assertEquals(java.util.List.of("audit.destination"), r.missingFields());
        assertTrue("lacking fields only: outdated, not nonconforming", r.conforms());
    }

    public void testOnlyTheWarmStepMayBlockWrites() throws IOException {
        Settings blocked =
                Settings.builder().put(IndexMetadata.SETTING_BLOCKS_WRITE, true).build();
        Map<String, Object> events = templateMappings("index-template.json");
        // March ended 76 days before NOW: warmed with warm_after_days 40, not with 90, nor with the warm step off
        IndexMetadata march = index("devops-audit-gitlab-2024.03", events, blocked);
        assertTrue(IndexConformance.check(march, 40, NOW).conforms());
        assertThat(
                IndexConformance.check(march, 90, NOW).nonconforming(),
                hasItem(containsString("retention's warm step did not set it (warm_after_days: 90)")));
        assertFalse(IndexConformance.check(march, -1, NOW).conforms());
        assertFalse(
                "the current month is never warmed",
                IndexConformance.check(index("devops-audit-gitlab-2024.06", events, blocked), 0, NOW)
                        .conforms());
        assertFalse(
                "dead letters are never warmed",
                IndexConformance.check(
                                index(
                                        "devops-audit-failed-2024.01",
                                        templateMappings("dead-letter-template.json"),
                                        blocked),
                                0,
                                NOW)
                        .conforms());
        assertThat(
                IndexConformance.check(
                                index(
                                        "devops-audit-gitlab-2024.03",
                                        events,
                                        Settings.builder()
                                                .put(IndexMetadata.SETTING_READ_ONLY, true)
                                                .build()),
                                40,
                                NOW)
                        .nonconforming(),
                hasItem("index.blocks.read_only is set"));
    }
}
