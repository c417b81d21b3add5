/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.golden.GoldenCases;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.opensearch.client.Request;
import org.opensearch.client.RequestOptions;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.core.common.unit.ByteSizeValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;

/**
 * Hostile and careless input on the real node, kept as a regression suite: no 500 on any route, exact counts that
 * add up, every input kept (dead-letter index) or refused with a reason, event times bounded, index names with
 * four-digit years, a bounded number of new indices per request, CSV answers that cannot run formulas.
 */
public class HostileInputIT extends DevopsAuditRestTestCase {
    /** The outcomes every record ends in; received is their sum (a count an answer does not have is 0). */
    static final List<String> OUTCOMES = List.of(
            "indexed", "upgraded", "duplicates", "conflicts", "late", "nonconforming", "out_of_scope", "failed");

    static final String EVENT = "{\"id\":%d,\"author_id\":51,\"entity_id\":51,\"entity_type\":\"User\",\"details\":{"
            + "\"change\":\"email address\",\"author_name\":\"Andreas\",\"target_id\":51,\"target_type\":\"User\","
            + "\"target_details\":\"Andreas\",\"entity_path\":\"Andreas\"},\"created_at\":%s}";

    static String event(long id, String createdAt) {
        return String.format(Locale.ROOT, EVENT, id, createdAt);
    }

