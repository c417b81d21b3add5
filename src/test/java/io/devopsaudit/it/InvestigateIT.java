/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.indicators.Cidr;
import io.devopsaudit.normalize.RecordBuilder;
import io.devopsaudit.parse.JsonText;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.hamcrest.Matchers.containsString;

/** The investigation API on the real node: the log-request access question (which users outside the company accessed a project, how often, from how many IPs), redaction, and the context of a change. */
public class InvestigateIT extends DevopsAuditRestTestCase {

    record Access(String user, String email, String ip, String project, String action, String time) {}

    static final List<Access> FIXTURE = new ArrayList<>();

    static {
        String t = "2019-08-15T20:0";
        for (int i = 0; i < 3; i++)
            FIXTURE.add(new Access(
                    "alice",
                    "alice@example.com",
                    "192.0.2.10",
                    "acme/web",
                    "repository_git_operation",
                    t + (6 + i) + ":00.000Z"));
        FIXTURE.add(new Access(
                "bob", "bob@example.com", "192.0.2.11", "acme/web", "repository_file_accessed_web", t + "7:30.000Z"));
        FIXTURE.add(new Access(
                "eve",
                "eve@contractor.example.org",
                "192.0.2.20",
                "acme/web",
                "repository_file_accessed_web",
                t + "8:00.000Z"));
        FIXTURE.add(new Access(
                "eve",
                "eve@contractor.example.org",
                "192.0.2.20",
                "acme/web",
                "repository_file_accessed_web",
                t + "9:00.000Z"));
        FIXTURE.add(new Access(
                "mallory",
                "mallory@evil.example.net",
                "198.51.100.23",
                "acme/web",
                "repository_git_operation",
                t + "6:30.000Z"));
        FIXTURE.add(new Access(
                "mallory",
                "mallory@evil.example.net",
                "198.51.100.23",
                "acme/web",
                "repository_file_accessed_web",
                "2019-08-15T20:10:00.000Z"));
        FIXTURE.add(new Access("frank", null, "203.0.113.5", "acme/web", "repository_git_operation", t + "9:59.000Z"));
        FIXTURE.add(new Access(
                "mallory",
                "mallory@evil.example.net",
                "198.51.100.23",
                "acme/api",
                "repository_git_operation",
                t + "7:00.000Z"));
        FIXTURE.add(new Access(
                "mallory",
                "mallory@evil.example.net",
                "198.51.100.23",
                "acme/web",
                "repository_git_operation",
                "2019-08-15T21:30:00.000Z"));
        FIXTURE.add(
                new Access("carol", "carol@example.com", "192.0.2.12", "acme/web", "member_created", t + "8:30.000Z"));
    }

    static void load() throws Exception {
        SetupIT.setup();
        Bulk bulk = new Bulk();
        int n = 0;
        for (Access a : FIXTURE) {
            RecordBuilder r = new RecordBuilder();
            r.put("@timestamp", a.time())
                    .put("event.provider", "gitlab")
                    .put("event.action", a.action())
                    .put("event.outcome", "success");
            r.put("user.name", a.user()).put("user.email", a.email()).put("source.ip", a.ip());
            r.put("audit.scope.type", "project")
                    .put("audit.scope.path", a.project())
                    .put("organization.name", "acme");
            r.put("audit.category", a.action().equals("member_created") ? "authorization" : "repository");
            r.put("audit.area", a.action().equals("member_created") ? "membership" : "git_operations");
            r.put("audit.dedup_key", "gitlab:" + (n + 1));
            // identities an export must not leak under redaction: a user target, and free text naming a user
            if (a.action().equals("member_created"))
                r.put("audit.target.type", "User").put("audit.target.name", "dan");
            if (a.user().equals("bob")) r.put("audit.message", "file read by bob for dan");
            if (a.user().equals("mallory"))
                r.put("user_agent.original", a.action().equals("repository_git_operation") ? "git/2.39.2" : "curl/8.0");
            bulk.index("devops-audit-gitlab-2019.08", "gitlab:" + ++n, r.build());
        }
        bulk.sendWithoutErrors(null);
    }

    static final String WINDOW =
            "\"scope\":\"acme/web\",\"from\":\"2019-08-15T20:00:00Z\",\"to\":\"2019-08-15T20:15:00Z\"";

