/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.parse.JsonText;
import org.opensearch.client.Request;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The access report's counts on the real node: identities joined only on keys of the same kind (user ids equal to
 * project and target ids, names equal to other users' ids), two e-mails for one identity, one meaning of {@code users}
 * and {@code exclude_users} on the report and the export, rows read in partitions when the bucket limit is low, and
 * every count of a 200,000-event month exact.
 */
public class AccessReportExactIT extends DevopsAuditRestTestCase {

    static final String REPORT = "/_plugins/devops_audit/_access_report";

    /** A GitLab audit event as the API, a stream or audit_json.log give it; {@code email} may be null. */
    static String gitlabEvent(
            String group, int id, int userId, String userName, String email, int projectId, String time) {
        String path = group + "/project-" + projectId;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("event_name", "repository_git_operation");
        details.put("author_name", userName);
        if (email != null) details.put("author_email", email);
        details.put("author_class", "User");
        details.put("target_id", projectId);
        details.put("target_type", "Project");
        details.put("target_details", path);
        details.put("ip_address", "198.51.100." + (userId % 250));
        details.put("entity_path", path);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("author_id", userId);
        e.put("author_name", userName);
        e.put("entity_id", projectId);
        e.put("entity_type", "Project");
        e.put("entity_path", path);
        e.put("target_id", projectId);
        e.put("target_type", "Project");
        e.put("target_details", path);
        e.put("ip_address", "198.51.100." + (userId % 250));
        e.put("event_name", "repository_git_operation");
        e.put("details", details);
        e.put("created_at", time);
        return JsonText.write(e);
    }

    static String window(String group) {
        return "\"scope\":\"" + group + "\",\"from\":\"2024-06-01T00:00:00Z\",\"to\":\"2024-06-30T23:59:59Z\"";
    }

    static void importInto(String format, String instance, String body) throws Exception {
        Map<String, Object> r = ImportIT.importText("?format=" + format + "&instance=" + instance, body);
        assertEquals(format + " " + r, r.get("received"), r.get("indexed"));
    }

    /**
     * In June, without e-mails: user 501 in project 777, user 777 in project 501, and user 503 — named "777" — in
     * project 501. Their e-mails are known from API pages of May on another group: 501 and 503 at the partner, 777 at
     * the company. Each format (stream, audit_json.log, CSV) on its own instance and group.
     */
    static void loadCollisions(String format, String group) throws Exception {
        String instance = "gitlab-" + group;
        importInto(
                "gitlab_api",
                instance,
                "["
                        + gitlabEvent(
                                "elsewhere-" + group,
                                1,
                                501,
                                "user501",
                                "user501@partner.example",
                                900,
                                "2024-05-02T10:00:00Z")
                        + ","
                        + gitlabEvent(
                                "elsewhere-" + group,
                                2,
                                777,
                                "user777",
                                "user777@corp.example",
                                900,
                                "2024-05-02T10:01:00Z")
                        + ","
                        + gitlabEvent(
                                "elsewhere-" + group,
                                3,
                                503,
                                "777",
                                "dana@partner.example",
                                900,
                                "2024-05-02T10:02:00Z")
                        + "]");
        if (format.equals("gitlab_csv")) {
            importInto(
                    format,
                    instance,
                    "ID,Author ID,Author Name,Entity ID,Entity Type,Entity Path,Target ID,Target Type,Target Details,"
                            + "Action,IP Address,Created At (UTC)\n"
                            + csvRow(11, 501, "user501", 777, group, "2024-06-03 10:00:00")
                            + csvRow(12, 777, "user777", 501, group, "2024-06-03 10:01:00")
                            + csvRow(13, 503, "777", 501, group, "2024-06-03 10:02:00"));
        } else {
            importInto(
                    format,
                    instance,
                    gitlabEvent(group, 11, 501, "user501", null, 777, "2024-06-03T10:00:00Z") + "\n"
                            + gitlabEvent(group, 12, 777, "user777", null, 501, "2024-06-03T10:01:00Z") + "\n"
                            + gitlabEvent(group, 13, 503, "777", null, 501, "2024-06-03T10:02:00Z") + "\n");
        }
    }

    static String csvRow(int id, int userId, String name, int project, String group, String time) {
        String path = group + "/project-" + project;
        return id + "," + userId + "," + name + "," + project + ",Project," + path + "," + project + ",Project," + path
                + ",Export file download started,198.51.100." + userId % 250 + "," + time + "\n";
    }

    static Set<Object> users(Map<String, Object> report) {
        Set<Object> users = new HashSet<>();
        for (Object row : (List<?>) report.get("users")) users.add(((Map<?, ?>) row).get("user"));
        return users;
    }

