/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.opensearch.client.Request;
import org.opensearch.client.RequestOptions;
import org.opensearch.client.ResponseException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.hamcrest.Matchers.containsString;

/**
 * How events arrive today, on the real node: Google Cloud Logging entries (one LogEntry, or an {@code entries}
 * batch) through {@code _import} and {@code _stream}, gzip'd import bodies, and two GitLab instances whose events
 * share database ids.
 */
// the CLI counts the files of a folder it skips: the test framework's ExtrasFS would add files of its own there
@LuceneTestCase.SuppressFileSystems("ExtrasFS")
public class DeliveriesIT extends DevopsAuditRestTestCase {

    private static String apiEvent(long id, String project) {
        return "{\"id\":" + id
                + ",\"author_id\":7,\"entity_id\":12,\"entity_type\":\"Project\",\"event_name\":\"project_visibility_level_updated\","
                + "\"details\":{\"change\":\"visibility_level\",\"from\":\"Private\",\"to\":\"Public\",\"author_name\":\"alice\","
                + "\"target_id\":12,\"target_type\":\"Project\",\"target_details\":\"" + project
                + "\",\"entity_path\":\"" + project
                + "\"},\"created_at\":\"2024-06-05T10:00:00.000Z\"}";
    }

    private static String logEntry(long id, String project) {
        return "{\"insertId\":\"ins-" + id
                + "\",\"logName\":\"projects/acme/logs/gitlab-audit\",\"resource\":{\"type\":\"global\"},"
                + "\"timestamp\":\"2024-06-05T10:00:01Z\",\"jsonPayload\":" + apiEvent(id, project) + "}";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> doc(String id) throws Exception {
        client().performRequest(new Request("POST", "/devops-audit-gitlab-*/_refresh"));
        Map<String, Object> hits =
                call("POST", "/devops-audit-gitlab-*/_search", "{\"query\":{\"ids\":{\"values\":[\"" + id + "\"]}}}");
        List<Map<String, Object>> list =
                (List<Map<String, Object>>) ((Map<String, Object>) hits.get("hits")).get("hits");
        assertEquals(id, 1, list.size());
        return (Map<String, Object>) list.get(0).get("_source");
    }

    @SuppressWarnings("unchecked")
    public void testCloudLoggingEntriesThroughImportAndStream() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\": 0}");
        long base = 9_100_000L + randomIntBetween(0, 10_000) * 10L;
        // one LogEntry, as a log sink exports it
        Map<String, Object> single = ImportIT.importText("", logEntry(base, "acme/one"));
        assertEquals(1, single.get("indexed"));
        Map<String, Object> stored = doc("gitlab:" + base);
        assertEquals("gitlab_stream", ((Map<String, Object>) stored.get("audit")).get("source_format"));
        assertEquals(
                "ins-" + base,
                ((Map<String, Object>) ((Map<String, Object>) stored.get("gitlab")).get("audit")).get("insertId"));

        // a batch of three, pretty-printed over many lines, through _import
        String batch = "{\n  \"entries\": [\n    " + logEntry(base + 1, "acme/two") + ",\n    "
                + logEntry(base + 2, "acme/two") + ",\n    " + logEntry(base + 3, "acme/two") + "\n  ]\n}\n";
        Map<String, Object> report = ImportIT.importText("", batch);
        assertEquals(report.toString(), 3, report.get("received"));
        assertEquals(3, report.get("indexed"));
        for (long id = base + 1; id <= base + 3; id++) doc("gitlab:" + id);

        // a batch through the GitLab receiver
        String token = "cl-" + randomAlphaOfLength(16);
        StreamIT.keystore(token);
        try {
            String streamed =
                    "{\"entries\":[" + logEntry(base + 4, "acme/three") + "," + logEntry(base + 5, "acme/three") + "]}";
            Map<String, Object> answer = entityAsMap(StreamIT.send(token, "application/json", streamed, null));
            assertEquals(answer.toString(), 2, answer.get("received"));
            assertEquals(2, answer.get("indexed"));
            doc("gitlab:" + (base + 4));
            doc("gitlab:" + (base + 5));
        } finally {
            StreamIT.keystore(null);
        }
    }

    public void testTwoInstancesKeepTwoDocuments() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\": 0}");
        long id = 9_200_000L + randomIntBetween(0, 10_000);
        String event = apiEvent(id, "acme/web");
        assertEquals(1, ImportIT.importText("?instance=gitlab-com", event).get("indexed"));
        assertEquals(1, ImportIT.importText("?instance=gitlab-acme", event).get("indexed"));
        assertEquals(
                "the same instance again is a duplicate",
                1,
                ImportIT.importText("?instance=gitlab-acme", event).get("duplicates"));
        assertEquals("gitlab-com", ((Map<?, ?>) doc("gitlab:gitlab-com:" + id).get("audit")).get("instance"));
        assertEquals("gitlab-acme", ((Map<?, ?>) doc("gitlab:gitlab-acme:" + id).get("audit")).get("instance"));
        assertEquals(
                400,
                expectThrows(ResponseException.class, () -> ImportIT.importText("?instance=GitLab:1", event))
                        .getResponse()
                        .getStatusLine()
                        .getStatusCode());
    }

    public void testAGzipBodyIsReadAsItsContent() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\": 0}");
        long id = 9_300_000L + randomIntBetween(0, 10_000);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write((apiEvent(id, "acme/gz") + "\n" + apiEvent(id + 1, "acme/gz") + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        Request r = new Request("POST", "/_plugins/devops_audit/_import");
        r.setEntity(new ByteArrayEntity(gz.toByteArray(), ContentType.create("application/x-ndjson")));
        RequestOptions.Builder o = RequestOptions.DEFAULT.toBuilder();
        o.addHeader("Content-Encoding", "gzip");
        r.setOptions(o);
        Map<String, Object> report = entityAsMap(client().performRequest(r));
        assertEquals(report.toString(), 2, report.get("indexed"));
        doc("gitlab:" + id);
    }

    /** An object-storage folder synced to disk: per-event objects, a gzip'd batch, a probe and an empty object. */
    public void testTheCliImportsAFolderOfObjects() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\": 0}");
        long id = 9_400_000L + randomIntBetween(0, 10_000) * 10L;
        Path folder = createTempDir();
        Path nested = Files.createDirectories(folder.resolve("2024/06/05"));
        Files.writeString(nested.resolve("event-1.json"), apiEvent(id, "acme/s3"), StandardCharsets.UTF_8);
        Files.writeString(
                nested.resolve("event-2.json"),
                "[" + apiEvent(id + 1, "acme/s3") + "," + apiEvent(id + 2, "acme/s3") + "]");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(nested.resolve("batch-3.ndjson.gz")))) {
            out.write((apiEvent(id + 3, "acme/s3") + "\n" + apiEvent(id + 4, "acme/s3") + "\n" + apiEvent(id, "acme/s3")
                            + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(folder.resolve("circleci_connectivity_test_1717581600"), "");
        Files.writeString(folder.resolve("empty.json"), "");
        String out = cli(
                null, 120, "import", "--url", "http://" + System.getProperty("tests.rest.cluster"), folder.toString());
        assertThat(out, containsString("circleci_connectivity_test_1717581600: skipped (CircleCI connectivity probe)"));
        assertThat(out, containsString("event-1.json: 1 received, 0 indexed, 0 upgraded, 1 duplicates, 0 failed"));
        assertThat(
                out,
                containsString("total 6 received, 5 indexed, 0 upgraded, 1 duplicates, 0 failed, 2 files skipped"));
        for (long i = id; i < id + 5; i++) doc("gitlab:" + i);
    }
}
