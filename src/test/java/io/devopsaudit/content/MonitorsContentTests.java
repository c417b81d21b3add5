/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import io.devopsaudit.TestSupport;
import io.devopsaudit.indicators.Rule;
import org.opensearch.test.OpenSearchTestCase;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Every shipped monitor has the documented Alerting shape and only uses fields the template maps. */
public class MonitorsContentTests extends OpenSearchTestCase {

    static final Set<String> TYPES = Set.of("query_level_monitor", "bucket_level_monitor", "doc_level_monitor");
    static final Set<String> UNITS = Set.of("MINUTES", "HOURS", "DAYS");

    @SuppressWarnings("unchecked")
    public void testEveryMonitorHasTheDocumentedShape() {
        List<Map<String, Object>> monitors = ContentFiles.monitors();
        Set<String> names = new HashSet<>();
        for (Map<String, Object> m : monitors) {
            String name = (String) m.get("name");
            assertTrue(name, name.startsWith("devops-audit: "));
            assertTrue("duplicate " + name, names.add(name));
            assertEquals(name, "monitor", m.get("type"));
            assertTrue(name, TYPES.contains(m.get("monitor_type")));
            assertEquals(name, true, m.get("enabled"));
            Map<String, Object> period = (Map<String, Object>) ((Map<String, Object>) m.get("schedule")).get("period");
            assertTrue(name, ((Number) period.get("interval")).intValue() > 0);
            assertTrue(name, UNITS.contains(period.get("unit")));
            List<Map<String, Object>> inputs = (List<Map<String, Object>>) m.get("inputs");
            assertEquals(name, 1, inputs.size());
            List<Map<String, Object>> triggers = (List<Map<String, Object>>) m.get("triggers");
            assertFalse(name, triggers.isEmpty());
            String wrapper =
                    switch ((String) m.get("monitor_type")) {
                        case "bucket_level_monitor" -> "bucket_level_trigger";
                        case "doc_level_monitor" -> "document_level_trigger";
                        default -> null;
                    };
            for (Map<String, Object> t : triggers) {
                Map<String, Object> trigger = wrapper == null ? t : (Map<String, Object>) t.get(wrapper);
                assertNotNull(name + " trigger must be wrapped in " + wrapper, trigger);
                assertTrue(name, Set.of("1", "2", "3", "4", "5").contains(trigger.get("severity")));
                Map<String, Object> condition = (Map<String, Object>) trigger.get("condition");
                Map<String, Object> script = (Map<String, Object>) condition.get("script");
                assertEquals("painless", script.get("lang"));
                assertNotNull(script.get("source"));
                if (wrapper != null && wrapper.equals("bucket_level_trigger")) {
                    Map<String, Object> query = (Map<String, Object>)
                            ((Map<String, Object>) inputs.get(0).get("search")).get("query");
                    Map<String, Object> parent = (Map<String, Object>)
                            ((Map<String, Object>) query.get("aggregations")).get(condition.get("parent_bucket_path"));
                    assertNotNull(name + ": parent_bucket_path must name the composite aggregation", parent);
                    // every path the condition reads is the bucket's count or one of the composite's sub-aggregations
                    Map<String, Object> paths = (Map<String, Object>) condition.get("buckets_path");
                    assertFalse(name, paths.isEmpty());
                    for (Map.Entry<String, Object> path : paths.entrySet()) {
                        String head = ((String) path.getValue()).split("[.>]")[0];
                        assertTrue(
                                name + " reads " + path.getValue(),
                                head.equals("_count") || ((Map<String, Object>) parent.get("aggs")).containsKey(head));
                        assertTrue(
                                name + " never reads params." + path.getKey(),
                                ((String) script.get("source")).contains("params." + path.getKey()));
                    }
                }
                for (Map<String, Object> action : (List<Map<String, Object>>) trigger.get("actions")) {
                    assertEquals(
                            "no hard-coded destination: setup fills the placeholder",
                            "NOTIFICATION_CHANNEL_ID",
                            action.get("destination_id"));
                    String message = (String) ((Map<String, Object>) action.get("message_template")).get("source");
                    assertTrue(name, message.contains("DASHBOARDS_URL/app/"));
                    assertTrue(name + " names the monitor", message.contains("{{ctx.monitor.name}}"));
                }
            }
            if (m.get("monitor_type").equals("bucket_level_monitor")) {
                String body = TestSupport.prettyJson(m);
                assertTrue(name + " must window on period_end", body.contains("{{period_end}}||-"));
                Map<String, Object> search = (Map<String, Object>) inputs.get(0).get("search");
                assertTrue(
                        name + " watches the events, the dead letters or the health records",
                        Set.of(
                                        List.of("devops-audit-gitlab-*", "devops-audit-circleci-*"),
                                        List.of("devops-audit-failed-*"),
                                        List.of("devops-audit-health-*"))
                                .contains(search.get("indices")));
            }
        }
    }