    @SuppressWarnings("unchecked")
    public void testUserIdsEqualToProjectIdsAndNamesEqualToIdsNeverMerge() throws Exception {
        SetupIT.setup();
        String[] formats = {"gitlab_stream", "gitlab_log", "gitlab_csv"};
        for (String f : formats) loadCollisions(f, f.replace('_', '-'));
        client().performRequest(new Request("POST", "/devops-audit-*/_refresh"));
        for (String f : formats) {
            String group = f.replace('_', '-');
            Map<String, Object> all = call("POST", REPORT, "{" + window(group) + ",\"detail\":true}");
            assertEquals(f + " " + all, 3, ((Number) all.get("accesses")).intValue());
            assertEquals(Set.of("user501", "user777", "777"), users(all));
            assertEquals(f + ": every user's e-mail is known", List.of(), all.get("unresolved_identities"));
            Map<String, Object> r = call(
                    "POST",
                    REPORT,
                    "{" + window(group) + ",\"detail\":true,\"exclude_email_domains\":[\"corp.example\"]}");
            assertEquals(f + " " + r, 2, ((Number) r.get("accesses")).intValue());
            assertEquals(f + ": only user 777 is the company's", Set.of("user501", "777"), users(r));
            assertEquals(1, ((Map<String, Object>) r.get("excluded")).get("users_by_email_domain"));
            assertEquals(false, r.get("bound_hit"));
            Map<String, Object> partner =
                    call("POST", REPORT, "{" + window(group) + ",\"exclude_email_domains\":[\"partner.example\"]}");
            assertEquals(f + " " + partner, 1, ((Number) partner.get("distinct_users")).intValue());
            assertEquals(2, ((Map<String, Object>) partner.get("excluded")).get("users_by_email_domain"));
        }
    }

    /**
     * A user whose e-mail changed: the report lists both under {@code identities_with_several_emails}, and excluding
     * either domain excludes the user.
     */
    @SuppressWarnings("unchecked")
    public void testTwoEmailsForOneIdentityAreReportedAndEitherExcludes() throws Exception {
        SetupIT.setup();
        importInto(
                "gitlab_api",
                "gitlab-acme",
                "[" + gitlabEvent("old", 1, 600, "erin", "erin@corp.example", 900, "2024-04-02T10:00:00Z") + ","
                        + gitlabEvent("old", 2, 600, "erin", "erin@partner.example", 900, "2024-05-02T10:00:00Z") + ","
                        + gitlabEvent("old", 3, 601, "finn", "finn@partner.example", 900, "2024-05-02T10:00:00Z")
                        + "]");
        importInto(
                "gitlab_stream",
                "gitlab-acme",
                gitlabEvent("acme", 11, 600, "erin", null, 5, "2024-06-03T10:00:00Z") + "\n"
                        + gitlabEvent("acme", 12, 601, "finn", null, 5, "2024-06-03T10:01:00Z") + "\n");
        client().performRequest(new Request("POST", "/devops-audit-*/_refresh"));
        Map<String, Object> all = call("POST", REPORT, "{" + window("acme") + "}");
        List<Map<String, Object>> several = (List<Map<String, Object>>) all.get("identities_with_several_emails");
        assertEquals(all.toString(), 1, several.size());
        assertEquals("600", several.get(0).get("user_id"));
        assertEquals(
                List.of("erin@corp.example", "erin@partner.example"),
                several.get(0).get("emails"));
        for (String domain : new String[] {"corp.example", "partner.example"}) {
            Map<String, Object> r =
                    call("POST", REPORT, "{" + window("acme") + ",\"exclude_email_domains\":[\"" + domain + "\"]}");
            int expected = domain.equals("corp.example") ? 1 : 0;
            assertEquals(domain + " " + r, expected, ((Number) r.get("distinct_users")).intValue());
        }
    }

