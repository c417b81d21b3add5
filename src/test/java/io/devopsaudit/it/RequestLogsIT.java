/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import org.opensearch.client.Request;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GitLab's request logs on the real node: production_json.log, api_json.log and auth_json.log lines imported through
 * the shipped pipeline land in the request indices (a redelivered line is a duplicate), never among the audit events;
 * the access report with {@code include_requests} counts the scope's page views and API reads exactly, with the same
 * exclusions; an audit event's context shows the request of its correlation id.
 */
public class RequestLogsIT extends DevopsAuditRestTestCase {

    static final String CORRELATION = "01HXJ4Z3K9T5Y6QW";

    /** A production_json.log line (the documented keys) viewing a page of {@code acme/payments}. */
    static String pageView(String time, String user, String ip, String path, int status, String correlation) {
        return "{\"method\":\"GET\",\"path\":\"" + path
                + "\",\"format\":\"html\",\"controller\":\"ProjectsController\","
                + "\"action\":\"show\",\"status\":" + status + ",\"time\":\"" + time + "\",\"params\":[],"
                + "\"remote_ip\":\"" + ip + "\",\"user_id\":" + Math.abs(user.hashCode() % 1000) + ",\"username\":\""
                + user + "\",\"ua\":\"Mozilla/5.0\",\"correlation_id\":\"" + correlation + "\","
                + "\"meta.project\":\"acme/payments\",\"meta.root_namespace\":\"acme\",\"duration_s\":0.05}";
    }

    static String apiRead(String time, String user, String ip, String method, int status) {
        return "{\"time\":\"" + time + "\",\"severity\":\"INFO\",\"duration_s\":0.01,\"status\":" + status
                + ",\"method\":\"" + method + "\",\"path\":\"/api/v4/projects/42/repository/tree\",\"params\":[],"
                + "\"host\":\"gitlab.example.com\",\"remote_ip\":\"" + ip + ", 127.0.0.1\",\"ua\":\"curl/8.5.0\","
                + "\"route\":\"/api/:version/projects/:id/repository/tree\",\"username\":\"" + user
                + "\",\"token_type\":\"PersonalAccessToken\",\"token_id\":7,\"correlation_id\":\"api-" + time + "\","
                + "\"meta.project\":\"acme/payments\",\"meta.root_namespace\":\"acme\"}";
    }

    static Map<String, Object> importLines(String format, List<String> lines) throws Exception {
        return ImportIT.importText(format == null ? "" : "?format=" + format, String.join("\n", lines) + "\n");
    }

    /** The fixture both tests read: page views, API requests and one audit event, imported through the pipeline. */
    static void load() throws Exception {
        SetupIT.setup();
        List<String> production = new ArrayList<>();
        // in the window 20:00-20:15 on acme/payments: 3 page views by mallory (outside), 2 by alice (office network)
        production.add(
                pageView("2024-05-10T20:05:12.345Z", "mallory", "203.0.113.77", "/acme/payments", 200, CORRELATION));
        production.add(pageView(
                "2024-05-10T20:06:00.000Z", "mallory", "203.0.113.77", "/acme/payments/-/tree/main", 200, "c2"));
        production.add(pageView(
                "2024-05-10T20:07:00.000Z", "mallory", "198.51.100.9", "/acme/payments/-/blob/main/a.rb", 304, "c3"));
        production.add(pageView("2024-05-10T20:08:00.000Z", "alice", "192.0.2.10", "/acme/payments", 200, "c4"));
        production.add(
                pageView("2024-05-10T20:09:00.000Z", "alice", "192.0.2.10", "/acme/payments/-/issues", 200, "c5"));
        // not page views: a 404, a view after the window
        production.add(
                pageView("2024-05-10T20:10:00.000Z", "mallory", "203.0.113.77", "/acme/payments/-/secret", 404, "c6"));
        production.add(pageView("2024-05-10T20:20:00.000Z", "mallory", "203.0.113.77", "/acme/payments", 200, "c7"));
        Map<String, Object> imported = importLines("gitlab_production_log", production);
        assertEquals(imported.toString(), production.size(), imported.get("indexed"));
        Map<String, Object> again = importLines("gitlab_production_log", production);
        assertEquals("a redelivered line is a duplicate: " + again, production.size(), again.get("duplicates"));
        assertEquals(0, again.get("indexed"));

        List<String> api = List.of(
                apiRead("2024-05-10T20:11:00.000Z", "mallory", "203.0.113.77", "GET", 200),
                apiRead("2024-05-10T20:12:00.000Z", "mallory", "203.0.113.77", "POST", 201), // a write, not a read
                apiRead("2024-05-10T20:13:00.000Z", "mallory", "203.0.113.77", "GET", 401)); // refused, not a read
        // auto-detected: the api_json.log lines need no format
        Map<String, Object> apiImported = importLines(null, api);
        assertEquals(apiImported.toString(), 3, apiImported.get("indexed"));

        // the audit event the first page view's request wrote (audit_json.log, same correlation id)
        String audit =
                "{\"severity\":\"INFO\",\"time\":\"2024-05-10T20:05:12.400Z\",\"correlation_id\":\"" + CORRELATION
                        + "\",\"meta.remote_ip\":\"203.0.113.77\",\"meta.user\":\"mallory\",\"author_id\":66,"
                        + "\"author_name\":\"mallory\",\"entity_id\":42,\"entity_type\":\"Project\",\"entity_path\":\"acme/payments\","
                        + "\"created_at\":\"2024-05-10T20:05:12.398+00:00\",\"ip_address\":\"203.0.113.77\","
                        + "\"custom_message\":\"Repository Download Started\",\"target_id\":42,\"target_type\":\"Project\","
                        + "\"target_details\":\"acme/payments\",\"id\":9001}";
        Map<String, Object> auditImported = importLines("gitlab_log", List.of(audit));
        assertEquals(auditImported.toString(), 1, auditImported.get("indexed"));
    }

