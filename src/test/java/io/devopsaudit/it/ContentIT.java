/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.TestSupport;
import io.devopsaudit.content.ContentFiles;
import io.devopsaudit.golden.GoldenCases;
import io.devopsaudit.parse.JsonText;
import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shipped content, proven on the real node. The Alerting plugin is not on Maven Central, so each monitor is
 * replayed the way Alerting runs it: its search rendered with {@code period_end}, run on fixture data, and its
 * trigger's Painless script evaluated per bucket through {@code _scripts/painless/_execute}; it must fire on the
 * positive fixture and stay silent on the benign one. Every saved search and visualization query runs on indexed data.
 */
public class ContentIT extends DevopsAuditRestTestCase {

    static final Instant PERIOD_END = Instant.parse("2024-03-02T22:30:00Z");

    /** Per monitor (matched by a fragment of its name): the positive fixture document and count, and the benign one. */
    record Fixture(Map<String, Object> positive, int positives, Map<String, Object> benign, int benigns) {}

    static Map<String, Object> doc(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static final Map<String, Fixture> FIXTURES = new LinkedHashMap<>();

    static {
        Map<String, Object> failed = doc(
                "event.action",
                "login_failed_with_standard_authentication",
                "event.outcome",
                "failure",
                "user.name",
                "victim",
                "source.ip",
                "198.51.100.23");
        FIXTURES.put("Failed sign-ins per user", new Fixture(failed, 12, failed, 9));
        Map<String, Object> spray = doc(
                "event.action",
                "user.logged_in",
                "event.outcome",
                "failure",
                "user.name",
                "#",
                "source.ip",
                "198.51.100.99");
        FIXTURES.put(
                "Failed sign-ins per source IP",
                new Fixture(
                        spray,
                        12,
                        doc(
                                "event.action",
                                "user.logged_in",
                                "event.outcome",
                                "failure",
                                "user.name",
                                "#",
                                "source.ip",
                                "198.51.100.#"),
                        12));
        FIXTURES.put(
                "Failed OTP/WebAuthn",
                new Fixture(
                        doc("event.action", "login_failed_with_otp_authentication", "user.name", "bob"),
                        3,
                        doc("event.action", "login_failed_with_otp_authentication", "user.name", "bob"),
                        2));
        FIXTURES.put(
                "Mass clone",
                new Fixture(
                        doc(
                                "event.action",
                                "repository_git_operation",
                                "audit.message",
                                "protocol: ssh, action: git-upload-pack",
                                "user.name",
                                "mallory"),
                        25,
                        doc(
                                "event.action",
                                "repository_git_operation",
                                "audit.message",
                                "protocol: ssh, action: git-receive-pack",
                                "user.name",
                                "mallory"),
                        30));
        FIXTURES.put(
                "deletions",
                new Fixture(
                        doc("event.action", "project_destroyed", "user.name", "carol"),
                        10,
                        doc("event.action", "project_destroyed", "user.name", "carol"),
                        9));
        FIXTURES.put(
                "exports",
                new Fixture(
                        doc("event.action", "project_export_created", "user.name", "mallory"),
                        3,
                        doc("event.action", "project_export_created", "user.name", "mallory"),
                        2));
        FIXTURES.put(
                "access-token",
                new Fixture(
                        doc("event.action", "personal_access_token_created", "user.name", "mallory"),
                        3,
                        doc("event.action", "personal_access_token_revoked", "user.name", "mallory"),
                        5));
        FIXTURES.put(
                "CircleCI secret",
                new Fixture(
                        doc("event.action", "context.env_var.store", "user.name", "mallory"),
                        5,
                        doc("event.action", "context.env_var.store", "user.name", "mallory"),
                        4));
        FIXTURES.put(
                "member removals",
                new Fixture(
                        doc("event.action", "member_destroyed", "user.name", "mallory"),
                        10,
                        doc("event.action", "member_destroyed", "user.name", "mallory"),
                        9));
        FIXTURES.put(
                "variable reads",
                new Fixture(
                        doc("event.action", "variable_viewed_api", "user.name", "mallory"),
                        10,
                        doc("event.action", "variable_viewed_api", "user.name", "mallory"),
                        9));
        FIXTURES.put(
                "password resets",
                new Fixture(
                        doc("event.action", "password_reset_requested", "user.target.name", "victim"),
                        5,
                        doc("event.action", "password_reset_requested", "user.target.name", "victim"),
                        4));
    }

    @SuppressWarnings("unchecked")
    public void testEveryMonitorFiresOnItsPositiveFixtureAndStaysSilentOnTheBenignOne() throws Exception {
        SetupIT.setup();
        int replayed = 0;
        for (Map<String, Object> monitor : ContentFiles.monitors()) {
            String name = (String) monitor.get("name");
            if (monitor.get("monitor_type").equals("doc_level_monitor")) {
                replayDocLevel(monitor);
                replayed++;
                continue;
            }
            Fixture f = FIXTURES.entrySet().stream()
                    .filter(e -> name.contains(e.getKey()))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no fixture for monitor [" + name + "]"));
            index("devops-audit-fixture-positive", f.positive(), f.positives());
            index("devops-audit-fixture-benign", f.benign(), f.benigns());
            assertTrue(name + " must fire on the positive fixture", fires(monitor, "devops-audit-fixture-positive"));
            assertFalse(
                    name + " must stay silent on the benign fixture", fires(monitor, "devops-audit-fixture-benign"));
            deleteIndex("devops-audit-fixture-positive");
            deleteIndex("devops-audit-fixture-benign");
            replayed++;
        }
        assertEquals(ContentFiles.monitors().size(), replayed);
    }

    /** Runs the monitor's rendered search on one index and its bucket trigger script on each bucket. */
    @SuppressWarnings("unchecked")
    private boolean fires(Map<String, Object> monitor, String index) throws Exception {
        Map<String, Object> search = (Map<String, Object>)
                ((List<Map<String, Object>>) monitor.get("inputs")).get(0).get("search");
        String query = JsonText.write(search.get("query"))
                .replace("{{period_end}}", Long.toString(PERIOD_END.toEpochMilli()))
                .replace("{{period_start}}", Long.toString(PERIOD_END.toEpochMilli() - 300_000));
        Request request = new Request("POST", "/" + index + "/_search");
        request.setJsonEntity(query);
        Map<String, Object> response = entityAsMap(client().performRequest(request));
        Map<String, Object> trigger = (Map<String, Object>)
                ((Map<String, Object>) ((List<Object>) monitor.get("triggers")).get(0)).get("bucket_level_trigger");
        Map<String, Object> condition = (Map<String, Object>) trigger.get("condition");
        String script = (String) ((Map<String, Object>) condition.get("script")).get("source");
        Map<String, Object> parent = (Map<String, Object>)
                ((Map<String, Object>) response.get("aggregations")).get(condition.get("parent_bucket_path"));
        boolean any = false;
        for (Map<String, Object> bucket : (List<Map<String, Object>>) parent.get("buckets")) {
            any |= painless(script, Map.of("_count", bucket.get("doc_count")));
        }
        return any;
    }

    /** A doc-level monitor's query_string queries against a positive and a benign document. */
    @SuppressWarnings("unchecked")
    private void replayDocLevel(Map<String, Object> monitor) throws Exception {
        Map<String, Object> input = (Map<String, Object>)
                ((List<Map<String, Object>>) monitor.get("inputs")).get(0).get("doc_level_input");
        for (Map<String, Object> q : (List<Map<String, Object>>) input.get("queries")) {
            String cls = (String) q.get("name");
            // benign: the class was raised at medium while another class made the event high
            String other = cls.equals("defense_evasion") ? "exfiltration" : "defense_evasion";
            index(
                    "devops-audit-fixture-positive",
                    doc(
                            "audit.indicators",
                            List.of(cls),
                            "audit.indicator_severity",
                            List.of(cls + ":high"),
                            "audit.severity",
                            "high"),
                    1);
            index(
                    "devops-audit-fixture-benign",
                    doc(
                            "audit.indicators",
                            List.of(cls, other),
                            "audit.indicator_severity",
                            List.of(cls + ":medium", other + ":high"),
                            "audit.severity",
                            "high"),
                    1);
            for (String[] idx :
                    new String[][] {{"devops-audit-fixture-positive", "1"}, {"devops-audit-fixture-benign", "0"}}) {
                Request r = new Request("POST", "/" + idx[0] + "/_count");
                r.setJsonEntity("{\"query\":{\"query_string\":{\"query\":" + JsonText.write(q.get("query")) + "}}}");
                assertEquals(
                        monitor.get("name") + " on " + idx[0],
                        Integer.parseInt(idx[1]),
                        entityAsMap(client().performRequest(r)).get("count"));
            }
            deleteIndex("devops-audit-fixture-positive");
            deleteIndex("devops-audit-fixture-benign");
            String condition = (String) ((Map<String, Object>) ((Map<String, Object>)
                                    ((Map<String, Object>) ((List<Object>) monitor.get("triggers")).get(0))
                                            .get("document_level_trigger"))
                            .get("condition"))
                    .get("script")
                    .toString();
            assertTrue(
                    "the trigger refers to the query's tag",
                    condition.contains("query[tag=" + ((List<Object>) q.get("tags")).get(0) + "]"));
        }
    }

    private static boolean painless(String source, Map<String, Object> params) throws Exception {
        Request r = new Request("POST", "/_scripts/painless/_execute");
        r.setJsonEntity(
                "{\"script\":{\"source\":" + JsonText.write(source) + ",\"params\":" + JsonText.write(params) + "}}");
        return Boolean.parseBoolean(
                String.valueOf(entityAsMap(client().performRequest(r)).get("result")));
    }

    /** Indexes {@code count} copies of a fixture record, one minute apart ending just before period_end; "#" becomes the copy number. */
    private static void index(String index, Map<String, Object> fields, int count) throws Exception {
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < count; i++) {
            io.devopsaudit.normalize.RecordBuilder r = new io.devopsaudit.normalize.RecordBuilder();
            r.put("@timestamp", PERIOD_END.minusSeconds(20L * (i + 1)).toString());
            r.put("event.provider", "gitlab");
            for (Map.Entry<String, Object> e : fields.entrySet()) {
                Object v = e.getValue() instanceof String s ? s.replace("#", Integer.toString(i)) : e.getValue();
                r.put(e.getKey(), v);
            }
            bulk.append("{\"index\":{\"_index\":\"")
                    .append(index)
                    .append("\"}}\n")
                    .append(JsonText.write(r.build()))
                    .append('\n');
        }
        Request request = new Request("POST", "/_bulk?refresh=true");
        request.setJsonEntity(bulk.toString());
        Map<String, Object> result = entityAsMap(client().performRequest(request));
        assertEquals(result.toString(), false, result.get("errors"));
    }