    static Map<String, Object> report(String extra) throws Exception {
        return call("POST", "/_plugins/devops_audit/_access_report", "{" + WINDOW + extra + "}");
    }

    /** The same question answered independently over the fixture list. */
    static List<Access> expected(Predicate<Access> excluded) {
        return FIXTURE.stream()
                .filter(a -> a.project().equals("acme/web") && a.action().equals("member_created") == false)
                .filter(a -> a.time().compareTo("2019-08-15T20:00:00") >= 0
                        && a.time().compareTo("2019-08-15T20:15:00") <= 0)
                .filter(excluded.negate())
                .toList();
    }

    /** An empty report says how many accesses of the scope lie outside its window, and when. */
    @SuppressWarnings("unchecked")
    public void testAnEmptyReportSaysWhatLiesOutsideItsWindow() throws Exception {
        load();
        Map<String, Object> r = call("POST", "/_plugins/devops_audit/_access_report", "{\"scope\":\"acme/web\"}");
        assertEquals(0, ((Number) r.get("accesses")).intValue());
        Map<String, Object> outside = (Map<String, Object>) r.get("outside_window");
        List<Access> all = FIXTURE.stream()
                .filter(a -> a.project().equals("acme/web") && a.action().equals("member_created") == false)
                .toList();
        assertEquals(all.size(), ((Number) outside.get("accesses")).intValue());
        assertEquals(all.stream().map(Access::time).min(String::compareTo).get(), outside.get("first"));
        assertThat((String) outside.get("note"), containsString("the last 7 days when from/to are not given"));
        assertNull("a report that found accesses has no such note", report("").get("outside_window"));
        Map<String, Object> none = call("POST", "/_plugins/devops_audit/_access_report", "{\"scope\":\"nobody/here\"}");
        assertEquals(
                "no access of this scope is stored at any time",
                ((Map<String, Object>) none.get("outside_window")).get("note"));
    }