    public void testAtLeastTwentySixMonitorsAndACompositeWorkflowShip() {
        assertTrue(
                ContentFiles.monitors().size() + " monitors",
                ContentFiles.monitors().size() >= 26);
        assertFalse(MonitorContent.renderWorkflows(null, null).isEmpty());
    }

    public void testTheRequiredDetectionsAreCovered() {
        Set<String> names = new HashSet<>();
        ContentFiles.monitors().forEach(m -> names.add((String) m.get("name")));
        for (String needed : List.of(
                "Failed sign-ins per user",
                "Failed sign-ins per source IP",
                "Failed OTP/WebAuthn after a correct password",
                "Mass clone or download by one actor",
                "Burst of project or group deletions",
                "Burst of project or group exports",
                "Burst of access-token creation",
                "Burst of CircleCI secret changes",
                "Per-actor risk",
                "Actor seen from a new country",
                "Actor seen from a new network (ASN)",
                "Failed sign-ins then a success within 15 minutes (same user)",
                "Failed sign-ins then a success within 15 minutes (same source IP)",
                "Burst of denied access to IP-restricted groups",
                "CircleCI context secrets changed or deleted in bulk",
                "Burst of member removals",
                "Bulk CI/CD variable reads through the API",
                "Audit source silent",
                "Collector failing",
                "Dead letters growing",
                "Conflicting copies")) {
            assertTrue(needed, names.stream().anyMatch(n -> n.contains(needed)));
        }
        // a doc-level monitor for every indicator class that has a high or critical rule
        Set<String> highClasses = new HashSet<>();
        for (Rule r : TestSupport.RULES.rules()) {
            if (r.severity().equals("high") || r.severity().equals("critical")) highClasses.add(r.indicatorClass());
        }
        String all = TestSupport.prettyJson(Map.of("m", ContentFiles.monitors()));
        for (String c : highClasses) {
            assertTrue(
                    "no doc-level monitor for class " + c,
                    all.contains("audit.indicator_severity:(\\\"" + c + ":high\\\" OR \\\"" + c + ":critical\\\")"));
        }
    }

    @SuppressWarnings("unchecked")
    public void testMonitorsOnlyUseMappedAggregatableFields() {
        Pattern fieldRef = Pattern.compile("\"field\"\\s*:\\s*\"([^\"]+)\"");
        Pattern termKeys = Pattern.compile("\"(?:term|terms|match_phrase|range)\"\\s*:\\s*\\{\\s*\"([^\"]+)\"");
        Pattern queryStringFields = Pattern.compile("([a-z_@][a-z_.@]*):");
        for (Map<String, Object> m : ContentFiles.monitors()) {
            // each monitor's fields are checked against the template of the indices it reads
            String indices = TestSupport.prettyJson(Map.of("i", ((List<Map<String, Object>>) m.get("inputs")).get(0)));
            Map<String, String> types = ContentFiles.fieldTypes(
                    indices.contains("devops-audit-health-*")
                            ? "health-template.json"
                            : indices.contains("devops-audit-failed-*")
                                    ? "dead-letter-template.json"
                                    : "index-template.json");
            String json = TestSupport.prettyJson(m).replace("\n", " ");
            for (Pattern p : List.of(fieldRef, termKeys)) {
                Matcher matcher = p.matcher(json);
                while (matcher.find()) {
                    String f = matcher.group(1);
                    if (p == termKeys && f.equals("field")) continue; // a terms aggregation, checked by fieldRef
                    assertTrue(m.get("name") + " uses unmapped field " + f, types.containsKey(f));
                    if (p == fieldRef)
                        assertTrue(m.get("name") + " aggregates " + f, ContentFiles.aggregatable(types.get(f)));
                }
            }
            if (m.get("monitor_type").equals("doc_level_monitor")) {
                for (Map<String, Object> input : (List<Map<String, Object>>) m.get("inputs")) {
                    for (Map<String, Object> q : (List<Map<String, Object>>)
                            ((Map<String, Object>) input.get("doc_level_input")).get("queries")) {
                        // field names outside quoted values ("privilege_escalation:high" is a value)
                        String unquoted = ((String) q.get("query")).replaceAll("\"[^\"]*\"", "\"\"");
                        Matcher matcher = queryStringFields.matcher(unquoted);
                        while (matcher.find()) assertTrue(matcher.group(1), types.containsKey(matcher.group(1)));
                    }
                }
            }
        }
    }
}
