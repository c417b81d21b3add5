/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.golden.GoldenCases;
import io.devopsaudit.parse.SourceFormat;
import io.devopsaudit.testdata.AuditEventGenerator;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.hamcrest.Matchers.containsString;

/** POST _plugins/devops_audit/_import on the real node: exact counts, duplicates reported, failures named and kept. */
public class ImportIT extends DevopsAuditRestTestCase {

    static Map<String, Object> importBody(String query, byte[] body) throws Exception {
        Request r = new Request("POST", "/_plugins/devops_audit/_import" + query);
        r.setEntity(new ByteArrayEntity(body, ContentType.create("application/x-ndjson")));
        return entityAsMap(client().performRequest(r));
    }

    static Map<String, Object> importText(String query, String body) throws Exception {
        return importBody(query, body.getBytes(StandardCharsets.UTF_8));
    }

    static long count(String indices) throws Exception {
        client().performRequest(new Request("POST", "/" + indices + "/_refresh"));
        return ((Number) call("GET", "/" + indices + "/_count", null).get("count")).longValue();
    }

    /** One file per format built from the golden inputs: JSON array, NDJSON lines, log lines, one CSV per header variant. */
    public void testEveryFormatFromTheGoldenSamples() throws Exception {
        SetupIT.setup();
        long expected = 0;
        for (SourceFormat f : SourceFormat.values()) {
            // a CSV record without its header line is a processor input, not an export file: _import needs the header
            List<GoldenCases.Case> cases = GoldenCases.all().stream()
                    .filter(c -> c.format() == f)
                    .filter(c -> f.isCsv() == false || hasHeaderLine(c.text()))
                    .toList();
            List<String> files = new ArrayList<>();
            switch (f) {
                case GITLAB_API, CIRCLECI_JSON -> files.add(
                        "[" + cases.stream().map(GoldenCases.Case::text).collect(Collectors.joining(",")) + "]");
                case GITLAB_STREAM -> files.add(
                        cases.stream().map(c -> c.text().replace("\n", "")).collect(Collectors.joining("\n")));
                case GITLAB_LOG -> files.add(
                        cases.stream().map(GoldenCases.Case::text).collect(Collectors.joining()));
                default -> cases.forEach(c -> files.add(c.text()));
            }
            for (String file : files) {
                Map<String, Object> report = importText("?format=" + f.id(), file);
                int records = ((Number) report.get("received")).intValue();
                assertEquals(f.id() + " " + report, records, report.get("indexed"));
                assertEquals(0, report.get("duplicates"));
                assertEquals(0, report.get("failed"));
                expected += records;
                Map<String, Object> again = importText("?format=" + f.id(), file);
                assertEquals(f.id() + " again: " + again, 0, again.get("indexed"));
                assertEquals(records, again.get("duplicates"));
            }
        }
        assertEquals(
                GoldenCases.all().stream()
                        .filter(c -> c.format().isCsv() == false || hasHeaderLine(c.text()))
                        .count(),
                expected);
        assertEquals(expected, count("devops-audit-gitlab-*,devops-audit-circleci-*"));
    }

    private static boolean hasHeaderLine(String csv) {
        String first = csv.lines().findFirst().orElse("").toLowerCase(Locale.ROOT);
        return first.contains("action")
                && (first.contains("occurred_at") || first.contains("created at") || first.contains("author name"));
    }