    public void testLogRequestExampleWithExclusions() throws Exception {
        load();
        Cidr office = Cidr.parse("192.0.2.0/24");
        List<Access> all = expected(a -> false);
        Map<String, Object> r = report("");
        assertEquals(all.stream().map(Access::user).distinct().count(), ((Number) r.get("distinct_users")).longValue());
        assertEquals((long) all.size(), ((Number) r.get("accesses")).longValue());
        assertEquals(
                all.stream().map(Access::ip).distinct().count(), ((Number) r.get("distinct_source_ips")).longValue());

        List<Access> outside = expected(
                a -> office.contains(a.ip()) || (a.email() != null && a.email().endsWith("@example.com")));
        Map<String, Object> ex = report(
                ",\"exclude_networks\":[\"192.0.2.0/24\"],\"exclude_email_domains\":[\"example.com\"],\"detail\":true");
        assertEquals(
                outside.stream().map(Access::user).distinct().count(), ((Number) ex.get("distinct_users")).longValue());
        assertEquals((long) outside.size(), ((Number) ex.get("accesses")).longValue());
        assertEquals(
                outside.stream().map(Access::ip).distinct().count(),
                ((Number) ex.get("distinct_source_ips")).longValue());
        assertEquals(outside.stream().map(Access::time).min(String::compareTo).get(), ex.get("first_access"));
        assertEquals(outside.stream().map(Access::time).max(String::compareTo).get(), ex.get("last_access"));
        assertEquals(Map.of("acme/web", outside.size()), ex.get("per_project"));
        assertEquals(false, ex.get("bound_hit"));
        List<Object> reportedUsers = new ArrayList<>();
        for (Object row : (List<?>) ex.get("users")) reportedUsers.add(((Map<?, ?>) row).get("user"));
        for (Object row : (List<?>) ex.get("source_ips"))
            reportedUsers.addAll((List<?>) ((Map<?, ?>) row).get("users"));
        assertTrue(reportedUsers.contains("mallory"));
        assertFalse("a user of the company's domain is excluded everywhere", reportedUsers.contains("alice"));
        for (Object row : (List<?>) ex.get("users")) {
            Map<?, ?> u = (Map<?, ?>) row;
            if (u.get("user").equals("mallory")) assertEquals(List.of("curl/8.0", "git/2.39.2"), u.get("user_agents"));
            if (u.get("user").equals("frank")) assertEquals(List.of(), u.get("user_agents"));
        }
        for (Object row : (List<?>) ex.get("source_ips")) {
            assertEquals("no GeoIP enrichment in this fixture", List.of(), ((Map<?, ?>) row).get("countries"));
            assertEquals(List.of(), ((Map<?, ?>) row).get("asns"));
        }

        Map<String, Object> noUsers =
                report(",\"exclude_users\":[\"mallory\",\"frank\"],\"exclude_networks\":[\"192.0.2.0/24\"]");
        assertEquals(0, ((Number) noUsers.get("accesses")).intValue());

        Map<String, Object> group = call(
                "POST",
                "/_plugins/devops_audit/_access_report",
                "{\"scope\":\"acme\",\"from\":\"2019-08-15T20:00:00Z\",\"to\":\"2019-08-15T20:15:00Z\"}");
        assertEquals(
                "prefix match on the group takes its projects",
                (long) all.size() + 1,
                ((Number) group.get("accesses")).longValue());
        Map<String, Object> unknown =
                call("POST", "/_plugins/devops_audit/_access_report", "{\"scope\":\"nobody/nothing\"}");
        assertEquals(0, ((Number) unknown.get("accesses")).intValue());
        assertEquals(0, ((Number) unknown.get("distinct_users")).intValue());

        Request csv = new Request("POST", "/_plugins/devops_audit/_access_report?format=csv");
        csv.setJsonEntity("{" + WINDOW + ",\"exclude_networks\":[\"192.0.2.0/24\"]}");
        Response resp = client().performRequest(csv);
        String text = new String(resp.getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(resp.getEntity().getContentType(), containsString("text/csv"));
        assertTrue(text, text.startsWith("kind,identity,accesses,related,first,last\n"));
        assertThat(text, containsString("user,mallory,2,198.51.100.23,"));
        assertThat(text, containsString("ip,203.0.113.5,1,frank,"));
    }

    public void testBadParametersAreNamed() {
        for (String[] c : new String[][] {
            {"{}", "[scope] is required"},
            {"{\"scope\":\"a\",\"from\":\"yesterday\"}", "[from] must be an ISO-8601 time"},
            {
                "{\"scope\":\"a\",\"exclude_networks\":[\"10.0.0.0/40\"]}",
                "[exclude_networks] [10.0.0.0/40] is not a CIDR network"
            },
            {"{\"scope\":\"a\",\"colour\":1}", "unknown parameter [colour]"},
            {"{\"scope\":\"a\",\"detail\":\"yes\"}", "[detail] must be true or false"}
        }) {
            ResponseException e = expectThrows(
                    ResponseException.class, () -> call("POST", "/_plugins/devops_audit/_access_report", c[0]));
            assertEquals(c[0], 400, e.getResponse().getStatusLine().getStatusCode());
            assertThat(e.getMessage(), containsString(c[1]));
        }
    }

    @SuppressWarnings("unchecked")
    public void testRedactionUsesStablePseudonymsKeyedByTheClusterSecret() throws Exception {
        load();
        StreamIT.keystoreSet("devops_audit.redaction.key", "cluster-one-" + randomAlphaOfLength(16));
        String body = ",\"detail\":true,\"redact\":true,\"include_identities\":[\"mallory\",\"198.51.100.23\"]";
        Map<String, Object> first = report(body);
        Map<String, Object> second = report(body);
        assertEquals("stable across calls", first, second);
        String text = first.toString();
        // mallory's own addresses are readable with her (and 198.51.100.23, listed itself); no other address is
        Set<String> readableIps = new HashSet<>(Set.of("198.51.100.23"));
        for (Access a : FIXTURE) if (a.user().equals("mallory")) readableIps.add(a.ip());
        for (Access a : FIXTURE) {
            if (a.user().equals("mallory") == false)
                assertFalse(a.user() + " leaked", text.contains("=" + a.user() + ","));
            if (readableIps.contains(a.ip()) == false) assertFalse(a.ip() + " leaked", text.contains(a.ip()));
            else assertThat(text, containsString(a.ip()));
        }
        assertThat(text, containsString("user=mallory"));
        assertThat(text, containsString("user-"));
        assertEquals(
                "counts are unchanged by redaction", report("").get("distinct_users"), first.get("distinct_users"));
        List<Map<String, Object>> users = (List<Map<String, Object>>) first.get("users");
        Set<String> pseudonyms = new HashSet<>();
        users.forEach(u -> pseudonyms.add((String) u.get("user")));
        assertEquals("distinct identities stay distinct", users.size(), pseudonyms.size());

        StreamIT.keystoreSet("devops_audit.redaction.key", "cluster-two-" + randomAlphaOfLength(16));
        Map<String, Object> other = report(body);
        assertNotEquals("another secret, other pseudonyms", first.get("users"), other.get("users"));
        assertEquals(first.get("accesses"), other.get("accesses"));
    }

    @SuppressWarnings("unchecked")
    public void testContextOfAChange() throws Exception {
        SetupIT.setup();
        Instant t = Instant.parse("2024-04-10T12:00:00Z");
        List<String[]> docs = new ArrayList<>(); // id, time, user, correlation
        docs.add(new String[] {"change", t.toString(), "alice", "req-1"});
        docs.add(new String[] {"corr-1", t.minusSeconds(2).toString(), "ci-bot", "req-1"});
        docs.add(new String[] {"corr-2", t.plusSeconds(1).toString(), "ci-bot", "req-1"});
        docs.add(new String[] {"corr-3", t.plusSeconds(3600).toString(), "system", "req-1"
        }); // same request, outside the window: still context
        docs.add(new String[] {"near-1", t.minusSeconds(600).toString(), "alice", "req-2"});
        docs.add(new String[] {"near-2", t.plusSeconds(300).toString(), "alice", "req-3"});
        docs.add(new String[] {"near-3", t.plusSeconds(899).toString(), "alice", "req-4"});
        docs.add(new String[] {"far-1", t.minusSeconds(3600).toString(), "alice", "req-5"});
        docs.add(new String[] {"far-2", t.plusSeconds(7200).toString(), "alice", "req-6"});
        docs.add(new String[] {"other", t.toString(), "bob", "req-7"});
        Bulk bulk = new Bulk();
        for (String[] d : docs) {
            RecordBuilder r = new RecordBuilder()
                    .put("@timestamp", d[1].replace("Z", ".000Z").replace(".000.000Z", ".000Z"))
                    .put("event.provider", "gitlab")
                    .put("event.action", "member_updated")
                    .put("user.name", d[2])
                    .put("audit.correlation_id", d[3])
                    .put("audit.dedup_key", "gitlab:" + d[0]);
            bulk.index("devops-audit-gitlab-2024.04", "gitlab:" + d[0], r.build());
        }
        bulk.sendWithoutErrors(null);

        Map<String, Object> ctx = call("GET", "/_plugins/devops_audit/_context/gitlab:change", null);
        List<Map<String, Object>> events = (List<Map<String, Object>>) ctx.get("events");
        List<String> ids = events.stream()
                .map(e -> ((String) e.get("_id")).substring("gitlab:".length()))
                .toList();
        assertEquals(List.of("near-1", "corr-1", "change", "corr-2", "near-2", "near-3", "corr-3"), ids);
        assertEquals(7, ctx.get("total"));
        assertEquals(
                List.of("event", "same_request", "same_actor"), events.get(2).get("reasons"));

        Map<String, Object> wide =
                call("GET", "/_plugins/devops_audit/_context/gitlab:change?before=2h&after=3h", null);
        assertEquals(9, wide.get("total"));
        ResponseException e = expectThrows(
                ResponseException.class, () -> call("GET", "/_plugins/devops_audit/_context/gitlab:nope", null));
        assertEquals(404, e.getResponse().getStatusLine().getStatusCode());
        e = expectThrows(
                ResponseException.class,
                () -> call("GET", "/_plugins/devops_audit/_context/gitlab:change?before=soon", null));
        assertEquals(400, e.getResponse().getStatusLine().getStatusCode());
        assertThat(e.getMessage(), containsString("[before] must be a duration"));
    }

    /** A GitLab event object as the API, a stream or audit_json.log give it: id, author, action, project, ip, time. */
    static String gitlabEvent(
            int id, int author, String name, String email, String action, String project, String ip, String time) {
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("event_name", action);
        details.put("author_name", name);
        if (email != null) details.put("author_email", email);
        details.put("author_class", "User");
        details.put("target_id", 5);
        details.put("target_type", "Project");
        details.put("target_details", project);
        details.put("ip_address", ip);
        details.put("entity_path", project);
        Map<String, Object> e = new java.util.LinkedHashMap<>();
        e.put("id", id);
        e.put("author_id", author);
        e.put("author_name", name);
        e.put("entity_id", 5);
        e.put("entity_type", "Project");
        e.put("entity_path", project);
        e.put("ip_address", ip);
        e.put("event_name", action);
        e.put("details", details);
        e.put("created_at", time);
        return JsonText.write(e);
    }

    static void importFile(String format, String instance, String body) throws Exception {
        Map<String, Object> r = ImportIT.importText("?format=" + format + "&instance=" + instance, body);
        assertEquals(format + " " + r, r.get("received"), r.get("indexed"));
    }

    /**
     * The identity fixture on project corp/app, 10:00-11:00: carol (id 70, gitlab-acme, carol@example.com) accesses it
     * once in an API page with her e-mail and once each in a streamed event, an audit_json.log line and a CSV row
     * without; dave (id 71) only in a CSV row, his e-mail known from an API event a year earlier on another project;
     * oscar (id 80, a partner's e-mail) in an API page and a stream; uma (id 90) only in the log, never with an
     * e-mail; and user 70 of another instance (carl), who is not carol.
     */
    static void loadIdentities() throws Exception {
        SetupIT.setup();
        String d = "2024-05-01T10:";
        importFile(
                "gitlab_api",
                "gitlab-acme",
                "["
                        + gitlabEvent(
                                501,
                                70,
                                "carol",
                                "carol@example.com",
                                "repository_download_operation",
                                "corp/app",
                                "203.0.113.70",
                                d + "01:00.000Z")
                        + ","
                        + gitlabEvent(
                                502,
                                80,
                                "oscar",
                                "oscar@partner.example.net",
                                "repository_git_operation",
                                "corp/app",
                                "198.51.100.80",
                                d + "02:00.000Z")
                        + ","
                        + gitlabEvent(
                                400,
                                71,
                                "dave",
                                "Dave@Example.com",
                                "member_created",
                                "corp/other",
                                "203.0.113.71",
                                "2023-05-01T09:00:00.000Z")
                        + "]");
        importFile(
                "gitlab_stream",
                "gitlab-acme",
                gitlabEvent(
                                511,
                                70,
                                "carol",
                                null,
                                "repository_git_operation",
                                "corp/app",
                                "203.0.113.70",
                                d + "10:00.000Z")
                        + "\n"
                        + gitlabEvent(
                                512,
                                80,
                                "oscar",
                                null,
                                "repository_git_operation",
                                "corp/app",
                                "198.51.100.80",
                                d + "11:00.000Z"));
        importFile(
                "gitlab_log",
                "gitlab-acme",
                gitlabEvent(
                                521,
                                70,
                                "carol",
                                null,
                                "repository_file_accessed_web",
                                "corp/app",
                                "203.0.113.70",
                                d + "20:00.000Z")
                        + "\n"
                        + gitlabEvent(
                                522,
                                90,
                                "uma",
                                null,
                                "repository_git_operation",
                                "corp/app",
                                "198.51.100.90",
                                d + "40:00.000Z")
                        + "\n");
        importFile(
                "gitlab_csv",
                "gitlab-acme",
                "ID,Author ID,Author Name,Entity ID,Entity Type,Entity Path,Target ID,Target Type,Target Details,"
                        + "Action,IP Address,Created At (UTC)\n"
                        + "531,70,carol,5,Project,corp/app,5,Project,corp/app,Export file download started,"
                        + "203.0.113.70,2024-05-01 10:30:00\n"
                        + "532,71,dave,5,Project,corp/app,5,Project,corp/app,Export file download started,"
                        + "203.0.113.71,2024-05-01 10:31:00\n");
        importFile(
                "gitlab_stream",
                "gitlab-other",
                gitlabEvent(
                        541, 70, "carl", null, "repository_git_operation", "corp/app", "192.0.2.99", d + "45:00.000Z"));
        client().performRequest(new Request("POST", "/devops-audit-*/_refresh"));
    }

    static final String IDENTITY_WINDOW =
            "\"scope\":\"corp/app\",\"from\":\"2024-05-01T10:00:00Z\",\"to\":\"2024-05-01T11:00:00Z\"";

    @SuppressWarnings("unchecked")
    public void testEmailDomainExclusionHoldsAcrossSources() throws Exception {
        loadIdentities();
        Map<String, Object> all =
                call("POST", "/_plugins/devops_audit/_access_report", "{" + IDENTITY_WINDOW + ",\"detail\":true}");
        assertEquals(all.toString(), 9, ((Number) all.get("accesses")).intValue());
        assertEquals(5, ((Number) all.get("distinct_users")).intValue()); // carol, dave, oscar, uma, carl
        Map<String, Object> r = call(
                "POST",
                "/_plugins/devops_audit/_access_report",
                "{" + IDENTITY_WINDOW + ",\"detail\":true,\"exclude_email_domains\":[\"example.com\"]}");
        assertEquals(r.toString(), 4, ((Number) r.get("accesses")).intValue());
        assertEquals(3, ((Number) r.get("distinct_users")).intValue());
        Set<Object> users = new HashSet<>();
        for (Object row : (List<?>) r.get("users")) users.add(((Map<?, ?>) row).get("user"));
        assertEquals("carol and dave are excluded from every source", Set.of("oscar", "uma", "carl"), users);
        assertEquals(2, ((Map<String, Object>) r.get("excluded")).get("users_by_email_domain"));
        List<Map<String, Object>> unresolved = (List<Map<String, Object>>) r.get("unresolved_identities");
        Set<String> who = new HashSet<>();
        for (Map<String, Object> u : unresolved) {
            who.add(u.get("instance") + "/" + u.get("user_id") + "/" + u.get("user") + "=" + u.get("accesses"));
        }
        assertEquals(Set.of("gitlab-acme/90/uma=1", "gitlab-other/70/carl=1"), who);
        assertEquals(2, ((Number) r.get("unresolved_accesses")).intValue());
    }

    /**
     * The context pivots on the source IP (another account's failed sign-ins from the address of a password reset), and
     * follows the actor across providers only by a shared e-mail: CircleCI's {@code alice} without an e-mail is
     * somebody else.
     */
    @SuppressWarnings("unchecked")
    public void testContextPivotsOnTheSourceIpAndMatchesActorsAcrossProvidersByEmailOnly() throws Exception {
        SetupIT.setup();
        // id, provider, minutes after 12:00, user name, user id, e-mail, source ip
        String[][] docs = {
            {"gitlab:reset", "gitlab", "30", "alice", "7", "alice@example.com", "198.51.100.9"},
            {"gitlab:failed-1", "gitlab", "25", "root", null, null, "198.51.100.9"},
            {"gitlab:failed-2", "gitlab", "26", "admin", null, null, "198.51.100.9"},
            {"gitlab:alice-nameonly", "gitlab", "33", "alice", null, null, "203.0.113.1"},
            {"gitlab:other-alice-id", "gitlab", "34", "alice2", "8", null, "203.0.113.2"},
            {"circleci:alice", "circleci", "31", "alice", "0b6c", null, "203.0.113.3"},
            {"circleci:alice-mail", "circleci", "32", "asmith", "0b6d", "alice@example.com", "203.0.113.4"},
            {"gitlab:ip-later", "gitlab", "59", "carol", "9", null, "198.51.100.9"},
        };
        Bulk bulk = new Bulk();
        for (String[] d : docs) {
            RecordBuilder r = new RecordBuilder()
                    .put("@timestamp", "2024-04-10T12:" + d[2] + ":00.000Z")
                    .put("event.provider", d[1])
                    .put("event.action", "password_reset")
                    .put("user.name", d[3])
                    .put("source.ip", d[6])
                    .put("audit.dedup_key", d[0]);
            if (d[4] != null) r.put("user.id", d[4]);
            if (d[5] != null) r.put("user.email", d[5]);
            bulk.index("devops-audit-" + d[1] + "-2024.04", d[0], r.build());
        }
        bulk.sendWithoutErrors(null);

        Map<String, Object> ctx = call("GET", "/_plugins/devops_audit/_context/gitlab:reset", null);
        assertEquals("198.51.100.9", ctx.get("source_ip"));
        Map<String, Object> reasons = new java.util.LinkedHashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) ctx.get("events"))
            reasons.put((String) e.get("_id"), e.get("reasons"));
        assertEquals(
                "failed sign-ins from the same IP, alice's events (by id, by name without an id, by e-mail on"
                        + " CircleCI); not CircleCI's other alice, nor the IP beyond the window",
                List.of(
                        "gitlab:failed-1",
                        "gitlab:failed-2",
                        "gitlab:reset",
                        "circleci:alice-mail",
                        "gitlab:alice-nameonly"),
                new ArrayList<>(reasons.keySet()));
        assertEquals(List.of("same_ip"), reasons.get("gitlab:failed-1"));
        assertEquals(List.of("event", "same_actor", "same_ip"), reasons.get("gitlab:reset"));
        assertEquals(List.of("same_actor"), reasons.get("circleci:alice-mail"));
        assertEquals(false, ctx.get("truncated"));

