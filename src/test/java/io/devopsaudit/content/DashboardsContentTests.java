/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import io.devopsaudit.TestSupport;
import io.devopsaudit.schema.IndexNames;
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

    /** The shipped index templates: the one with the highest priority among those matching an index maps it. */
    static final List<String> TEMPLATES = List.of(
            "index-template.json", "dead-letter-template.json", "health-template.json", "activity-template.json");

    /** The template that maps the indices of an index pattern's title (every comma-separated part the same one). */
    @SuppressWarnings("unchecked")
    static String templateOf(String title) {
        String chosen = null;
        for (String part : title.split(",")) {
            String index = part.replace("*", "2024.05"); // an index the pattern covers
            String best = null;
            int bestPriority = Integer.MIN_VALUE;
            for (String file : TEMPLATES) {
                Map<String, Object> template = SetupService.resource(file);
                int priority = ((Number) template.getOrDefault("priority", 0)).intValue();
                for (String glob : (List<String>) template.get("index_patterns")) {
                    if (index.matches(Pattern.quote(glob).replace("*", "\\E.*\\Q")) && priority > bestPriority) {
                        best = file;
                        bestPriority = priority;
                    }
                }
            }
            assertNotNull(part + " is mapped by no shipped template", best);
            assertTrue(title + " spans two templates", chosen == null || chosen.equals(best));
            chosen = best;
        }
        return chosen;
    }

    public void testEachIndexPatternResolvesToTheTemplateThatMapsItsIndices() {
        assertEquals("index-template.json", templateOf("devops-audit-gitlab-*,devops-audit-circleci-*"));
        assertEquals("index-template.json", templateOf("devops-audit-gitlab-requests-*"));
        assertEquals("dead-letter-template.json", templateOf("devops-audit-failed-*"));
        assertEquals("health-template.json", templateOf("devops-audit-health-*"));
    }

    @SuppressWarnings("unchecked")
    public void testEveryFieldExistsInTheMappingAndIsAggregatableWhereAggregated() {
        Map<String, Map<String, String>> byPattern = new HashMap<>();
        for (Map<String, Object> o : ContentFiles.savedObjects()) {
            if (o.get("type").equals("index-pattern")) {
                String title = (String) ((Map<String, Object>) o.get("attributes")).get("title");
                byPattern.put((String) o.get("id"), ContentFiles.fieldTypes(templateOf(title)));
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

    /**
     * The Access review dashboard answers the request-log questions from the request indices: page views per user and
     * per IP, requests per path with their status, 401/403 per IP, and the countries and user agents of requests.
     */
    @SuppressWarnings("unchecked")
    public void testAccessReviewHasTheRequestLogPanels() {
        Map<String, Map<String, Object>> byId = new HashMap<>();
        String requestsPattern = null;
        for (Map<String, Object> o : ContentFiles.savedObjects()) {
            byId.put((String) o.get("id"), o);
            Map<String, Object> attributes = (Map<String, Object>) o.get("attributes");
            if (o.get("type").equals("index-pattern")
                    && attributes.get("title").equals(IndexNames.REQUESTS_PREFIX + "*"))
                requestsPattern = (String) o.get("id");
        }
        assertNotNull("an index pattern for the request indices", requestsPattern);
        Map<String, Object> dashboard = ContentFiles.savedObjects().stream()
                .filter(o ->
                        "devops-audit - Access review".equals(((Map<String, Object>) o.get("attributes")).get("title")))
                .findFirst()
                .orElseThrow();
        // each request panel as "query | field, field, ..." (its bucket and metric fields in order)
        Set<String> panels = new HashSet<>();
        for (Map<String, Object> ref : (List<Map<String, Object>>) dashboard.get("references")) {
            Map<String, Object> o = byId.get(ref.get("id"));
            if (o.get("type").equals("visualization") == false) continue;
            List<Map<String, Object>> refs = (List<Map<String, Object>>) o.get("references");
            if (refs.get(0).get("id").equals(requestsPattern) == false) continue;
            Map<String, Object> attributes = (Map<String, Object>) o.get("attributes");
            Map<String, Object> vis = TestSupport.parseJson((String) attributes.get("visState"));
            List<String> fields = new java.util.ArrayList<>();
            for (Map<String, Object> agg : (List<Map<String, Object>>) vis.get("aggs")) {
                Object field = ((Map<String, Object>) agg.get("params")).get("field");
                if (field != null && field.equals("@timestamp") == false) fields.add((String) field);
            }
            String query = (String) ((Map<String, Object>)
                            TestSupport.parseJson(searchSource(o)).get("query"))
                    .get("query");
            panels.add(query + " | " + String.join(", ", fields));
        }
        String views = "event.dataset:gitlab.production AND http.request.method:GET AND http.response.status_code:<400";
        for (String expected : List.of(
                views + " | user.name, source.ip",
                views + " | source.ip, user.name",
                "event.dataset:gitlab.api AND http.request.method:GET AND http.response.status_code:<400 | user.name, audit.token.type",
                " | url.path, http.response.status_code",
                "http.response.status_code:(401 OR 403) | source.ip, url.path",
                "event.dataset:gitlab.auth AND event.outcome:failure | source.ip, event.action",
                " | source.geo.country_name, source.as.organization.name",
                " | user_agent.original, source.ip")) {
            assertTrue(expected + " among " + panels, panels.contains(expected));
        }
    }

    @SuppressWarnings("unchecked")
    static String searchSource(Map<String, Object> o) {
        Object meta = ((Map<String, Object>) o.get("attributes")).get("kibanaSavedObjectMeta");
        return meta == null ? null : (String) ((Map<String, Object>) meta).get("searchSourceJSON");
    }
}
