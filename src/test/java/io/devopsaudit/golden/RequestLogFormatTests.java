/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.golden;

import io.devopsaudit.ingest.ProcessorTestAccess;
import io.devopsaudit.parse.SourceFormat;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.hamcrest.Matchers.containsString;

/**
 * GitLab's request logs and its audit logs are never taken for each other, whichever format is configured; Sidekiq
 * and application_json.log lines are refused by every GitLab format (golden/refused/). The positive cases are the
 * golden files of gitlab_production_log, gitlab_api_log and gitlab_auth_log (golden/REQUEST-LOG-SOURCES.md).
 */
public class RequestLogFormatTests extends OpenSearchTestCase {

    private static final List<SourceFormat> AUDIT_JSON_FORMATS =
            List.of(SourceFormat.GITLAB_LOG, SourceFormat.GITLAB_API, SourceFormat.GITLAB_STREAM);
    private static final List<SourceFormat> REQUEST_FORMATS =
            Stream.of(SourceFormat.values()).filter(SourceFormat::isRequest).toList();

    public void testNoAuditFormatTakesARequestLine() {
        int checked = 0;
        for (GoldenCases.Case c : GoldenCases.all()) {
            if (c.format().isRequest() == false) continue;
            for (SourceFormat audit : AUDIT_JSON_FORMATS) {
                IllegalArgumentException e =
                        expectThrows(IllegalArgumentException.class, () -> run(c.text(), audit.id()));
                assertThat(
                        c + " as " + audit.id(),
                        e.getMessage(),
                        containsString("[" + audit.id() + "] field [message] is a "));
                assertThat(
                        c + " as " + audit.id(),
                        e.getMessage(),
                        containsString("format [" + c.format().id() + "], not a GitLab audit event"));
                checked++;
            }
        }
        assertTrue("request golden cases exist", checked >= 9 * AUDIT_JSON_FORMATS.size());
    }

    public void testNoRequestFormatTakesAnAuditEvent() {
        int checked = 0;
        for (GoldenCases.Case c : GoldenCases.all()) {
            if (AUDIT_JSON_FORMATS.contains(c.format()) == false) continue;
            for (SourceFormat request : REQUEST_FORMATS) {
                IllegalArgumentException e =
                        expectThrows(IllegalArgumentException.class, () -> run(c.text(), request.id()));
                assertThat(
                        c + " as " + request.id(),
                        e.getMessage(),
                        containsString("[" + request.id() + "] field [message] is "));
                assertThat(c + " as " + request.id(), e.getMessage(), containsString("request line"));
                checked++;
            }
        }
        assertTrue("audit golden cases exist", checked >= 20 * REQUEST_FORMATS.size());
    }

    /** A request log line of one kind is refused by the other request formats, naming the kind it is. */
    public void testRequestFormatsRefuseEachOther() {
        for (GoldenCases.Case c : GoldenCases.all()) {
            if (c.format().isRequest() == false) continue;
            for (SourceFormat other : REQUEST_FORMATS) {
                if (other == c.format()) continue;
                IllegalArgumentException e =
                        expectThrows(IllegalArgumentException.class, () -> run(c.text(), other.id()));
                assertThat(
                        c + " as " + other.id(),
                        e.getMessage(),
                        containsString("format [" + c.format().id() + "]"));
            }
        }
    }

    public void testSidekiqAndApplicationLinesAreRefusedByEveryGitlabFormat() throws IOException {
        Path dir = GoldenCases.root().resolve("refused");
        Map<String, String> expected = Map.of(
                "sidekiq_job_done.log", "a GitLab Sidekiq job log line",
                "application_json_user_created.log", "a GitLab application log line (application_json.log");
        for (Map.Entry<String, String> file : expected.entrySet()) {
            String line = Files.readString(dir.resolve(file.getKey()));
            IllegalArgumentException auto = expectThrows(IllegalArgumentException.class, () -> run(line, "auto"));
            assertThat(
                    file.getKey(), auto.getMessage(), containsString("[auto] field [message] is " + file.getValue()));
            assertThat(file.getKey(), auto.getMessage(), containsString("neither an audit event nor a request"));
            for (SourceFormat f : Stream.concat(AUDIT_JSON_FORMATS.stream(), REQUEST_FORMATS.stream())
                    .toList()) {
                IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> run(line, f.id()));
                assertThat(
                        file.getKey() + " as " + f.id(),
                        e.getMessage(),
                        containsString("field [message] is " + file.getValue()));
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals("every refused file has its expectation", expected.size(), files.count());
        }
    }

    /**
     * A request goes to the request index of its event time, under an id over the whole line (the same line twice is
     * the same id, another line another), with no indicator tags.
     */
    public void testRequestIndexIdAndNoIndicators() {
        String line = GoldenCases.read(GoldenCases.root().resolve("gitlab_auth_log/throttle_sign_in.log"));
        Map<String, Object> first = process(line);
        Map<String, Object> again = process(line);
        Map<String, Object> other = process(line.replace("20:11:03.118Z", "20:11:04.118Z"));
        assertEquals("devops-audit-gitlab-requests-2024.05", first.get("_index"));
        assertEquals(first.get("_id"), again.get("_id"));
        assertNotEquals(first.get("_id"), other.get("_id"));
        assertTrue(first.get("_id").toString(), first.get("_id").toString().startsWith("gitlab:fp:"));
        @SuppressWarnings("unchecked")
        Map<String, Object> audit = (Map<String, Object>) first.get("audit");
        assertNull("no indicators on a request", audit.get("indicators"));
        assertNull("no taxonomy class on a request", audit.get("category"));
    }

    private static Map<String, Object> process(String text) {
        Map<String, Object> source = new HashMap<>();
        source.put("message", text);
        IngestDocument doc = new IngestDocument("devops-audit", "1", null, null, null, source);
        ProcessorTestAccess.create(Map.of("field", "message")).execute(doc);
        return doc.getSourceAndMetadata();
    }

    private static Map<String, Object> run(String text, String format) {
        return GoldenFileTests.run(text, format);
    }
}