    @SuppressWarnings("unchecked")
    public void testEverySavedSearchAndVisualizationQueryRunsOnIndexedData() throws Exception {
        SetupIT.setup();
        StringBuilder bulk = new StringBuilder();
        for (GoldenCases.Case c : GoldenCases.all()) {
            bulk.append("{\"index\":{\"_index\":\"incoming\"}}\n{\"message\":")
                    .append(JsonText.write(c.text()))
                    .append("}\n");
        }
        bulk.append("{\"index\":{\"_index\":\"incoming\"}}\n{\"message\":\"not an audit event\"}\n");
        Request load = new Request("POST", "/_bulk?pipeline=devops-audit&refresh=true");
        load.setJsonEntity(bulk.toString());
        assertEquals(false, entityAsMap(client().performRequest(load)).get("errors"));
        client().performRequest(new Request("POST", "/devops-audit-*/_refresh"));

        Map<String, String> patterns = new HashMap<>();
        List<Map<String, Object>> objects = ContentFiles.savedObjects();
        for (Map<String, Object> o : objects) {
            if (o.get("type").equals("index-pattern"))
                patterns.put((String) o.get("id"), (String) ((Map<String, Object>) o.get("attributes")).get("title"));
        }
        int ran = 0;
        List<String> empty = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            Map<String, Object> attributes = (Map<String, Object>) o.get("attributes");
            Object meta = attributes.get("kibanaSavedObjectMeta");
            if (meta == null
                    || o.get("type").equals("dashboard")
                            && ((List<Object>) TestSupport.parseJson(
                                                    (String) ((Map<String, Object>) meta).get("searchSourceJSON"))
                                            .get("filter"))
                                    .isEmpty()) continue;
            Map<String, Object> source =
                    TestSupport.parseJson((String) ((Map<String, Object>) meta).get("searchSourceJSON"));
            String queryText = (String) ((Map<String, Object>) source.get("query")).get("query");
            List<Object> filters = new ArrayList<>();
            filters.add(
                    queryText.isEmpty()
                            ? Map.of("match_all", Map.of())
                            : Map.of("query_string", Map.of("query", queryText)));
            List<Object> mustNot = new ArrayList<>();
            for (Object f : (List<Object>) source.get("filter")) { // run even the disabled ones: they must be valid
                Map<String, Object> filter = (Map<String, Object>) f;
                Object q = filter.get("query");
                if (Boolean.TRUE.equals(((Map<String, Object>) filter.get("meta")).get("negate"))) mustNot.add(q);
                else filters.add(q);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("size", 0);
            body.put("track_total_hits", true);
            body.put("query", Map.of("bool", Map.of("filter", filters, "must_not", mustNot)));
            if (o.get("type").equals("visualization"))
                body.put("aggs", aggs(TestSupport.parseJson((String) attributes.get("visState"))));
            String pattern = o.get("type").equals("dashboard")
                    ? patterns.values().stream()
                            .filter(p -> p.contains("gitlab"))
                            .findFirst()
                            .get()
                    : patterns.get(((List<Map<String, Object>>) o.get("references"))
                            .get(0)
                            .get("id"));
            Request request = new Request("POST", "/" + pattern + "/_search");
            request.setJsonEntity(JsonText.write(body));
            Map<String, Object> response = entityAsMap(client().performRequest(request));
            assertEquals(
                    attributes.get("title") + ": " + response,
                    0,
                    ((Map<String, Object>) response.get("_shards")).get("failed"));
            long hits = ((Number) ((Map<String, Object>) ((Map<String, Object>) response.get("hits")).get("total"))
                            .get("value"))
                    .longValue();
            if (hits == 0) empty.add((String) attributes.get("title"));
            ran++;
        }
        assertTrue(ran >= 26);
        logger.info("saved objects whose query matched no sample document: {}", empty);
        assertTrue("most objects should see sample data, empty: " + empty, empty.size() <= 6);
    }