        Map<String, Object> wide = call("GET", "/_plugins/devops_audit/_context/gitlab:reset?after=1h", null);
        reasons.clear();
        for (Map<String, Object> e : (List<Map<String, Object>>) wide.get("events"))
            reasons.put((String) e.get("_id"), e.get("reasons"));
        assertEquals(List.of("same_ip"), reasons.get("gitlab:ip-later"));
        assertFalse(reasons.containsKey("circleci:alice"));
    }

    /**
     * The context pivots on the changed object: a change to project acme/web itself brings another user's later event
     * in that project; a change to a member of group acme brings the later change of the same member by someone else,
     * not the group's other events.
     */
    @SuppressWarnings("unchecked")
    public void testContextIncludesEventsOnTheSameObject() throws Exception {
        SetupIT.setup();
        // id, time (minutes after 12:00), user, action, scope type, scope id, scope path, target type, target id,
        // target name
        String[][] docs = {
            {
                "vis",
                "00",
                "alice",
                "project_visibility_level_updated",
                "project",
                "12",
                "acme/web",
                "Project",
                "12",
                "acme/web"
            },
            {"bob-later", "05", "bob", "repository_git_operation", "project", "12", "acme/web", null, null, null},
            {"bob-other", "06", "bob", "repository_git_operation", "project", "13", "acme/api", null, null, null},
            {"bob-late", "50", "bob", "repository_git_operation", "project", "12", "acme/web", null, null, null},
            {"mem", "00", "frank", "member_updated", "group", "3", "acme", "User", "88", "dan"},
            {"mem-later", "07", "carol", "member_removed", "group", "3", "acme", "User", "88", "dan"},
            {"mem-other", "08", "carol", "member_created", "group", "3", "acme", "User", "89", "erin"},
        };
        Bulk bulk = new Bulk();
        for (String[] d : docs) {
            RecordBuilder r = new RecordBuilder()
                    .put("@timestamp", "2024-04-10T12:" + d[1] + ":00.000Z")
                    .put("event.provider", "gitlab")
                    .put("event.action", d[3])
                    .put("user.name", d[2])
                    .put("audit.scope.type", d[4])
                    .put("audit.scope.id", d[5])
                    .put("audit.scope.path", d[6])
                    .put("audit.dedup_key", "gitlab:" + d[0]);
            if (d[7] != null)
                r.put("audit.target.type", d[7]).put("audit.target.id", d[8]).put("audit.target.name", d[9]);
            bulk.index("devops-audit-gitlab-2024.04", "gitlab:" + d[0], r.build());
        }
        bulk.sendWithoutErrors(null);

        Map<String, Object> ctx = call("GET", "/_plugins/devops_audit/_context/gitlab:vis", null);
        Map<String, Object> reasons = new java.util.LinkedHashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) ctx.get("events"))
            reasons.put((String) e.get("_id"), e.get("reasons"));
        assertEquals(
                "the project's own change, bob's later event in it; not bob's other project, nor outside the window",
                List.of("gitlab:vis", "gitlab:bob-later"),
                new ArrayList<>(reasons.keySet()));
        assertEquals(List.of("event", "same_actor", "same_object"), reasons.get("gitlab:vis"));
        assertEquals(List.of("same_object"), reasons.get("gitlab:bob-later"));

        ctx = call("GET", "/_plugins/devops_audit/_context/gitlab:mem", null);
        reasons.clear();
        for (Map<String, Object> e : (List<Map<String, Object>>) ctx.get("events"))
            reasons.put((String) e.get("_id"), e.get("reasons"));
        assertEquals(List.of("gitlab:mem", "gitlab:mem-later"), new ArrayList<>(reasons.keySet()));
        assertEquals(List.of("same_object"), reasons.get("gitlab:mem-later"));
    }

    /**
     * One definition of an access: the Access review dashboard's saved search and its "Accesses" panel, run over HTTP
     * as Dashboards would (the query, the project in the query bar, the time picker), count what the report counts,
     * including on a failed sign-in, a successful one and a 2FA setting change in the project.
     */
    @SuppressWarnings("unchecked")
    public void testDashboardCountsWhatTheReportCounts() throws Exception {
        load();
        Bulk bulk = new Bulk();
        String[][] extra = { // id, user, ip, action, category, area, outcome
            {
                "x1",
                "mallory",
                "198.51.100.23",
                "login_failed_with_standard_authentication",
                "authentication",
                "sign_in",
                "failure"
            },
            {"x2", "zoe", "203.0.113.9", "authenticated_with_password", "authentication", "sign_in", "success"},
            {"x3", "zoe", "203.0.113.9", "user_enable_two_factor", "authentication", "two_factor", "success"},
        };
        for (String[] x : extra) {
            RecordBuilder r = new RecordBuilder()
                    .put("@timestamp", "2019-08-15T20:11:00.000Z")
                    .put("event.provider", "gitlab")
                    .put("event.action", x[3])
                    .put("user.name", x[1])
                    .put("source.ip", x[2])
                    .put("audit.category", x[4])
                    .put("audit.area", x[5])
                    .put("event.outcome", x[6])
                    .put("audit.scope.type", "project")
                    .put("audit.scope.path", "acme/web")
                    .put("audit.dedup_key", "gitlab:" + x[0]);
            bulk.index("devops-audit-gitlab-2019.08", "gitlab:" + x[0], r.build());
        }
        bulk.sendWithoutErrors(null);

        Map<String, Object> report = report("");
        assertEquals(
                "the fixture's accesses and the successful sign-in",
                expected(a -> false).size() + 1,
                ((Number) report.get("accesses")).intValue());
        Map<String, String> queries = new java.util.LinkedHashMap<>();
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("dashboards/devops-audit.ndjson"))) {
            Map<String, Object> o = (Map<String, Object>) JsonText.parse("ndjson", "saved object", line);
            Map<String, Object> attributes = (Map<String, Object>) o.get("attributes");
            String title = (String) attributes.get("title");
            if (title.startsWith("devops-audit - Access events") || title.equals("devops-audit - Accesses")) {
                Map<String, Object> source = (Map<String, Object>) JsonText.parse("json", "searchSourceJSON", (String)
                        ((Map<String, Object>) attributes.get("kibanaSavedObjectMeta")).get("searchSourceJSON"));
                queries.put(title, (String) ((Map<String, Object>) source.get("query")).get("query"));
            }
        }
        assertEquals("the saved search and the Accesses panel: " + queries.keySet(), 2, queries.size());
        for (Map.Entry<String, String> q : queries.entrySet()) {
            String body = "{\"size\":0,\"track_total_hits\":true,\"query\":{\"bool\":{\"filter\":["
                    + "{\"query_string\":{\"query\":" + JsonText.write(q.getValue()) + "}},"
                    + "{\"query_string\":{\"query\":\"audit.scope.path:\\\"acme/web\\\"\"}},"
                    + "{\"range\":{\"@timestamp\":{\"gte\":\"2019-08-15T20:00:00Z\",\"lte\":\"2019-08-15T20:15:00Z\"}}}]}},"
                    + "\"aggs\":{\"users\":{\"cardinality\":{\"field\":\"user.name\"}},"
                    + "\"ips\":{\"cardinality\":{\"field\":\"source.ip\"}}}}";
            Map<String, Object> r = call("POST", "/devops-audit-gitlab-*,devops-audit-circleci-*/_search", body);
            Map<String, Object> aggs = (Map<String, Object>) r.get("aggregations");
            assertEquals(
                    q.getKey(),
                    report.get("accesses"),
                    ((Map<String, Object>) ((Map<String, Object>) r.get("hits")).get("total")).get("value"));
            assertEquals(
                    q.getKey(), report.get("distinct_users"), ((Map<String, Object>) aggs.get("users")).get("value"));
            assertEquals(
                    q.getKey(),
                    report.get("distinct_source_ips"),
                    ((Map<String, Object>) aggs.get("ips")).get("value"));
        }
    }
}
