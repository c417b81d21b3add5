/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.investigate.Export;
import io.devopsaudit.normalize.RecordBuilder;
import io.devopsaudit.parse.CsvText;
import io.devopsaudit.parse.JsonText;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.hamcrest.Matchers.containsString;

/** {@code _export} on the real node: exactly the events of the log request, in time order, as NDJSON and CSV, redacted without leaks, bounded. */
public class ExportIT extends DevopsAuditRestTestCase {

    static final String WINDOW = "\"from\":\"2019-08-15T20:00:00Z\",\"to\":\"2019-08-15T20:15:00Z\"";

    static Response export(String format, String body) throws Exception {
        Request r = new Request("POST", "/_plugins/devops_audit/_export" + (format == null ? "" : "?format=" + format));
        r.setJsonEntity(body);
        return client().performRequest(r);
    }

    static String text(Response r) throws Exception {
        return new String(r.getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> ndjson(String body) throws Exception {
        Response r = export(null, body);
        assertThat(r.getEntity().getContentType(), containsString("application/x-ndjson"));
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : text(r).split("\n")) {
            if (line.isEmpty() == false) out.add((Map<String, Object>) JsonText.parse("ndjson", "line", line));
        }
        assertEquals(r.getHeader("X-Devops-Audit-Events"), Integer.toString(out.size()));
        return out;
    }

    /** The expected export, computed from the fixture list: the event ids in (time, id) order. */
    static List<String> expected(Predicate<InvestigateIT.Access> which) {
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < InvestigateIT.FIXTURE.size(); i++) {
            InvestigateIT.Access a = InvestigateIT.FIXTURE.get(i);
            if (a.time().compareTo("2019-08-15T20:00:00") >= 0
                    && a.time().compareTo("2019-08-15T20:15:00") <= 0
                    && which.test(a)) rows.add(new String[] {a.time(), "gitlab:" + (i + 1)});
        }
        rows.sort(Comparator.<String[], String>comparing(r -> r[0]).thenComparing(r -> r[1]));
        return rows.stream().map(r -> r[1]).toList();
    }

    static List<String> ids(List<Map<String, Object>> rows) {
        return rows.stream().map(r -> (String) r.get("event_id")).toList();
    }

    public void testExportIsExactInTimeOrderAsNdjsonAndCsv() throws Exception {
        InvestigateIT.load();
        // two scopes, every event (no access filter): the member change is in it
        String body = "{\"scope\":[\"acme/web\",\"acme/api\"]," + WINDOW + "}";
        List<Map<String, Object>> rows = ndjson(body);
        assertEquals(expected(a -> true), ids(rows));
        for (Map<String, Object> row : rows) assertEquals(Export.COLUMNS, new ArrayList<>(row.keySet()));
        Map<String, Object> bob = rows.stream()
                .filter(r -> "bob".equals(r.get("actor")))
                .findFirst()
                .orElseThrow();
        assertEquals("192.0.2.11", bob.get("source_ip"));
        assertEquals("repository_file_accessed_web", bob.get("action"));
        assertEquals("acme/web", bob.get("scope_path"));
        assertEquals("file read by bob for dan", bob.get("message"));
        assertEquals("2019-08-15T20:07:30.000Z", bob.get("time"));

        // one scope, filters and exclusions as in the access report
        assertEquals(
                expected(a -> a.project().equals("acme/web")), ids(ndjson("{\"scope\":\"acme/web\"," + WINDOW + "}")));
        assertEquals(
                expected(a -> a.user().equals("mallory") && a.action().equals("repository_git_operation")),
                ids(ndjson("{\"scope\":\"acme\"," + WINDOW
                        + ",\"users\":[\"mallory\"],\"actions\":[\"repository_git_operation\"]}")));
        assertEquals(
                expected(a -> a.ip().startsWith("192.0.2.") == false
                        && a.email() != null
                        && a.email().endsWith("@example.com") == false),
                ids(ndjson("{\"scope\":\"acme\"," + WINDOW
                        + ",\"exclude_networks\":[\"192.0.2.0/24\"],\"exclude_email_domains\":[\"example.com\"],"
                        + "\"exclude_users\":[\"frank\"]}")));

        // CSV: the documented header, then the same rows as the NDJSON export, in the same order
        Response csv = export("csv", body);
        assertThat(csv.getEntity().getContentType(), containsString("text/csv"));
        List<List<String>> table = CsvText.records("csv", "export", text(csv));
        assertEquals(Export.COLUMNS, table.get(0));
        assertEquals(rows.size(), table.size() - 1);
        for (int i = 0; i < rows.size(); i++) {
            List<String> fromJson = new ArrayList<>();
            for (String c : Export.COLUMNS)
                fromJson.add(
                        rows.get(i).get(c) == null ? "" : (String) rows.get(i).get(c));
            assertEquals(fromJson, table.get(i + 1));
        }
        // no event: a header alone
        assertEquals(
                String.join(",", Export.COLUMNS) + "\n", text(export("csv", "{\"scope\":\"nobody\"," + WINDOW + "}")));
    }