    static int status(Request r) {
        try {
            return client().performRequest(r).getStatusLine().getStatusCode();
        } catch (ResponseException e) {
            return e.getResponse().getStatusLine().getStatusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static ResponseException refused(int status, Request r) {
        ResponseException e = expectThrows(ResponseException.class, () -> client().performRequest(r));
        assertEquals(e.getMessage(), status, e.getResponse().getStatusLine().getStatusCode());
        return e;
    }

    static Request importRequest(String query, byte[] body) {
        Request r = new Request("POST", "/_plugins/devops_audit/_import" + query);
        r.setEntity(new ByteArrayEntity(body, ContentType.create("application/x-ndjson")));
        return r;
    }

    static Request importRequest(String query, String body) {
        return importRequest(query, body.getBytes(StandardCharsets.UTF_8));
    }

    static Request json(String method, String path, String body) {
        Request r = new Request(method, path);
        if (body != null) r.setJsonEntity(body);
        return r;
    }

    static void assertAddsUp(Map<String, Object> report) {
        long sum = 0;
        for (String o : OUTCOMES) sum += ((Number) report.getOrDefault(o, 0)).longValue();
        assertEquals(report.toString(), ((Number) report.get("received")).longValue(), sum);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> deadLetters(String kind) throws Exception {
        client().performRequest(new Request("POST", "/devops-audit-failed-*/_refresh?allow_no_indices=true"));
        Map<String, Object> r = call(
                "POST",
                "/devops-audit-failed-*/_search?allow_no_indices=true",
                "{\"size\":100,\"query\":{\"term\":{\"event.kind\":\"" + kind + "\"}}}");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> h : (List<Map<String, Object>>) ((Map<String, Object>) r.get("hits")).get("hits")) {
            out.add((Map<String, Object>) h.get("_source"));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<String> auditIndices() throws Exception {
        Response r = client().performRequest(new Request("GET", "/_cat/indices/devops-audit-*?h=index&format=json"));
        List<String> out = new ArrayList<>();
        for (Object o : entityAsList(r)) out.add((String) ((Map<String, Object>) o).get("index"));
        return out;
    }

    public void testOneBadRecordNeverCostsTheOthers() throws Exception {
        SetupIT.setup();
        StringBuilder body = new StringBuilder("[");
        for (int i = 1; i <= 1500; i++) {
            if (i > 1) body.append(',');
            body.append(event(i, i == 2 ? "-9223372036854775808" : "\"2024-05-10T17:46:49Z\""));
        }
        body.append(']');
        Map<String, Object> dry = entityAsMap(client().performRequest(importRequest("?dry_run=true", body.toString())));
        assertEquals(1500, dry.get("received"));
        assertEquals(1499, dry.get("would_index"));
        assertEquals(1, dry.get("failed"));
        Map<String, Object> report = entityAsMap(client().performRequest(importRequest("", body.toString())));
        assertEquals(1500, report.get("received"));
        assertEquals(1499, report.get("indexed"));
        assertEquals(1, report.get("failed"));
        assertAddsUp(report);
        @SuppressWarnings("unchecked")
        Map<String, Object> failure = ((List<Map<String, Object>>) report.get("failures")).get(0);
        assertEquals(2, failure.get("record"));
        assertThat((String) failure.get("reason"), containsString("is not a date"));
        assertEquals(1499L, ImportIT.count("devops-audit-gitlab-*"));
        assertEquals(1L, ImportIT.count("devops-audit-failed-*"));
    }

    public void testEventTimesAreBoundedAndIndexNamesHaveFourDigitYears() throws Exception {
        SetupIT.setup();
        String body = String.join(
                "\n",
                event(1, "\"+10000-01-01T00:00:00Z\""),
                event(2, "1e300"),
                event(3, "\"-0001-01-01T00:00:00Z\""),
                event(4, "\"1969-12-31T23:59:59Z\""),
                event(5, "\"2999-01-01T00:00:00Z\""),
                event(6, "\"2024-05-10T17:46:49Z\""));
        Map<String, Object> report = entityAsMap(client().performRequest(importRequest("", body)));
        assertEquals(6, report.get("received"));
        assertEquals(1, report.get("indexed"));
        assertEquals(5, report.get("failed"));
        assertAddsUp(report);
        List<Map<String, Object>> kept = deadLetters("out_of_range_time");
        assertEquals(kept.toString(), 4, kept.size()); // 1e300 is no date at all: a pipeline_error
        for (Map<String, Object> d : kept) {
            assertThat((String) ((Map<String, Object>) d.get("event")).get("original"), startsWith("{\"id\":"));
        }
        for (String index : auditIndices()) {
            assertThat(index, matchesPattern("devops-audit-(failed|gitlab|circleci)-[0-9]{4}\\.[0-9]{2}"));
        }
        assertThat(
                call("GET", "/_plugins/devops_audit/_retention", null).toString(),
                containsString("devops-audit-gitlab-2024.05"));
    }

    public void testOneRequestCreatesABoundedNumberOfNewIndices() throws Exception {
        SetupIT.setup();
        call("PUT", "/_cluster/settings", "{\"transient\":{\"devops_audit.intake.max_new_indices_per_request\":5}}");
        try {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                body.append(event(
                                i + 1,
                                String.format(Locale.ROOT, "\"%d-%02d-15T00:00:00Z\"", 1990 + i / 12, i % 12 + 1)))
                        .append('\n');
            }
            Map<String, Object> report = entityAsMap(client().performRequest(importRequest("", body.toString())));
            assertEquals(40, report.get("received"));
            assertEquals(5, report.get("indexed"));
            assertEquals(35, report.get("failed"));
            assertAddsUp(report);
            assertEquals(true, report.get("failures_truncated"));
            assertEquals(20, report.get("failures_limit"));
            assertEquals(
                    5,
                    auditIndices().stream()
                            .filter(i -> i.startsWith("devops-audit-gitlab-"))
                            .count());
            List<Map<String, Object>> kept = deadLetters("index_budget_exceeded");
            assertEquals(35, ImportIT.count("devops-audit-failed-*"));
            assertThat(
                    (String) ((Map<String, Object>) kept.get(0).get("error")).get("message"),
                    containsString("devops_audit.intake.max_new_indices_per_request"));
            // the same events again: the 5 indices exist, the next 5 months are admitted
            report = entityAsMap(client().performRequest(importRequest("", body.toString())));
            assertEquals(5, report.get("duplicates"));
            assertEquals(5, report.get("indexed"));
            assertEquals(30, report.get("failed"));
        } finally {
            call(
                    "PUT",
                    "/_cluster/settings",
                    "{\"transient\":{\"devops_audit.intake.max_new_indices_per_request\":null}}");
        }
    }

    public void testHeadersAreRecognisedByContentAndNothingIsSilentlyDropped() throws Exception {
        SetupIT.setup();
        String[] lines = GoldenCases.read(GoldenCases.root().resolve("circleci_csv/project_env_var_create.csv"))
                .split("\n");
        Map<String, Object> one =
                entityAsMap(client().performRequest(importRequest("?format=circleci_csv", lines[1] + "\n")));
        assertEquals(1, one.get("received"));
        assertEquals(1, one.get("indexed"));
        String two = lines[1] + "\n" + lines[1].replace("000000000040", "000000000041") + "\n";
        Map<String, Object> both = entityAsMap(client().performRequest(importRequest("?format=circleci_csv", two)));
        assertEquals(2, both.get("received"));
        assertEquals(1, both.get("indexed"));
        assertEquals(1, both.get("duplicates"));
        assertAddsUp(both);
        // a JSON event sent as CSV: refused with the position, not answered 200 received 0
        ResponseException e = refused(400, importRequest("?format=gitlab_csv", event(1, "\"2024-05-10T17:46:49Z\"")));
        assertThat(e.getMessage(), containsString("[gitlab_csv] invalid CSV in field [body]"));
    }

    public void testABodyThatIsNoAuditDataGetsOneAnswer() throws Exception {
        SetupIT.setup();
        Path readme = Path.of(System.getProperty("project.basedir")).resolve("README.md");
        ResponseException e = refused(400, importRequest("", java.nio.file.Files.readAllBytes(readme)));
        assertThat(e.getMessage(), containsString("cannot detect the format of the body"));
        refused(400, importRequest("", "just one line of text\n"));
        assertEquals(0L, ImportIT.count("devops-audit-*"));
        // the CLI says so and exits non-zero
        Process p = new ProcessBuilder(
                        "bash",
                        Path.of(System.getProperty("project.basedir"))
                                .resolve("devops-audit")
                                .toString(),
                        "import",
                        "--url",
                        "http://" + System.getProperty("tests.rest.cluster").split(",")[0],
                        readme.toString())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertNotEquals(out, 0, p.exitValue());
        assertThat(out, containsString("nothing was imported from " + readme + ": [auto] cannot detect the format"));
    }

    public void testJsonLimitsAre413() throws Exception {
        SetupIT.setup();
        String longString = "[{\"id\":1,\"x\":\"" + "a".repeat((1 << 20) + 10) + "\"}]";
        assertThat(refused(413, importRequest("", longString)).getMessage(), containsString("array element 1"));
        String deep = "[" + event(1, "\"2024-05-10T17:46:49Z\"") + ",{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}]";
        assertThat(refused(413, importRequest("", deep)).getMessage(), containsString("array element 2"));
    }

    public void testStreamBodiesThatAreNoEventsAreKeptAndCounted() throws Exception {
        SetupIT.setup();
        String token = "hostile-token-" + randomAlphaOfLength(12);
        StreamIT.keystore(token);
        try {
            for (String body : List.of("null", "5", "\"text\"")) {
                Request r = new Request("POST", "/_plugins/devops_audit/_stream/gitlab");
                r.setOptions(RequestOptions.DEFAULT.toBuilder().addHeader("X-Gitlab-Event-Streaming-Token", token));
                r.setJsonEntity(body);
                assertThat(refused(400, r).getMessage(), containsString("received 1, failed 1"));
            }
            Request bad = new Request("POST", "/_plugins/devops_audit/_stream/gitlab");
            bad.setOptions(RequestOptions.DEFAULT.toBuilder().addHeader("X-Gitlab-Event-Streaming-Token", token));
            bad.setEntity(new ByteArrayEntity(new byte[] {'{', (byte) 0xff, '}'}, ContentType.APPLICATION_JSON));
            assertThat(refused(400, bad).getMessage(), containsString("invalid byte [0xff] at byte offset 1"));
            List<Map<String, Object>> kept = deadLetters("invalid_encoding");
            assertEquals(1, kept.size());
            assertEquals("base64:e/99", ((Map<String, Object>) kept.get(0).get("event")).get("original"));
            assertEquals(4L, ImportIT.count("devops-audit-failed-*"));
        } finally {
            StreamIT.keystore(null);
        }
    }

    @SuppressWarnings("unchecked")
    public void testTheDeadLetterStepNeverFailsOnTheDocumentsOwnFields() throws Exception {
        SetupIT.setup();
        Map<String, Object> r = new Bulk()
                .index("devops-audit-incoming", null, "{\"event\":\"x\",\"id\":1}")
                .index("devops-audit-incoming", null, "{\"error\":5,\"id\":2}")
                .index("devops-audit-incoming", null, "{\"message\":\"junk\",\"event\":\"x\",\"error\":\"y\"}")
                .send("devops-audit");
        for (Map<String, Object> index : Bulk.items(r)) {
            assertEquals(index.toString(), 201, index.get("status"));
            assertThat((String) index.get("_index"), startsWith("devops-audit-failed-"));
        }
        List<Map<String, Object>> kept = deadLetters("pipeline_error");
        assertEquals(3, kept.size());
    }

    @SuppressWarnings("unchecked")
    public void testInvestigationRoutesAnswer400ForOutOfRangeTimesAndSayWhenTruncated() throws Exception {
        SetupIT.setup();
        for (String route : List.of("/_plugins/devops_audit/_access_report", "/_plugins/devops_audit/_export")) {
            for (String window : List.of(
                    "\"to\":\"+1000000000-12-31T23:59:59Z\"", "\"from\":-9223372036854775808", "\"from\":1e19")) {
                ResponseException e = refused(400, json("POST", route, "{\"scope\":\"acme\"," + window + "}"));
                assertThat(e.getMessage(), containsString("must be"));
            }
        }
        // an event stored with a time beyond epoch milliseconds (before the intake bounded event times)
        Request old = json(
                "PUT",
                "/devops-audit-gitlab-2024.01/_doc/gitlab:extreme?refresh=true",
                "{\"@timestamp\":\"+292278994-08-17T07:12:55.807Z\",\"event\":{\"provider\":\"gitlab\"},"
                        + "\"user\":{\"name\":\"alice\"}}");
        assertEquals(201, status(old));
        Map<String, Object> extreme = call("GET", "/_plugins/devops_audit/_context/gitlab:extreme", null);
        assertEquals("gitlab:extreme", extreme.get("event_id"));
        // bodies that are JSON but no object are a 400 naming what was found
        for (String body : List.of("null", "[1]", "5")) {
            ResponseException e = refused(400, json("POST", "/_plugins/devops_audit/_access_report", body));
            assertThat(e.getMessage(), containsString("the request body must be a JSON object"));
        }
        // a correlation with more events than the context holds says so
        String template = GoldenCases.read(GoldenCases.root().resolve("gitlab_log/newest_with_id_details.log"))
                .strip();
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 1100; i++)
            lines.append(template.replace("\"id\":179", "\"id\":" + (10_000 + i)))
                    .append('\n');
        Map<String, Object> report =
                entityAsMap(client().performRequest(importRequest("?format=gitlab_log", lines.toString())));
        assertEquals(1100, report.get("indexed"));
        client().performRequest(new Request("POST", "/devops-audit-*/_refresh"));
        Map<String, Object> ctx = call("GET", "/_plugins/devops_audit/_context/gitlab:10001", null);
        assertEquals(true, ctx.get("truncated"));
        assertEquals(1000, ctx.get("limit"));
    }

    public void testCsvAnswersCannotRunFormulas() throws Exception {
        SetupIT.setup();
        String csv = GoldenCases.read(GoldenCases.root().resolve("gitlab_csv/formula_guarded.csv"));
        assertEquals(
                1, entityAsMap(client().performRequest(importRequest("", csv))).get("indexed"));
        client().performRequest(new Request("POST", "/devops-audit-*/_refresh"));
        String window = "\"scope\":\"acme/web\",\"from\":\"2024-02-01T00:00:00Z\",\"to\":\"2024-02-03T00:00:00Z\"";
        String export = ExportIT.text(
                client().performRequest(json("POST", "/_plugins/devops_audit/_export?format=csv", "{" + window + "}")));
        assertThat(export, containsString("'=cmd"));
        assertFalse(export, export.contains(",=cmd"));
        String ndjson = ExportIT.text(
                client().performRequest(json("POST", "/_plugins/devops_audit/_export", "{" + window + "}")));
        assertThat(ndjson, containsString("\"=cmd\""));
        String report = ExportIT.text(client().performRequest(
                        json("POST", "/_plugins/devops_audit/_access_report?format=csv", "{" + window + "}")));
        assertThat(report, containsString("user,\"'=cmd\",1,"));
        assertFalse(report, report.contains(",=cmd"));
    }

    @SuppressWarnings("unchecked")
    public void testTheImportLimitSitsBelowTheHttpLimit() throws Exception {
        Map<String, Object> s = call("GET", "/_cluster/settings?include_defaults=true&flat_settings=true", null);
        Map<String, Object> defaults = (Map<String, Object>) s.get("defaults");
        long plugin = ByteSizeValue.parseBytesSizeValue(
                        (String) defaults.get("devops_audit.import.max_bytes"), "import")
                .getBytes();
        long http = ByteSizeValue.parseBytesSizeValue((String) defaults.get("http.max_content_length"), "http")
                .getBytes();
        assertEquals(90L << 20, plugin);
        assertTrue(plugin + " < " + http, plugin < http);
        // a body between the two limits gets the plugin's 413 with the advice on splitting
        call("PUT", "/_cluster/settings", "{\"transient\":{\"devops_audit.import.max_bytes\":\"1kb\"}}");
        try {
            ResponseException e = refused(413, importRequest("", "x".repeat(2048)));
            assertThat(e.getMessage(), containsString("split the file"));
        } finally {
            call("PUT", "/_cluster/settings", "{\"transient\":{\"devops_audit.import.max_bytes\":null}}");
        }
        assertEquals("1d", defaults.get("devops_audit.intake.max_future_skew"));
    }
}