    /** Translates a visualization's aggs as Dashboards does: buckets nest in order, metrics go under the innermost bucket. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> aggs(Map<String, Object> visState) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> current = root;
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (Map<String, Object> agg : (List<Map<String, Object>>) visState.get("aggs")) {
            Map<String, Object> params = (Map<String, Object>) agg.get("params");
            String type = (String) agg.get("type");
            switch (type) {
                case "count" -> {}
                case "terms" -> {
                    Map<String, Object> inner = new LinkedHashMap<>();
                    Map<String, Object> def = new LinkedHashMap<>();
                    def.put("terms", Map.of("field", params.get("field"), "size", params.get("size")));
                    def.put("aggs", inner);
                    current.put("agg_" + agg.get("id"), def);
                    current = inner;
                }
                case "date_histogram" -> {
                    Map<String, Object> inner = new LinkedHashMap<>();
                    Map<String, Object> def = new LinkedHashMap<>();
                    def.put(
                            "date_histogram",
                            Map.of("field", params.get("field"), "fixed_interval", "1h", "min_doc_count", 1));
                    def.put("aggs", inner);
                    current.put("agg_" + agg.get("id"), def);
                    current = inner;
                }
                default -> metrics.add(agg);
            }
        }
        for (Map<String, Object> m : metrics) {
            current.put(
                    "agg_" + m.get("id"),
                    Map.of(
                            (String) m.get("type"),
                            Map.of("field", ((Map<String, Object>) m.get("params")).get("field"))));
        }
        return root;
    }

    @SuppressWarnings("unchecked")
    public void testRenderedMonitorsCarryTheChannelAndDashboardsUrl() throws Exception {
        Map<String, Object> withChannel = call(
                "GET",
                "/_plugins/devops_audit/_content/monitors?notification_channel_id=chan-1"
                        + "&dashboards_url=https://dash.example.com/",
                null);
        String text = JsonText.write(withChannel);
        assertFalse(text.contains("NOTIFICATION_CHANNEL_ID"));
        assertFalse(text.contains("DASHBOARDS_URL"));
        assertTrue(text.contains("\"destination_id\":\"chan-1\""));
        assertTrue(text.contains("https://dash.example.com/app/data-explorer/discover"));
        assertEquals(ContentFiles.monitors().size(), ((List<Object>) withChannel.get("monitors")).size());
        String without = JsonText.write(call("GET", "/_plugins/devops_audit/_content/monitors", null));
        assertFalse("without a channel there are no actions", without.contains("destination_id"));
        ResponseException e = expectThrows(
                ResponseException.class,
                () -> call("GET", "/_plugins/devops_audit/_content/monitors?notification_channel_id=a%20b", null));
        assertEquals(400, e.getResponse().getStatusLine().getStatusCode());
        assertTrue(e.getMessage().contains("[notification_channel_id] must be a notification channel id"));
    }
}
