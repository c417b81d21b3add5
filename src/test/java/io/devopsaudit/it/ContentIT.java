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

    /**
     * Per behaviour or health monitor (matched by a fragment of its name): documents at given times before
     * period_end, for monitors that compare times or windows (order of events, a new value against 30 days, a gap).
     */
    record Scenario(List<Map<String, Object>> positive, List<Map<String, Object>> benign) {}

    static final Map<String, Scenario> SCENARIOS = new LinkedHashMap<>();

    /** A document {@code ago} before period_end. */
    static Map<String, Object> at(java.time.Duration ago, Object... kv) {
        Map<String, Object> d = doc(kv);
        d.put("@timestamp", PERIOD_END.minus(ago).toString());
        return d;
    }

    static java.time.Duration minutes(long m) {
        return java.time.Duration.ofMinutes(m);
    }

    static List<Map<String, Object>> times(int n, java.time.Duration from, Object... kv) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(at(from.minusMinutes(i), kv));
        return out;
    }

    @SafeVarargs
    static List<Map<String, Object>> all(List<Map<String, Object>>... lists) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<Map<String, Object>> l : lists) out.addAll(l);
        return out;
    }

    static {
        List<Map<String, Object>> risky = new ArrayList<>();
        for (int i = 1; i <= 5; i++)
            risky.add(at(minutes(10 + i), "user.name", "mallory", "rule.id", "DA-GL-00" + i, "event.risk_score", 40));
        SCENARIOS.put(
                "Per-actor risk",
                new Scenario(
                        risky,
                        List.of(
                                at(minutes(11), "user.name", "mallory", "rule.id", "DA-GL-001", "event.risk_score", 40),
                                at(minutes(12), "user.name", "mallory", "rule.id", "DA-GL-002", "event.risk_score", 40),
                                at(
                                        minutes(13),
                                        "user.name",
                                        "mallory",
                                        "rule.id",
                                        "DA-GL-002",
                                        "event.risk_score",
                                        40))));
        java.time.Duration tenDays = java.time.Duration.ofDays(10);
        SCENARIOS.put(
                "new country",
                new Scenario(
                        all(
                                times(3, tenDays, "user.name", "carol", "source.geo.country_iso_code", "SE"),
                                List.of(at(minutes(10), "user.name", "carol", "source.geo.country_iso_code", "US"))),
                        all(
                                times(3, tenDays, "user.name", "carol", "source.geo.country_iso_code", "SE"),
                                List.of(at(minutes(10), "user.name", "carol", "source.geo.country_iso_code", "SE")))));
        SCENARIOS.put(
                "new network (ASN)",
                new Scenario(
                        all(
                                times(3, tenDays, "user.name", "carol", "source.as.number", 29518),
                                List.of(at(minutes(10), "user.name", "carol", "source.as.number", 15169))),
                        all(
                                times(3, tenDays, "user.name", "carol", "source.as.number", 29518),
                                List.of(at(minutes(10), "user.name", "carol", "source.as.number", 29518)))));
        for (String[] g :
                new String[][] {{"same user", "user.name", "dave"}, {"same source IP", "source.ip", "198.51.100.7"}}) {
            Object[] failed = {
                "event.action", "login_failed_with_standard_authentication", "event.outcome", "failure", g[1], g[2]
            };
            Object[] ok = {"event.action", "authenticated_with_password", "event.outcome", "success", g[1], g[2]};
            SCENARIOS.put(
                    "success within 15 minutes (" + g[0] + ")",
                    new Scenario(
                            // failures, then the success
                            all(times(4, minutes(10), failed), List.of(at(minutes(2), ok))),
                            // a success first, then failures with no success after them
                            all(List.of(at(minutes(12), ok)), times(4, minutes(8), failed))));
        }
        Object[] token = {"event.action", "personal_access_token_created", "user.name", "erin"};
        Object[] twoFactorOff = {"event.action", "user_disable_two_factor", "user.name", "erin"};
        SCENARIOS.put(
                "then a token created by the same user",
                new Scenario(
                        List.of(at(minutes(40), twoFactorOff), at(minutes(10), token)),
                        // the token came first: not the sequence
                        List.of(at(minutes(40), token), at(minutes(10), twoFactorOff))));
        Object[] gitlabSelfManaged = {"event.provider", "gitlab", "audit.instance", "gitlab.example.com"};
        SCENARIOS.put(
                "Audit source silent",
                new Scenario(
                        // sent for days, then a gap: nothing in the last 6 hours
                        times(12, java.time.Duration.ofDays(3), gitlabSelfManaged),
                        all(
                                times(12, java.time.Duration.ofDays(3), gitlabSelfManaged),
                                List.of(at(minutes(60), gitlabSelfManaged)))));
        Object[] pollFailed = {
            "event.action", "collector_poll_failed", "event.outcome", "failure", "collector.name", "prod"
        };
        Object[] pollRecovered = {
            "event.action", "collector_poll_recovered", "event.outcome", "success", "collector.name", "prod"
        };
        SCENARIOS.put(
                "Collector failing",
                new Scenario(
                        List.of(at(minutes(30), pollFailed), at(minutes(20), pollFailed)),
                        List.of(at(minutes(30), pollFailed), at(minutes(10), pollRecovered))));
    }

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
                "IP-restricted groups",
                new Fixture(
                        doc("event.action", "ip_restricted_group_accessed", "user.name", "mallory"),
                        5,
                        doc("event.action", "ip_restricted_group_accessed", "user.name", "mallory"),
                        4));
        FIXTURES.put(
                "CircleCI context secrets",
                new Fixture(
                        doc("event.action", "context.env_var.delete", "user.name", "mallory"),
                        3,
                        doc("event.action", "project.env_var.delete", "user.name", "mallory"),
                        5));
        FIXTURES.put(
                "Dead letters growing",
                new Fixture(
                        doc("error.type", "json_parse_exception", "event.kind", "pipeline_error"),
                        50,
                        doc("error.type", "json_parse_exception", "event.kind", "pipeline_error"),
                        49));
        FIXTURES.put(
                "Conflicting copies",
                new Fixture(
                        doc("event.kind", "conflicting_copy", "error.type", "conflicting_copy"),
                        1,
                        doc("event.kind", "pipeline_error", "error.type", "json_parse_exception"),
                        5));
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
            // fixtures go where the monitor reads, so they take that family's template
            String family = fixtureFamily(monitor);
            String positive = family + "fixture-positive";
            String benign = family + "fixture-benign";
            Scenario scenario = SCENARIOS.entrySet().stream()
                    .filter(e -> name.contains(e.getKey()))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(null);
            if (scenario != null) {
                indexAll(positive, scenario.positive());
                indexAll(benign, scenario.benign());
            } else {
                Fixture f = FIXTURES.entrySet().stream()
                        .filter(e -> name.contains(e.getKey()))
                        .map(Map.Entry::getValue)
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no fixture for monitor [" + name + "]"));
                index(positive, f.positive(), f.positives());
                index(benign, f.benign(), f.benigns());
            }
            assertTrue(name + " must fire on the positive fixture", fires(monitor, positive));
            assertFalse(name + " must stay silent on the benign fixture", fires(monitor, benign));
            deleteIndex(positive);
            deleteIndex(benign);
            replayed++;
        }
        assertEquals(ContentFiles.monitors().size(), replayed);
    }

    /** Runs the monitor's rendered search on one index and its bucket trigger script on each bucket. */
    @SuppressWarnings("unchecked")
    private boolean fires(Map<String, Object> monitor, String index) throws Exception {
        return fires(monitor, index, PERIOD_END);
    }

    /** The index family a monitor reads: events, dead letters or health records. */
    @SuppressWarnings("unchecked")
    static String fixtureFamily(Map<String, Object> monitor) {
        String indices = JsonText.write(((List<Map<String, Object>>) monitor.get("inputs")).get(0));
        return indices.contains("devops-audit-health-*")
                ? "devops-audit-health-"
                : indices.contains("devops-audit-failed-*") ? "devops-audit-failed-" : "devops-audit-";
    }

    /**
     * A value the trigger's buckets_path names, read from a composite bucket of the search response as Alerting's
     * bucket selector reads it: {@code _count}, {@code agg._count} (a filter's count), {@code agg>metric} or
     * {@code metric} (a metric's value).
     */
    @SuppressWarnings("unchecked")
    static Object bucketValue(Map<String, Object> bucket, String path) {
        if (path.equals("_count")) return bucket.get("doc_count");
        String[] steps = path.split(">");
        Map<String, Object> node = bucket;
        for (int i = 0; i < steps.length - 1; i++) node = (Map<String, Object>) node.get(steps[i]);
        String last = steps[steps.length - 1];
        if (last.endsWith("._count")) {
            return ((Map<String, Object>) node.get(last.substring(0, last.length() - "._count".length())))
                    .get("doc_count");
        }
        return ((Map<String, Object>) node.get(last)).get("value");
    }

    @SuppressWarnings("unchecked")
    private boolean fires(Map<String, Object> monitor, String index, Instant periodEnd) throws Exception {
        Map<String, Object> search = (Map<String, Object>)
                ((List<Map<String, Object>>) monitor.get("inputs")).get(0).get("search");
        String query = JsonText.write(search.get("query"))
                .replace("{{period_end}}", Long.toString(periodEnd.toEpochMilli()))
                .replace("{{period_start}}", Long.toString(periodEnd.toEpochMilli() - 300_000));
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
        Map<String, Object> paths = (Map<String, Object>) condition.get("buckets_path");
        for (Map<String, Object> bucket : (List<Map<String, Object>>) parent.get("buckets")) {
            Map<String, Object> params = new HashMap<>();
            paths.forEach((param, path) -> params.put(param, bucketValue(bucket, (String) path)));
            any |= painless(script, params);
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
            Map<String, Object> positive = doc(
                    "audit.indicators",
                    List.of(cls),
                    "audit.indicator_severity",
                    List.of(cls + ":high"),
                    "audit.severity",
                    "high");
            Map<String, Object> benign = doc(
                    "audit.indicators",
                    List.of(cls, other),
                    "audit.indicator_severity",
                    List.of(cls + ":medium", other + ":high"),
                    "audit.severity",
                    "high");
            if (cls.equals("account_change")) {
                // the first step of the takeover sequence: 2FA turned off; turning it on is benign
                positive = doc("event.action", "user_disable_two_factor", "user.name", "erin");
                benign = doc("event.action", "user_enable_two_factor", "user.name", "erin");
            }
            index("devops-audit-fixture-positive", positive, 1);
            index("devops-audit-fixture-benign", benign, 1);
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

    /** Indexes scenario documents, each at its own {@code @timestamp}. */
    private static void indexAll(String index, List<Map<String, Object>> docs) throws Exception {
        Bulk bulk = new Bulk();
        for (Map<String, Object> fields : docs) {
            io.devopsaudit.normalize.RecordBuilder r = new io.devopsaudit.normalize.RecordBuilder();
            r.put("event.provider", "gitlab");
            fields.forEach(r::put);
            bulk.index(index, null, r.build());
        }
        bulk.sendWithoutErrors(null);
    }

    /** Indexes {@code count} copies of a fixture record, one minute apart ending just before period_end; "#" becomes the copy number. */
    private static void index(String index, Map<String, Object> fields, int count) throws Exception {
        Bulk bulk = new Bulk();
        for (int i = 0; i < count; i++) {
            io.devopsaudit.normalize.RecordBuilder r = new io.devopsaudit.normalize.RecordBuilder();
            r.put("@timestamp", PERIOD_END.minusSeconds(20L * (i + 1)).toString());
            r.put("event.provider", "gitlab");
            for (Map.Entry<String, Object> e : fields.entrySet()) {
                Object v = e.getValue() instanceof String s ? s.replace("#", Integer.toString(i)) : e.getValue();
                r.put(e.getKey(), v);
            }
            bulk.index(index, null, r.build());
        }
        bulk.sendWithoutErrors(null);
    }

    @SuppressWarnings("unchecked")
    public void testEverySavedSearchAndVisualizationQueryRunsOnIndexedData() throws Exception {
        SetupIT.setup();
        Bulk bulk = new Bulk();
        for (GoldenCases.Case c : GoldenCases.all()) {
            bulk.message("incoming", c.text());
        }
        bulk.message("incoming", "not an audit event").sendWithoutErrors("devops-audit");
        // health records as the plugin writes them: a failed poll, its recovery, a retention run
        Map<String, Object> failing = new LinkedHashMap<>();
        failing.put("state", "error");
        failing.put("last_poll", "2024-03-02T10:00:00Z");
        failing.put(
                "last_error",
                Map.of(
                        "scope",
                        "instance",
                        "http_status",
                        500,
                        "message",
                        "500 Internal Server Error",
                        "hint",
                        "retry"));
        Map<String, Object> ok = Map.of("state", "ok", "last_poll", "2024-03-02T10:05:00Z");
        io.devopsaudit.retention.RetentionRun run = new io.devopsaudit.retention.RetentionRun(
                false, "2024-03-02T11:00:00Z", "node", 2555, 90, 90, List.of(), 0, List.of(), null);
        Bulk health = new Bulk();
        for (Map<String, Object> record : List.of(
                io.devopsaudit.health.HealthRecords.collectorPoll("sample", null, failing),
                io.devopsaudit.health.HealthRecords.collectorPoll("sample", failing, ok),
                io.devopsaudit.health.HealthRecords.retentionRun(run))) {
            io.devopsaudit.normalize.RecordBuilder r = new io.devopsaudit.normalize.RecordBuilder();
            record.forEach(r::put);
            health.index("devops-audit-health-2024.03", null, r.build());
        }
        health.sendWithoutErrors(null);
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
    static Map<String, Object> monitorNamed(String fragment) {
        return ContentFiles.monitors().stream()
                .filter(m -> ((String) m.get("name")).contains(fragment))
                .findFirst()
                .orElseThrow();
    }

    /**
     * The new-country monitor on events enriched by the real pipeline (GeoIP on this node): a user seen from the US
     * (8.8.8.8) ten days ago and from Sweden (89.160.20.128) now fires; a user seen from Sweden both times does not.
     */
    @SuppressWarnings("unchecked")
    public void testNewCountryFiresOnRealEnrichment() throws Exception {
        SetupIT.setup();
        String traveller = "traveller-" + randomAlphaOfLength(6).toLowerCase(java.util.Locale.ROOT);
        String resident = "resident-" + randomAlphaOfLength(6).toLowerCase(java.util.Locale.ROOT);
        List<String> events = new ArrayList<>();
        int id = 880_000 + randomIntBetween(0, 10_000);
        for (Object[] e : new Object[][] {
            {traveller, "8.8.8.8", java.time.Duration.ofDays(10)},
            {traveller, EnrichmentIT.PUBLIC_IP, minutes(10)},
            {resident, EnrichmentIT.PUBLIC_IP, java.time.Duration.ofDays(10)},
            {resident, EnrichmentIT.PUBLIC_IP, minutes(10)}
        }) {
            Map<String, Object> event = TestSupport.parseJsonOrdered(EnrichmentIT.event(id++, (String) e[1], null));
            ((Map<String, Object>) event.get("details")).put("author_name", e[0]);
            event.put("created_at", PERIOD_END.minus((java.time.Duration) e[2]).toString());
            events.add(JsonText.write(event));
        }
        List<Map<String, Object>> docs = EnrichmentIT.ingest(events.toArray(String[]::new));
        try {
            assertEquals("SE", EnrichmentIT.at(docs.get(1), "source.geo.country_iso_code"));
            Object us = EnrichmentIT.at(docs.get(0), "source.geo.country_iso_code");
            assertNotNull("8.8.8.8 is placed by the node's GeoLite2 database", us);
            assertNotEquals("SE", us);
            Map<String, Object> monitor = monitorNamed("Actor seen from a new country");
            // each user's events alone, as the monitor's composite buckets see them
            assertTrue(firesFor(monitor, traveller));
            assertFalse(firesFor(monitor, resident));
        } finally {
            Request cleanup = new Request("POST", "/devops-audit-gitlab-*/_delete_by_query?refresh=true");
            cleanup.setJsonEntity(
                    "{\"query\":{\"terms\":{\"user.name\":[\"" + traveller + "\",\"" + resident + "\"]}}}");
            client().performRequest(cleanup);
        }
    }

    /** Copies one user's real events into a fixture index and replays the monitor on it. */
    private boolean firesFor(Map<String, Object> monitor, String user) throws Exception {
        Request reindex = new Request("POST", "/_reindex?refresh=true");
        reindex.setJsonEntity("{\"source\":{\"index\":\"devops-audit-gitlab-*\",\"query\":{\"term\":{\"user.name\":\""
                + user + "\"}}},\"dest\":{\"index\":\"devops-audit-fixture-" + user + "\"}}");
        Map<String, Object> copied = entityAsMap(client().performRequest(reindex));
        assertEquals(copied.toString(), 2, copied.get("created"));
        try {
            return fires(monitor, "devops-audit-fixture-" + user);
        } finally {
            deleteIndex("devops-audit-fixture-" + user);
        }
    }

    /**
     * The collector-failure monitor on the health records a real collector writes: pointed at a fake GitLab that
     * answers 500, its failed polls fire the monitor; once GitLab answers again, the recovery record silences it.
     */
    @SuppressWarnings("unchecked")
    public void testCollectorFailingFiresOnARealFailingCollectorsHealthRecords() throws Exception {
        SetupIT.setup();
        String name = CollectorIT.name();
        String key = "devops_audit.collector." + name + ".token";
        String token = "glpat-" + randomAlphaOfLength(20);
        Map<String, Object> monitor = monitorNamed("Collector failing");
        StreamIT.keystoreSet(key, token);
        try (io.devopsaudit.collect.FakeGitlab gitlab = new io.devopsaudit.collect.FakeGitlab(token)) {
            gitlab.add(
                    1,
                    2,
                    2,
                    2,
                    Instant.now()
                            .truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                            .minusSeconds(30));
            gitlab.every500 = 1; // every request answers 500
            call(
                    "PUT",
                    CollectorIT.BASE + name,
                    CollectorIT.config(
                            gitlab.url(),
                            "[{\"instance\":true}]",
                            name + "-gl",
                            Instant.now().minus(1, java.time.temporal.ChronoUnit.DAYS)));
            CollectorIT.awaitState(name, "error");
            List<Map<String, Object>> failed = healthRecords(name, "collector_poll_failed");
            Map<String, Object> record = failed.get(0);
            assertEquals(500, EnrichmentIT.at(record, "http.response.status_code"));
            assertNotNull(EnrichmentIT.at(record, "error.message"));
            assertFalse("no token in a health record", JsonText.write(record).contains(token));
            assertTrue(name + " failing must fire", firesOnHealth(monitor, name));

            gitlab.every500 = 0;
            call("POST", CollectorIT.BASE + name + "/_run", null);
            CollectorIT.awaitState(name, "ok");
            assertFalse(healthRecords(name, "collector_poll_recovered").isEmpty());
            assertFalse(name + " recovered must be silent", firesOnHealth(monitor, name));
        } finally {
            call("DELETE", CollectorIT.BASE + name, null);
            StreamIT.keystoreSet(key, null);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> healthRecords(String collector, String action) throws Exception {
        List<Map<String, Object>>[] found = new List[1];
        assertBusy(() -> {
            call("POST", "/devops-audit-health-*/_refresh?ignore_unavailable=true&allow_no_indices=true", null);
            Map<String, Object> r = call(
                    "POST",
                    "/devops-audit-health-*/_search?ignore_unavailable=true&allow_no_indices=true",
                    "{\"query\":{\"bool\":{\"filter\":[{\"term\":{\"collector.name\":\"" + collector
                            + "\"}},{\"term\":{\"event.action\":\"" + action + "\"}}]}}}");
            List<Map<String, Object>> hits = ((List<Map<String, Object>>)
                            ((Map<String, Object>) r.get("hits")).get("hits"))
                    .stream().map(h -> (Map<String, Object>) h.get("_source")).toList();
            assertFalse("no " + action + " health record for " + collector, hits.isEmpty());
            found[0] = hits;
        });
        return found[0];
    }

    /** Replays the monitor on this collector's records in the real health indices, at period_end = now. */
    private boolean firesOnHealth(Map<String, Object> monitor, String collector) throws Exception {
        String copy = "devops-audit-health-fixture-" + collector;
        Request reindex = new Request("POST", "/_reindex?refresh=true");
        reindex.setJsonEntity(
                "{\"source\":{\"index\":\"devops-audit-health-20*\",\"query\":{\"term\":{\"collector.name\":\""
                        + collector + "\"}}},\"dest\":{\"index\":\"" + copy + "\"}}");
        client().performRequest(reindex);
        try {
            return fires(monitor, copy, Instant.now().plusSeconds(5));
        } finally {
            deleteIndex(copy);
        }
    }

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
