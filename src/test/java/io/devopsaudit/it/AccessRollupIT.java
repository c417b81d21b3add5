/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import org.opensearch.client.Request;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The access rollup on the real node: every report answers exactly as it does from the events alone (summary, detail,
 * CSV, e-mail domains, users, networks, several instances, windows that cut days), and a day goes back to its events as
 * soon as it changes (a late event, a richer copy, a deletion, an event with two values of a grouped field) until the
 * next rollup run makes it exact again.
 */
public class AccessRollupIT extends DevopsAuditRestTestCase {

    static final String REPORT = "/_plugins/devops_audit/_access_report";
    static final String ROLLUP = "/_plugins/devops_audit/_access_rollup";
    static final String INDEX = "devops-audit-gitlab-2024.06";
    /** When the month's events were stored: long before the rollup runs. */
    static final String STORED = "2024-07-01T00:00:00.000Z";

    static final String MONTH =
            "\"scope\":\"bench\",\"from\":\"2024-06-01T00:00:00Z\",\"to\":\"2024-06-30T23:59:59.999Z\"";

    /** The questions asked with and without the rollup, each a report body (and {@code csv} for the CSV answer). */
    static final List<String> QUESTIONS = List.of(
            "{" + MONTH + "}",
            "{" + MONTH + ",\"detail\":true}",
            "csv {" + MONTH + "}",
            "{" + MONTH + ",\"detail\":true,\"exclude_email_domains\":[\"corp.example\"]}",
            "{" + MONTH + ",\"exclude_email_domains\":[\"partner.example\"]}",
            "{" + MONTH + ",\"detail\":true,\"exclude_networks\":[\"10.0.0.0/8\"],\"exclude_users\":[\"user7\"]}",
            "{" + MONTH + ",\"users\":[\"user3\",\"12\",\"ghost\"]}",
            "{\"scope\":\"bench/project-2\",\"from\":\"2024-06-03T12:00:00Z\",\"to\":\"2024-06-20T06:00:00Z\","
                    + "\"detail\":true}",
            "{\"scope\":\"bench\",\"from\":\"2024-06-10T00:00:00Z\",\"to\":\"2024-06-11T00:00:00Z\",\"detail\":true}");

    static Map<String, Object> event(int i, String ingested) {
        int u = 1 + (i * 7919) % 40;
        boolean access = i % 17 != 0;
        Map<String, Object> user = new LinkedHashMap<>();
        // a few pseudo-authors and users known by name only
        if (i % 23 == 0) user.put("id", "-1");
        else if (u % 11 != 0) user.put("id", String.valueOf(u));
        user.put("name", u % 11 == 0 ? "bot" + u : "user" + u);
        if (i % 10 == 0) user.put("email", "user" + u + "@" + (u % 3 == 0 ? "partner" : "corp") + ".example");
        String ip = u % 4 == 0 ? "10.1." + u + "." + (i % 3) : "81.7." + u + "." + (i % 3);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("ip", ip);
        if (ip.startsWith("81.")) {
            source.put("geo", Map.of("country_iso_code", u % 2 == 0 ? "DE" : "FR"));
            source.put("as", Map.of("number", 64500 + u % 3));
        }
        int project = 1 + (u + i) % 4;
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("kind", "event");
        event.put("provider", "gitlab");
        event.put(
                "action",
                access
                        ? (i % 5 == 0 ? "repository_download_operation" : "repository_git_operation")
                        : "project_feature_updated");
        event.put("outcome", "success");
        event.put("dataset", "gitlab.audit");
        event.put("ingested", ingested);
        Map<String, Object> audit = new LinkedHashMap<>();
        audit.put("category", access ? "repository" : "settings");
        audit.put("area", access ? "git_operations" : "project_settings");
        audit.put("instance", i % 7 == 0 ? "gitlab-b" : "gitlab-a");
        audit.put(
                "scope", Map.of("type", "project", "id", String.valueOf(project), "path", "bench/project-" + project));
        audit.put(
                "target", Map.of("type", "Project", "id", String.valueOf(project), "name", "bench/project-" + project));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put(
                "@timestamp",
                Instant.ofEpochSecond(1717200000L + (long) i * 30 * 86400 / EVENTS)
                        .toString());
        doc.put("event", event);
        doc.put("user", user);
        doc.put("source", source);
        doc.put("user_agent", Map.of("original", "git/2." + (u % 3 + i % 2)));
        doc.put("organization", Map.of("name", "bench"));
        doc.put("audit", audit);
        return doc;
    }