    /** {@code users} keeps those users and {@code exclude_users} drops them, on the report and the export alike. */
    @SuppressWarnings("unchecked")
    public void testUsersKeepsAndExcludeUsersDropsOnReportAndExport() throws Exception {
        SetupIT.setup();
        loadCollisions("gitlab_stream", "acme");
        client().performRequest(new Request("POST", "/devops-audit-*/_refresh"));
        // by name, by id and by e-mail alike
        for (String who : new String[] {"\"user501\"", "\"501\"", "\"user501@partner.example\""}) {
            Map<String, Object> keep =
                    call("POST", REPORT, "{" + window("acme") + ",\"detail\":true,\"users\":[" + who + "]}");
            Map<String, Object> drop =
                    call("POST", REPORT, "{" + window("acme") + ",\"detail\":true,\"exclude_users\":[" + who + "]}");
            if (who.contains("@")) {
                // the June events carry no e-mail: an e-mail names only the events that carry it
                assertEquals(keep.toString(), 0, ((Number) keep.get("accesses")).intValue());
                continue;
            }
            assertEquals(who + " " + keep, Set.of("user501"), users(keep));
            assertEquals(who + " " + drop, Set.of("user777", "777"), users(drop));
            assertEquals(List.of(who.replace("\"", "")), ((Map<String, Object>) drop.get("excluded")).get("users"));
        }
        Request export = new Request("POST", "/_plugins/devops_audit/_export");
        export.setJsonEntity("{" + window("acme") + ",\"users\":[\"user501\"]}");
        String kept = new String(
                client().performRequest(export).getEntity().getContent().readAllBytes(), "UTF-8");
        assertEquals(kept, 1, kept.lines().count());
        assertTrue(kept, kept.contains("\"actor\":\"user501\""));
        export.setJsonEntity("{" + window("acme") + ",\"exclude_users\":[\"user501\"]}");
        String dropped = new String(
                client().performRequest(export).getEntity().getContent().readAllBytes(), "UTF-8");
        assertEquals(dropped, 2, dropped.lines().count());
        assertFalse(dropped, dropped.contains("\"actor\":\"user501\""));
    }

