/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import io.devopsaudit.TestSupport;
import org.opensearch.test.OpenSearchTestCase;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The saved objects parse, reference only each other, and use only fields the templates map, aggregatable where aggregated. */
public class DashboardsContentTests extends OpenSearchTestCase {

    static final Map<String, String> MIGRATION =
            Map.of("index-pattern", "7.6.0", "visualization", "7.10.0", "search", "7.9.3", "dashboard", "7.9.3");

    @SuppressWarnings("unchecked")
    public void testObjectsParseAndEveryReferenceResolves() {
        List<Map<String, Object>> objects = ContentFiles.savedObjects();
        Map<String, String> typeById = new HashMap<>();
        for (Map<String, Object> o : objects) {
            assertNull("duplicate id " + o.get("id"), typeById.put((String) o.get("id"), (String) o.get("type")));
            assertEquals(
                    o.get("id").toString(),
                    Map.of(o.get("type"), MIGRATION.get(o.get("type"))),
                    o.get("migrationVersion"));
        }
        for (Map<String, Object> o : objects) {
            Map<String, Object> attributes = (Map<String, Object>) o.get("attributes");
            assertTrue(((String) attributes.get("title"))
                    .startsWith(o.get("type").equals("index-pattern") ? "devops-audit-" : "devops-audit - "));
            Set<String> refNames = new HashSet<>();
            for (Map<String, Object> ref : (List<Map<String, Object>>) o.get("references")) {
                assertEquals(
                        "reference " + ref + " of " + attributes.get("title"),
                        ref.get("type"),
                        typeById.get(ref.get("id")));
                refNames.add((String) ref.get("name"));
            }
            String search = searchSource(o);
            if (search != null) {
                Map<String, Object> ss = TestSupport.parseJson(search);
                if (ss.containsKey("indexRefName")) assertTrue(refNames.contains(ss.get("indexRefName")));
                for (Object f : (List<Object>) ss.get("filter")) {
                    String ref =
                            (String) ((Map<String, Object>) ((Map<String, Object>) f).get("meta")).get("indexRefName");
                    assertTrue("filter reference " + ref, refNames.contains(ref));
                }
            }
            if (o.get("type").equals("visualization")) TestSupport.parseJson((String) attributes.get("visState"));
            if (o.get("type").equals("dashboard")) {
                List<Map<String, Object>> panels = TestSupport.parseJsonList((String) attributes.get("panelsJSON"));
                assertFalse(panels.isEmpty());
                for (Map<String, Object> p : panels)
                    assertTrue((String) p.get("panelRefName"), refNames.contains(p.get("panelRefName")));
            }
        }
        assertTrue(objects.stream()
                        .filter(o -> o.get("type").equals("visualization"))
                        .count()
                >= 12);
        assertTrue(
                objects.stream().filter(o -> o.get("type").equals("dashboard")).count() >= 3);
        assertTrue(objects.stream().anyMatch(o -> o.get("type").equals("search")));
        Set<String> dashboards = new HashSet<>();
        objects.stream()
                .filter(o -> o.get("type").equals("dashboard"))
                .forEach(o -> dashboards.add((String) ((Map<String, Object>) o.get("attributes")).get("title")));
        assertEquals(
                Set.of(
                        "devops-audit - Security overview",
                        "devops-audit - Access review",
                        "devops-audit - Change and traceability",
                        "devops-audit - Ingest health"),
                dashboards);
    }

    @SuppressWarnings("unchecked")
    public void testEveryFieldExistsInTheMappingAndIsAggregatableWhereAggregated() {
        Map<String, String> events = ContentFiles.fieldTypes("index-template.json");
        Map<String, String> deadLetters = ContentFiles.fieldTypes("dead-letter-template.json");
        Map<String, String> health = ContentFiles.fieldTypes("health-template.json");
        Map<String, Map<String, String>> byPattern = new HashMap<>();
        for (Map<String, Object> o : ContentFiles.savedObjects()) {
            if (o.get("type").equals("index-pattern")) {
                String title = (String) ((Map<String, Object>) o.get("attributes")).get("title");
                byPattern.put(
                        (String) o.get("id"),
                        title.equals("devops-audit-failed-*")
                                ? deadLetters
                                : title.equals("devops-audit-health-*") ? health : events);
            }
        }
        Pattern queryField = Pattern.compile("([a-z_@][a-z_.@]*):");
        for (Map<String, Object> o : ContentFiles.savedObjects()) {
            if (Set.of("visualization", "search").contains(o.get("type")) == false) continue;
            String patternId = (String)
                    ((List<Map<String, Object>>) o.get("references")).get(0).get("id");
            Map<String, String> types = byPattern.get(patternId);
            Map<String, Object> attributes = (Map<String, Object>) o.get("attributes");
            String title = (String) attributes.get("title");
            Map<String, Object> ss = TestSupport.parseJson(searchSource(o));
            Matcher m = queryField.matcher((String) ((Map<String, Object>) ss.get("query")).get("query"));
            while (m.find()) assertTrue(title + " queries unmapped " + m.group(1), types.containsKey(m.group(1)));
            if (o.get("type").equals("search")) {
                for (Object c : (List<Object>) attributes.get("columns"))
                    assertTrue(title + " column " + c, types.containsKey(c));
            } else {
                Map<String, Object> vis = TestSupport.parseJson((String) attributes.get("visState"));
                for (Map<String, Object> agg : (List<Map<String, Object>>) vis.get("aggs")) {
                    Object field = ((Map<String, Object>) agg.get("params")).get("field");
                    if (field == null) continue;
                    assertTrue(title + " aggregates unmapped " + field, types.containsKey(field));
                    assertTrue(
                            title + " aggregates non-aggregatable " + field + " (" + types.get(field) + ")",
                            ContentFiles.aggregatable(types.get(field)));
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    static String searchSource(Map<String, Object> o) {
        Object meta = ((Map<String, Object>) o.get("attributes")).get("kibanaSavedObjectMeta");
        return meta == null ? null : (String) ((Map<String, Object>) meta).get("searchSourceJSON");
    }
}