    static final int EVENTS = 6000;

    static void load() throws IOException {
        Bulk bulk = new Bulk();
        for (int i = 0; i < EVENTS; i++) bulk.index(INDEX, "e" + i, event(i, STORED));
        bulk.sendWithoutErrors("_none");
    }

    static void rollupEnabled(boolean on) throws IOException {
        call("PUT", "/_cluster/settings", "{\"persistent\":{\"devops_audit.access_rollup.enabled\":" + on + "}}");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> rollup() throws IOException {
        return call("POST", ROLLUP, null);
    }

    /** Every question's answer (the {@code precounted_days} apart, which it returns beside). */
    static Map<String, Object> answers(Map<String, Integer> precounted) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String q : QUESTIONS) {
            if (q.startsWith("csv ")) {
                Request r = new Request("POST", REPORT + "?format=csv");
                r.setJsonEntity(q.substring(4));
                out.put(
                        q,
                        new String(
                                client().performRequest(r)
                                        .getEntity()
                                        .getContent()
                                        .readAllBytes(),
                                StandardCharsets.UTF_8));
                continue;
            }
            Map<String, Object> answer = new LinkedHashMap<>(call("POST", REPORT, q));
            precounted.put(q, ((Number) answer.remove("precounted_days")).intValue());
            out.put(q, answer);
        }
        return out;
    }

    /** Asserts that every answer with the rollup equals the answer from the events; the precounted days by question. */
    static Map<String, Integer> assertSameAnswers() throws IOException {
        rollupEnabled(false);
        Map<String, Integer> none = new LinkedHashMap<>();
        Map<String, Object> fromEvents = answers(none);
        none.values().forEach(d -> assertEquals("no day is precounted with the rollup off", 0, d.intValue()));
        rollupEnabled(true);
        Map<String, Integer> precounted = new LinkedHashMap<>();
        Map<String, Object> withRollup = answers(precounted);
        for (String q : QUESTIONS) assertEquals(q, fromEvents.get(q), withRollup.get(q));
        return precounted;
    }

    @SuppressWarnings("unchecked")
    public void testEveryAnswerIsTheEventsAnswerAndChangedDaysGoBackToTheEvents() throws Exception {
        SetupIT.setup();
        call("PUT", "/_cluster/settings", "{\"persistent\":{\"devops_audit.access_rollup.quiet_period\":\"0s\"}}");
        try {
            load();
            Map<String, Object> run = rollup();
            assertEquals(run.toString(), 30, ((Map<String, Object>) run.get("days")).get("rolled"));
            long accesses = ((Number) run.get("accesses")).longValue();
            assertTrue(run.toString(), ((Number) run.get("rows")).longValue() < accesses);
            // the rollup is not an audit index: searches of devops-audit-* never see its rows
            assertEquals(
                    EVENTS,
                    ((Number) call("GET", "/devops-audit-*/_count", null).get("count")).intValue());

            Map<String, Integer> precounted = assertSameAnswers();
            assertEquals(30, precounted.get(QUESTIONS.get(0)).intValue());
            // June 3 12:00 to June 20 06:00: the 16 whole days between
            assertEquals(16, precounted.get(QUESTIONS.get(7)).intValue());
            // June 10 00:00 to June 11 00:00 inclusive: June 10 whole, June 11's first millisecond from the events
            assertEquals(1, precounted.get(QUESTIONS.get(8)).intValue());
            Map<String, Object> again = rollup();
            assertEquals(again.toString(), 30, ((Map<String, Object>) again.get("days")).get("kept"));

            // a late event on June 5, a richer copy of an event of June 7, a deletion on June 9
            String now = Instant.now().toString();
            Map<String, Object> late = event(1, now);
            late.put("@timestamp", "2024-06-05T12:00:00Z");
            Map<String, Object> richer = event(7 * EVENTS / 30 + 1, now);
            ((Map<String, Object>) richer.get("user")).put("email", "user" + 8 + "@corp.example");
            new Bulk()
                    .index(INDEX, "late", late)
                    .index(INDEX, "e" + (7 * EVENTS / 30 + 1), richer)
                    .sendWithoutErrors("_none");
            call("DELETE", "/" + INDEX + "/_doc/e" + (9 * EVENTS / 30 + 2) + "?refresh=true", null);
            precounted = assertSameAnswers();
            assertEquals(27, precounted.get(QUESTIONS.get(0)).intValue());

            Map<String, Object> rerun = rollup();
            Map<String, Object> days = (Map<String, Object>) rerun.get("days");
            assertEquals(rerun.toString(), 3, days.get("rolled"));
            assertEquals(27, days.get("kept"));
            // the replaced builds' rows go at the next run: a report may be reading them while this one runs
            assertEquals(rerun.toString(), 0, ((Number) rerun.get("rows_deleted")).intValue());
            Map<String, Object> next = rollup();
            assertEquals(next.toString(), 30, ((Map<String, Object>) next.get("days")).get("kept"));
            assertTrue(next.toString(), ((Number) next.get("rows_deleted")).longValue() > 0);
            precounted = assertSameAnswers();
            assertEquals(30, precounted.get(QUESTIONS.get(0)).intValue());

            // an event with two e-mails would be counted once per e-mail by a grouped row: its day stays with events
            Map<String, Object> two = event(3, STORED);
            two.put("@timestamp", "2024-06-11T08:00:00Z");
            ((Map<String, Object>) two.get("user")).put("email", List.of("a@corp.example", "b@partner.example"));
            new Bulk().index(INDEX, "two-emails", two).sendWithoutErrors("_none");
            Map<String, Object> refused = rollup();
            assertEquals(refused.toString(), 1, ((Map<String, Object>) refused.get("days")).get("refused"));
            precounted = assertSameAnswers();
            assertEquals(29, precounted.get(QUESTIONS.get(0)).intValue());
        } finally {
            call(
                    "PUT",
                    "/_cluster/settings",
                    "{\"persistent\":{\"devops_audit.access_rollup.quiet_period\":null,"
                            + "\"devops_audit.access_rollup.enabled\":null}}");
        }
    }

    /** A day that is not over, or whose last event came within the quiet period, waits for a later run. */
    @SuppressWarnings("unchecked")
    public void testDaysThatAreNotQuietWait() throws Exception {
        SetupIT.setup();
        load();
        Map<String, Object> today = event(5, Instant.now().toString());
        today.put("@timestamp", Instant.now().toString());
        new Bulk()
                .index(
                        "devops-audit-gitlab-"
                                + java.time.format.DateTimeFormatter.ofPattern("yyyy.MM", java.util.Locale.ROOT)
                                        .withZone(java.time.ZoneOffset.UTC)
                                        .format(Instant.now()),
                        "today",
                        today)
                .sendWithoutErrors("_none");
        // the default quiet period (30 minutes): June 2024 is long over and quiet, today is not
        Map<String, Object> run = rollup();
        Map<String, Object> days = (Map<String, Object>) run.get("days");
        assertEquals(run.toString(), 30, days.get("rolled"));
        assertEquals(run.toString(), 1, days.get("waiting"));
        List<Object> kept = new ArrayList<>();
        kept.add(rollup().get("days"));
        assertEquals(kept.toString(), 30, ((Map<String, Object>) kept.get(0)).get("kept"));
    }

    /** Without anyone asking: the cluster-manager's run every interval rolls the month up, and reports read it. */
    public void testTheClusterManagerRollsUpOnItsOwn() throws Exception {
        SetupIT.setup();
        load();
        call(
                "PUT",
                "/_cluster/settings",
                "{\"persistent\":{\"devops_audit.access_rollup.quiet_period\":\"0s\","
                        + "\"devops_audit.access_rollup.interval\":\"1s\"}}");
        try {
            assertBusy(
                    () -> assertEquals(
                            30, ((Number) call("POST", REPORT, QUESTIONS.get(0)).get("precounted_days")).intValue()),
                    60,
                    java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            call(
                    "PUT",
                    "/_cluster/settings",
                    "{\"persistent\":{\"devops_audit.access_rollup.quiet_period\":null,"
                            + "\"devops_audit.access_rollup.interval\":null}}");
        }
    }
}