    /** Past the node's bucket limit the rows come in partitions: the same answer as in one search. */
    public void testRowsInPartitionsGiveTheSameAnswer() throws Exception {
        SetupIT.setup();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            int user = 1000 + i % 30;
            lines.append(gitlabEvent(
                            "acme",
                            100 + i,
                            user,
                            "user" + user,
                            null,
                            5 + i % 3,
                            "2024-06-03T10:" + String.format(java.util.Locale.ROOT, "%02d", i) + ":00Z"))
                    .append('\n');
        }
        importInto("gitlab_stream", "gitlab-acme", lines.toString());
        client().performRequest(new Request("POST", "/devops-audit-*/_refresh"));
        String body = "{" + window("acme") + ",\"detail\":true}";
        Map<String, Object> whole = call("POST", REPORT, body);
        assertEquals(30, ((Number) whole.get("distinct_users")).intValue());
        try {
            call("PUT", "/_cluster/settings", "{\"transient\":{\"search.max_buckets\":120}}");
            Map<String, Object> parts = call("POST", REPORT, body);
            assertEquals(whole, parts);
        } finally {
            call("PUT", "/_cluster/settings", "{\"transient\":{\"search.max_buckets\":null}}");
        }
    }

    /**
     * A month of 200,000 git operations in one group, as the 10-million-event benchmark
     * (tools/access_report_benchmark.py) shapes it on a smaller scale: 520 users (ids 1-520, so users 500-519 share
     * their ids with the 20 projects, ids 500-519), a third at the partner domain, one event in ten with the e-mail, 100
     * addresses, three per user. Every count of the report is checked against
     * the generator's, with and without the company's domain.
     */
    @SuppressWarnings("unchecked")
    public void testTwoHundredThousandEventsCountExactly() throws Exception {
        SetupIT.setup();
        int events = 200_000;
        int userCount = 520;
        Map<Integer, Long> perUser = new TreeMap<>();
        Map<Integer, Set<String>> ipsOfUser = new HashMap<>();
        StringBuilder bulk = new StringBuilder();
        long start = 1717200000L; // 2024-06-01T00:00:00Z
        for (int i = 0; i < events; i++) {
            int u = 1 + (int) ((i * 7919L) % userCount);
            String ip = "203.0." + (u * 37 + (i % 3) * 31) % 100 / 10 + "." + (1 + (u * 37 + (i % 3) * 31) % 100);
            int project = 500 + (u + i % 3) % 20;
            perUser.merge(u, 1L, Long::sum);
            ipsOfUser.computeIfAbsent(u, k -> new HashSet<>()).add(ip);
            long ts = start + (long) i * 29 * 86400 / events;
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("id", String.valueOf(u));
            user.put("name", "user" + u);
            if (i / userCount % 10 == 0)
                user.put("email", "user" + u + "@" + (u % 3 == 0 ? "partner" : "corp") + ".example");
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("@timestamp", java.time.Instant.ofEpochSecond(ts).toString());
            doc.put(
                    "event",
                    Map.of(
                            "kind",
                            "event",
                            "provider",
                            "gitlab",
                            "action",
                            "repository_git_operation",
                            "outcome",
                            "success",
                            "dataset",
                            "gitlab.audit",
                            "ingested",
                            "2024-07-01T00:00:00Z"));
            doc.put("user", user);
            doc.put("source", Map.of("ip", ip));
            doc.put("organization", Map.of("name", "bench"));
            doc.put(
                    "audit",
                    Map.of(
                            "category",
                            "repository",
                            "area",
                            "git_operations",
                            "instance",
                            "gitlab-bench",
                            "scope",
                            Map.of(
                                    "type",
                                    "project",
                                    "id",
                                    String.valueOf(project),
                                    "path",
                                    "bench/project-" + project),
                            "target",
                            Map.of(
                                    "type",
                                    "Project",
                                    "id",
                                    String.valueOf(project),
                                    "name",
                                    "bench/project-" + project),
                            "dedup_key",
                            "gitlab:gitlab-bench:" + (i + 1)));
            bulk.append("{\"index\":{\"_index\":\"devops-audit-gitlab-2024.06\",\"_id\":\"gitlab:gitlab-bench:")
                    .append(i + 1)
                    .append("\"}}\n")
                    .append(JsonText.write(doc))
                    .append('\n');
            if ((i + 1) % 10_000 == 0) {
                Request r = new Request("POST", "/_bulk?pipeline=_none");
                r.setJsonEntity(bulk.toString());
                assertEquals(false, entityAsMap(client().performRequest(r)).get("errors"));
                bulk.setLength(0);
            }
        }
        client().performRequest(new Request("POST", "/devops-audit-*/_refresh"));
        // first from the events, then from the access rollup of the 29 days (June 30 is cut by the window's end)
        call("PUT", "/_cluster/settings", "{\"persistent\":{\"devops_audit.access_rollup.quiet_period\":\"0s\"}}");
        try {
            for (int precounted : new int[] {0, 29}) {
                if (precounted > 0) {
                    Map<String, Object> run = call("POST", "/_plugins/devops_audit/_access_rollup", null);
                    assertEquals(run.toString(), events, ((Number) run.get("accesses")).intValue());
                }
                assertCounts(events, perUser, ipsOfUser, precounted);
            }
        } finally {
            call("PUT", "/_cluster/settings", "{\"persistent\":{\"devops_audit.access_rollup.quiet_period\":null}}");
        }
    }

    /** Every count of the month's report, with and without the company's domain, as the generator knows them. */
    @SuppressWarnings("unchecked")
    private static void assertCounts(
            int events, Map<Integer, Long> perUser, Map<Integer, Set<String>> ipsOfUser, int precounted)
            throws IOException {
        String window = "\"scope\":\"bench\",\"from\":\"2024-06-01T00:00:00Z\",\"to\":\"2024-06-30T23:59:59Z\"";
        Set<String> allIps = new HashSet<>();
        ipsOfUser.values().forEach(allIps::addAll);
        Map<String, Object> all = call("POST", REPORT, "{" + window + ",\"detail\":true}");
        assertEquals(events, ((Number) all.get("accesses")).intValue());
        assertEquals(perUser.size(), ((Number) all.get("distinct_users")).intValue());
        assertEquals(allIps.size(), ((Number) all.get("distinct_source_ips")).intValue());
        assertEquals(false, all.get("bound_hit"));
        assertEquals(precounted, all.get("precounted_days"));
        Map<String, Long> rows = new TreeMap<>();
        for (Map<String, Object> row : (List<Map<String, Object>>) all.get("users"))
            rows.put((String) row.get("user"), ((Number) row.get("accesses")).longValue());
        Map<String, Long> expected = new TreeMap<>();
        perUser.forEach((u, n) -> expected.put("user" + u, n));
        assertEquals(expected, rows);

        Map<String, Object> partner =
                call("POST", REPORT, "{" + window + ",\"detail\":true,\"exclude_email_domains\":[\"corp.example\"]}");
        long partnerAccesses = 0;
        Set<String> partnerIps = new HashSet<>();
        List<String> partnerUsers = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : perUser.entrySet()) {
            if (e.getKey() % 3 != 0) continue;
            partnerAccesses += e.getValue();
            partnerIps.addAll(ipsOfUser.get(e.getKey()));
            partnerUsers.add("user" + e.getKey());
        }
        assertEquals(partnerAccesses, ((Number) partner.get("accesses")).longValue());
        assertEquals(partnerUsers.size(), ((Number) partner.get("distinct_users")).intValue());
        assertEquals(partnerIps.size(), ((Number) partner.get("distinct_source_ips")).intValue());
        assertEquals(precounted, partner.get("precounted_days"));
        assertEquals(
                perUser.size() - partnerUsers.size(),
                ((Map<String, Object>) partner.get("excluded")).get("users_by_email_domain"));
        assertEquals(new TreeSet<>(partnerUsers), new TreeSet<>(users(partner)));
        assertEquals(false, partner.get("bound_hit"));
    }
}
