/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.schema;

import io.devopsaudit.content.ContentFiles;
import io.devopsaudit.content.SetupService;
import io.devopsaudit.dedup.IndexName;
import io.devopsaudit.health.HealthRecords;
import io.devopsaudit.retention.ManagedIndex;
import org.opensearch.test.OpenSearchTestCase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names in {@link IndexNames} are the names the shipped content files spell, and the names the processor
 * writes are the names retention parses: change the prefix or a name in one place and this fails until all agree.
 */
public class IndexNamesContentTests extends OpenSearchTestCase {

    private static void collect(Object node, String key, List<Object> out) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (key.equals(k)) out.add(v);
                collect(v, key, out);
            });
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collect(v, key, out));
        }
    }

    private static Set<String> strings(Object node, String key) {
        List<Object> found = new ArrayList<>();
        collect(node, key, found);
        Set<String> out = new TreeSet<>();
        for (Object f : found) {
            if (f instanceof List<?> l) l.forEach(x -> out.add(x.toString()));
            else out.add(f.toString());
        }
        return out;
    }

    public void testTemplatesAndPipelineUseTheseNames() {
        assertEquals(Set.of(IndexNames.ALL), strings(SetupService.resource("index-template.json"), "index_patterns"));
        assertEquals(
                Set.of(IndexNames.DEAD_LETTER_PREFIX + "*"),
                strings(SetupService.resource("dead-letter-template.json"), "index_patterns"));
        assertEquals(
                Set.of(IndexNames.DEAD_LETTER_PREFIX),
                strings(SetupService.resource("ingest-pipeline.json"), "index_name_prefix"));
        assertEquals(
                Set.of(IndexNames.ACTIVITY_PREFIX + "*"),
                strings(SetupService.resource("activity-template.json"), "index_patterns"));
        assertEquals(
                Set.of(IndexNames.HEALTH_PREFIX + "*"),
                strings(SetupService.resource("health-template.json"), "index_patterns"));
    }

    public void testMonitorsDashboardsAndRolesUseTheseNames() {
        // events, plus the health monitors' own indices: dead letters and the plugin's health records
        Set<String> monitored = new TreeSet<>(List.of(IndexNames.eventPatterns()));
        monitored.add(IndexNames.DEAD_LETTER_PREFIX + "*");
        monitored.add(IndexNames.HEALTH_PREFIX + "*");
        assertEquals(monitored, new TreeSet<>(strings(Map.of("m", ContentFiles.monitors()), "indices")));
        Set<String> titles = new TreeSet<>();
        for (Map<String, Object> o : ContentFiles.savedObjects()) {
            if ("index-pattern".equals(o.get("type")))
                titles.add(((Map<?, ?>) o.get("attributes")).get("title").toString());
        }
        Set<String> expected = new TreeSet<>(List.of(IndexNames.eventPatterns()));
        expected.add(IndexNames.DEAD_LETTER_PREFIX + "*");
        expected.add(IndexNames.HEALTH_PREFIX + "*");
        expected.add(IndexNames.REQUESTS_PREFIX + "*");
        for (String title : titles) {
            for (String pattern : title.split(",")) {
                assertTrue(pattern + " is an audit pattern", expected.contains(pattern));
            }
        }
        assertFalse(titles.isEmpty());
        for (String pattern : strings(SetupService.resource("security-roles.json"), "index_patterns")) {
            assertTrue(
                    pattern + " is within the audit indices or the access rollup",
                    pattern.startsWith(IndexNames.PREFIX + "-") || pattern.equals(IndexNames.ACCESS_ROLLUP));
        }
    }

    public void testEveryNameTheProcessorWritesIsOneRetentionManages() {
        String timestamp = "2024-03-08T10:00:00.000Z";
        for (Provider p : Provider.values()) {
            for (IndexName granularity : List.of(IndexName.MONTH, IndexName.DAY)) {
                String name = granularity.of(p, timestamp);
                ManagedIndex m = ManagedIndex.parse(name);
                assertNotNull(name, m);
                assertEquals(p.id(), m.provider());
                assertFalse(m.deadLetter());
            }
            assertEquals(IndexNames.eventPrefix(p) + "2024.03", IndexName.MONTH.of(p, timestamp));
        }
        assertTrue(ManagedIndex.parse(IndexNames.DEAD_LETTER_PREFIX + "2024.03").deadLetter());
        assertTrue(ManagedIndex.parse(IndexNames.ACTIVITY_PREFIX + "2024.03").activity());
        String health = HealthRecords.index(java.time.Instant.parse(timestamp));
        assertEquals(IndexNames.HEALTH_PREFIX + "2024.03", health);
        assertEquals("health", ManagedIndex.parse(health).kind());
        assertFalse(ManagedIndex.parse(health).deadLetter());
        assertNull("the intake address is not a period index", ManagedIndex.parse(IndexNames.INCOMING));
        assertNull(ManagedIndex.parse(IndexNames.STATE));
    }
}