    /** 100,000 CircleCI CSV rows, 10 % of them repeating an earlier id: counts and documents exact. */
    public void testLargeCircleciCsvWithDuplicateIds() throws Exception {
        SetupIT.setup();
        AuditEventGenerator gen = new AuditEventGenerator(random().nextLong());
        StringBuilder csv = new StringBuilder(
                "id,action,actor,target,payload,occurred_at,metadata,version,scope,success,request\n");
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 90_000; i++) {
            rows.add(gen.circleci().renderings().get(1));
        }
        for (int i = 0; i < 10_000; i++) {
            rows.add(rows.get(random().nextInt(90_000))); // CircleCI's duplicates share the id
        }
        Collections.shuffle(rows, random());
        rows.forEach(r -> csv.append(r).append('\n'));
        byte[] body = csv.toString().getBytes(StandardCharsets.UTF_8);
        logger.info("importing {} rows, {} bytes", rows.size(), body.length);
        Map<String, Object> report = importBody("?format=circleci_csv", body);
        assertEquals(report.toString(), 100_000, report.get("received"));
        assertEquals(90_000, report.get("indexed"));
        assertEquals(10_000, report.get("duplicates"));
        assertEquals(0, report.get("failed"));
        assertEquals(90_000L, count("devops-audit-circleci-*"));
        Map<String, Object> dry = importBody("?format=circleci_csv&dry_run=true", body);
        assertEquals(0, dry.get("would_index"));
        assertEquals(100_000, dry.get("duplicates"));
        assertEquals(90_000L, count("devops-audit-circleci-*"));
    }

    /**
     * Batches of one record, two of them on the node at once: every event followed directly by its copy, so each copy
     * is in the pipeline while its event is (a race the comparison with the stored event resolves by sending the
     * loser again). Counts and stored documents stay exact, and a second import counts every record as a duplicate.
     */
    public void testCopiesInBatchesOnTheNodeAtOnceCountExactly() throws Exception {
        SetupIT.setup();
        call("PUT", "/_cluster/settings", "{\"persistent\":{\"devops_audit.import.bulk_size\":1}}");
        try {
            AuditEventGenerator gen = new AuditEventGenerator(random().nextLong());
            StringBuilder log = new StringBuilder();
            int events = 150;
            for (int i = 0; i < events; i++) {
                String line = gen.gitlab(i + 1L).renderings().get(2).strip();
                log.append(line).append('\n').append(line).append('\n');
            }
            Map<String, Object> report = importText("?format=gitlab_log", log.toString());
            assertEquals(report.toString(), 2 * events, report.get("received"));
            assertEquals(report.toString(), events, report.get("indexed"));
            assertEquals(report.toString(), events, report.get("duplicates"));
            assertEquals(report.toString(), 0, report.get("failed"));
            assertEquals((long) events, count("devops-audit-gitlab-*"));
            Map<String, Object> again = importText("?format=gitlab_log", log.toString());
            assertEquals(again.toString(), 0, again.get("indexed"));
            assertEquals(again.toString(), 2 * events, again.get("duplicates"));
            assertEquals((long) events, count("devops-audit-gitlab-*"));
        } finally {
            call("PUT", "/_cluster/settings", "{\"persistent\":{\"devops_audit.import.bulk_size\":null}}");
        }
    }

    @SuppressWarnings("unchecked")
    public void testBadRecordsAreNamedAndKeptWhileTheRestIsIndexed() throws Exception {
        SetupIT.setup();
        String good = GoldenCases.read(GoldenCases.root().resolve("circleci_csv/project_env_var_create.csv"));
        String[] lines = good.split("\n");
        String csv = lines[0] + "\n" + lines[1] + "\n" + "x,context.delete,a,b,c\n"
                + lines[1].replace("000000000040", "000000000099") + "\n";
        Map<String, Object> report = importText("", csv);
        assertEquals(3, report.get("received"));
        assertEquals(2, report.get("indexed"));
        assertEquals(1, report.get("failed"));
        Map<String, Object> failure = ((List<Map<String, Object>>) report.get("failures")).get(0);
        assertEquals(2, failure.get("record"));
        assertThat((String) failure.get("reason"), containsString("has 5 columns, its header has 11"));
        assertThat((String) failure.get("reason"), containsString("kept in devops-audit-failed-"));
        assertEquals(1L, count("devops-audit-failed-*"));
        Map<String, Object> dry = importText("?dry_run=true", csv);
        assertEquals(0, dry.get("would_index"));
        assertEquals(2, dry.get("already_stored"));
        assertEquals(1, dry.get("failed"));
    }

    public void testLimitsAndUndecodableBodies() throws Exception {
        byte[] latin1 = "id,action\n1,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        ResponseException e = expectThrows(ResponseException.class, () -> importBody("?format=circleci_csv", latin1));
        assertEquals(400, e.getResponse().getStatusLine().getStatusCode());
        assertThat(
                e.getMessage(),
                containsString("[circleci_csv] the body is not valid UTF-8: invalid byte [0xe9] at byte offset 15"));

        call("PUT", "/_cluster/settings", "{\"transient\":{\"devops_audit.import.max_bytes\":\"100b\"}}");
        try {
            e = expectThrows(ResponseException.class, () -> importText("", "x".repeat(200)));
            assertEquals(413, e.getResponse().getStatusLine().getStatusCode());
            assertThat(e.getMessage(), containsString("more than devops_audit.import.max_bytes (100): split the file"));
        } finally {
            call("PUT", "/_cluster/settings", "{\"transient\":{\"devops_audit.import.max_bytes\":null}}");
        }
        e = expectThrows(ResponseException.class, () -> importText("?format=gitlab_xml", "{}"));
        assertEquals(400, e.getResponse().getStatusLine().getStatusCode());
        assertThat(e.getMessage(), containsString("[format] unknown format [gitlab_xml]"));
    }
}