    public void testRedactedExportLeaksNoIdentityNotAskedFor() throws Exception {
        InvestigateIT.load();
        StreamIT.keystoreSet("devops_audit.redaction.key", "export-" + randomAlphaOfLength(16));
        String body = "{\"scope\":[\"acme/web\",\"acme/api\"]," + WINDOW
                + ",\"redact\":true,\"include_identities\":[\"mallory\"]}";
        List<Map<String, Object>> redacted = ndjson(body);
        List<List<String>> table = CsvText.records("csv", "export", text(export("csv", body)));
        assertEquals(Export.COLUMNS, table.get(0));
        List<String> cells = new ArrayList<>();
        for (Map<String, Object> row : redacted) row.values().forEach(v -> cells.add(v == null ? "" : v.toString()));
        for (List<String> row : table.subList(1, table.size())) cells.addAll(row);
        // mallory's own addresses are readable with her; every other address and user stays a pseudonym
        Set<String> malloryIps = new HashSet<>();
        for (InvestigateIT.Access a : InvestigateIT.FIXTURE) if (a.user().equals("mallory")) malloryIps.add(a.ip());
        assertFalse(malloryIps.isEmpty());
        for (String cell : cells) {
            for (InvestigateIT.Access a : InvestigateIT.FIXTURE) {
                if (a.user().equals("mallory") == false)
                    assertFalse(a.user() + " leaked: " + cell, cell.contains(a.user()));
                if (malloryIps.contains(a.ip()) == false)
                    assertFalse(a.ip() + " leaked: " + cell, cell.contains(a.ip()));
            }
            assertFalse("a user target leaked: " + cell, cell.contains("dan"));
        }
        assertTrue(cells.contains("mallory"));
        assertTrue("her own addresses are readable", cells.containsAll(malloryIps));
        assertTrue(cells.stream().anyMatch(c -> c.startsWith("user-")));
        assertTrue(cells.stream().anyMatch(c -> c.startsWith("ip-")));
        assertEquals("redaction changes no row", expected(a -> true), ids(redacted));
        Set<Object> actors = new HashSet<>();
        redacted.forEach(r -> actors.add(r.get("actor")));
        Set<String> users = new HashSet<>();
        for (Map<String, Object> r : ndjson("{\"scope\":[\"acme/web\",\"acme/api\"]," + WINDOW + "}"))
            users.add((String) r.get("actor"));
        assertEquals("distinct users stay distinct", users.size(), actors.size());
    }