    @SuppressWarnings("unchecked")
    public void testPageViewsCountAndTheContextShowsTheRequest() throws Exception {
        load();

        assertEquals(10L, count("devops-audit-gitlab-requests-2024.05"));
        assertEquals("request events are not audit events", 1L, count("devops-audit-gitlab-2024.05"));

        String window = "\"scope\":\"acme/payments\",\"from\":\"2024-05-10T20:00:00Z\",\"to\":\"2024-05-10T20:15:00Z\"";
        Map<String, Object> plain = call("POST", "/_plugins/devops_audit/_access_report", "{" + window + "}");
        assertNull("requests only when asked", plain.get("requests"));

        Map<String, Object> all = call(
                "POST",
                "/_plugins/devops_audit/_access_report",
                "{" + window + ",\"include_requests\":true,\"detail\":true}");
        Map<String, Object> requests = (Map<String, Object>) all.get("requests");
        assertEquals(all.toString(), 5, ((Number) requests.get("page_views")).intValue());
        assertEquals(1, ((Number) requests.get("api_reads")).intValue());
        assertEquals(2, ((Number) requests.get("distinct_users")).intValue());
        assertEquals(3, ((Number) requests.get("distinct_source_ips")).intValue());
        Map<String, Object> perUser = new java.util.HashMap<>();
        for (Object row : (List<?>) requests.get("users"))
            perUser.put(
                    (String) ((Map<?, ?>) row).get("user"), ((Number) ((Map<?, ?>) row).get("accesses")).intValue());
        assertEquals(Map.of("mallory", 4, "alice", 2), perUser);

        Map<String, Object> outside = call(
                "POST",
                "/_plugins/devops_audit/_access_report",
                "{" + window + ",\"include_requests\":true,\"exclude_networks\":[\"192.0.2.0/24\"]}");
        Map<String, Object> outsideRequests = (Map<String, Object>) outside.get("requests");
        assertEquals(3, ((Number) outsideRequests.get("page_views")).intValue());
        assertEquals(1, ((Number) outsideRequests.get("api_reads")).intValue());
        assertEquals(1, ((Number) outsideRequests.get("distinct_users")).intValue());

        Map<String, Object> ctx = call("GET", "/_plugins/devops_audit/_context/gitlab:9001", null);
        List<String> requestPaths = new ArrayList<>();
        for (Object e : (List<?>) ctx.get("events")) {
            Map<String, Object> entry = (Map<String, Object>) e;
            if (((List<?>) entry.get("reasons")).contains("request")) {
                assertEquals("devops-audit-gitlab-requests-2024.05", entry.get("_index"));
                Map<String, Object> source = (Map<String, Object>) entry.get("_source");
                requestPaths.add((String) ((Map<?, ?>) source.get("url")).get("path"));
            }
        }
        assertEquals("exactly the request of the event's correlation id", List.of("/acme/payments"), requestPaths);

        Request export = new Request("POST", "/_plugins/devops_audit/_export?format=ndjson");
        export.setJsonEntity("{" + window + ",\"include_requests\":true}");
        String lines = new String(
                client().performRequest(export).getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(
                "the audit event and the 9 request events of the window: " + lines,
                10,
                lines.lines().count());
        Request exportEvents = new Request("POST", "/_plugins/devops_audit/_export?format=ndjson");
        exportEvents.setJsonEntity("{" + window + "}");
        String eventLines = new String(
                client().performRequest(exportEvents).getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(eventLines, 1, eventLines.lines().count());
    }

    /** The three request-log questions of docs/investigation.md, run exactly as documented. */
    @SuppressWarnings("unchecked")
    public void testTheDocumentedRequestQueries() throws Exception {
        load();
        Map<String, Object> more = importLines(
                null,
                List.of(
                        pageView(
                                "2024-05-10T20:12:00.000Z",
                                "mallory",
                                "203.0.113.77",
                                "/acme/payments/-/settings",
                                401,
                                "c8"),
                        "{\"severity\":\"ERROR\",\"time\":\"2024-05-10T20:14:00.000Z\",\"correlation_id\":\"c9\","
                                + "\"message\":\"Rack_Attack\",\"env\":\"blocklist\",\"remote_ip\":\"203.0.113.77\","
                                + "\"request_method\":\"GET\",\"path\":\"/acme/payments.git/info/refs?service=git-upload-pack\"}",
                        // a later block of the same address: the first block is the earlier one
                        "{\"severity\":\"ERROR\",\"time\":\"2024-05-10T20:40:00.000Z\",\"correlation_id\":\"c11\","
                                + "\"message\":\"Rack_Attack\",\"env\":\"blocklist\",\"remote_ip\":\"203.0.113.77\","
                                + "\"request_method\":\"GET\",\"path\":\"/acme/payments\"}",
                        // a view of the page from a public address the node's GeoLite2 database places (Sweden), with
                        // a tool's user agent: the origins question sees its country
                        pageView(
                                        "2024-05-10T20:30:00.000Z",
                                        "erin",
                                        EnrichmentIT.PUBLIC_IP,
                                        "/acme/payments",
                                        200,
                                        "c10")
                                .replace("\"ua\":\"Mozilla/5.0\"", "\"ua\":\"curl/8.5.0\"")));
        assertEquals(more.toString(), 4, more.get("indexed"));
        count("devops-audit-gitlab-requests-*");
        Map<String, Map<String, Object>> answers = new java.util.HashMap<>();
        String doc = java.nio.file.Files.readString(
                java.nio.file.Path.of(System.getProperty("project.basedir", "."), "docs", "investigation.md"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "<!-- request-query: ([a-z0-9-]+) -->\\n```json\\n(.*?)\\n```", java.util.regex.Pattern.DOTALL)
                .matcher(doc);
        while (m.find()) {
            answers.put(m.group(1), call("POST", "/devops-audit-gitlab-requests-*/_search", m.group(2)));
        }
        assertEquals(
                java.util.Set.of("main-page-viewers", "ip-first-block", "paths-401-before-block", "path-origins"),
                answers.keySet());
        assertEquals(
                "2024-05-10T20:14:00.000Z",
                ((Map<String, Object>) ((Map<String, Object>)
                                        answers.get("ip-first-block").get("aggregations"))
                                .get("first_block"))
                        .get("value_as_string"));
        assertEquals(Map.of("mallory", 1), buckets(answers.get("main-page-viewers"), "viewers"));
        assertEquals(
                Map.of("/acme/payments/-/settings", 1, "/api/v4/projects/42/repository/tree", 1),
                buckets(answers.get("paths-401-before-block"), "paths"));
        Map<String, Object> origins = answers.get("path-origins");
        assertEquals(Map.of("203.0.113.77", 3, "192.0.2.10", 1, EnrichmentIT.PUBLIC_IP, 1), buckets(origins, "ips"));
        assertEquals(Map.of("Mozilla/5.0", 3, "curl/8.5.0", 1), buckets(origins, "user_agents"));
        assertEquals(
                "only the public address has a country (documentation ranges have none)",
                Map.of("SE", 1),
                buckets(origins, "countries"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> buckets(Map<String, Object> response, String agg) {
        Map<String, Object> out = new java.util.HashMap<>();
        Map<String, Object> a = (Map<String, Object>) ((Map<String, Object>) response.get("aggregations")).get(agg);
        for (Object b : (List<?>) a.get("buckets"))
            out.put(String.valueOf(((Map<?, ?>) b).get("key")), ((Number) ((Map<?, ?>) b).get("doc_count")).intValue());
        return out;
    }

    static long count(String index) throws Exception {
        return ImportIT.count(index);
    }
}