    /**
     * A non-human actor is an identity as actor and as target: a deploy key named release-bot gets one pseudonym
     * whether it pushed or was added; listed in include_identities it is readable in both places, with the
     * addresses it acted from; another identity's address stays a pseudonym.
     */
    public void testRedactionTreatsADeployKeyAsActorAndTargetAlike() throws Exception {
        SetupIT.setup();
        StreamIT.keystoreSet("devops_audit.redaction.key", "export-" + randomAlphaOfLength(16));
        String[][] docs = {
            {"gitlab:key-added", "00", "alice", "deploy_key_added", "DeployKey", "release-bot", "198.51.100.7"},
            {"gitlab:key-push", "01", "release-bot", "repository_git_operation", "Project", "acme/web", "203.0.113.9"},
        };
        Bulk bulk = new Bulk();
        for (String[] d : docs) {
            RecordBuilder r = new RecordBuilder()
                    .put("@timestamp", "2019-08-15T20:" + d[1] + ":00.000Z")
                    .put("event.provider", "gitlab")
                    .put("event.action", d[3])
                    .put("user.name", d[2])
                    .put("source.ip", d[6])
                    .put("audit.scope.type", "project")
                    .put("audit.scope.path", "acme/web")
                    .put("audit.target.type", d[4])
                    .put("audit.target.name", d[5])
                    .put("audit.dedup_key", d[0]);
            bulk.index("devops-audit-gitlab-2019.08", d[0], r.build());
        }
        bulk.sendWithoutErrors(null);
        String window = "\"scope\":\"acme/web\",\"from\":\"2019-08-15T20:00:00Z\",\"to\":\"2019-08-15T20:05:00Z\"";

        List<Map<String, Object>> rows = ndjson("{" + window + ",\"redact\":true,\"include_identities\":[\"alice\"]}");
        assertEquals(2, rows.size());
        assertEquals("alice", rows.get(0).get("actor"));
        assertEquals(
                "a listed identity's own address is readable with it",
                "198.51.100.7",
                rows.get(0).get("source_ip"));
        assertTrue(
                "the address of an identity not listed stays a pseudonym",
                ((String) rows.get(1).get("source_ip")).startsWith("ip-"));
        Object asTarget = rows.get(0).get("target");
        assertTrue(String.valueOf(asTarget), String.valueOf(asTarget).startsWith("user-"));
        assertEquals(
                "one pseudonym as target and as actor", asTarget, rows.get(1).get("actor"));
        assertEquals("acme/web", rows.get(1).get("target"));

        rows = ndjson(
                "{" + window + ",\"redact\":true,\"include_identities\":[\"alice\",\"198.51.100.7\",\"Release-Bot\"]}");
        assertEquals("198.51.100.7", rows.get(0).get("source_ip"));
        assertEquals("release-bot", rows.get(0).get("target"));
        assertEquals("release-bot", rows.get(1).get("actor"));
        assertEquals("listed, its own address too", "203.0.113.9", rows.get(1).get("source_ip"));
    }

    /** More events than a page, many sharing one timestamp: each exactly once, in (time, id) order; the bound is a 400. */
    public void testPagesExactlyAndStopsAtTheBound() throws Exception {
        SetupIT.setup();
        int n = 4_500;
        Bulk bulk = new Bulk();
        List<String> want = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = String.format(java.util.Locale.ROOT, "gitlab:big-%05d", i);
            String time = "2019-08-15T20:0" + (i % 3) + ":00.000Z"; // 1,500 events per timestamp
            RecordBuilder r = new RecordBuilder()
                    .put("@timestamp", time)
                    .put("event.provider", "gitlab")
                    .put("event.action", "repository_git_operation")
                    .put("user.name", "u" + (i % 7))
                    .put("audit.scope.path", "big/repo")
                    .put("audit.dedup_key", id);
            bulk.index("devops-audit-gitlab-2019.08", id, r.build());
            want.add(time + "|" + id);
        }
        bulk.sendWithoutErrors(null);
        want.sort(String::compareTo);
        String body = "{\"scope\":\"big\"," + WINDOW + "}";
        List<Map<String, Object>> rows = ndjson(body);
        assertEquals(want.stream().map(w -> w.substring(w.indexOf('|') + 1)).toList(), ids(rows));

        call("PUT", "/_cluster/settings", "{\"persistent\":{\"devops_audit.export.max_events\":4499}}");
        try {
            ResponseException e = expectThrows(ResponseException.class, () -> export(null, body));
            assertEquals(400, e.getResponse().getStatusLine().getStatusCode());
            assertThat(
                    e.getMessage(),
                    containsString("the export holds 4500 events, more than devops_audit.export.max_events (4499)"));
        } finally {
            call("PUT", "/_cluster/settings", "{\"persistent\":{\"devops_audit.export.max_events\":null}}");
        }
        for (String[] c : new String[][] {
            {"{\"from\":\"2019-08-15T20:00:00Z\"}", "[scope] is required"},
            {"{\"scope\":\"a\",\"colour\":1}", "unknown parameter [colour]"},
            {"{\"scope\":[\"a\",3]}", "[scope] must be a list of strings"},
        }) {
            ResponseException e = expectThrows(ResponseException.class, () -> export(null, c[0]));
            assertEquals(c[0], 400, e.getResponse().getStatusLine().getStatusCode());
            assertThat(e.getMessage(), containsString(c[1]));
        }
        ResponseException e = expectThrows(ResponseException.class, () -> export("xml", body));
        assertThat(e.getMessage(), containsString("[format] must be ndjson or csv"));
    }
}
