/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import org.opensearch.client.Request;
import org.opensearch.test.rest.yaml.ObjectPath;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

/**
 * Audit indices take their shape from the plugin's templates only, on the real node: a month index created with
 * {@code _source} disabled, or write-blocked by hand, is listed by {@code GET _setup}, and intake says so in its counts
 * (never as stored, never as late) and keeps the raw event in the dead-letter index; {@code PUT _setup} gives an index
 * created from an older template the fields it lacks.
 */
public class IndexConformanceIT extends DevopsAuditRestTestCase {

    private static String event(long id, String month) {
        return "{\"id\":" + id
                + ",\"author_id\":7,\"author_name\":\"mallory\",\"entity_id\":12,\"entity_type\":\"Project\","
                + "\"event_name\":\"project_destroyed\",\"created_at\":\"" + month + "-10T10:00:00Z\","
                + "\"details\":{\"author_name\":\"mallory\",\"entity_path\":\"conformance/web\"}}";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> listed(String index) throws Exception {
        List<Map<String, Object>> indices = (List<Map<String, Object>>)
                call("GET", "/_plugins/devops_audit/_setup", null).get("indices");
        return indices.stream()
                .filter(m -> index.equals(m.get("index")))
                .findFirst()
                .orElse(null);
    }

    @SuppressWarnings("unchecked")
    public void testNonconformingIndicesAreReportedAndNeverWrittenSilently() throws Exception {
        SetupIT.setup();
        String sourceless = "devops-audit-gitlab-2021.05";
        String blocked = "devops-audit-gitlab-2021.06";
        String dropped = "devops-audit-gitlab-2021.07";
        try {
            call("PUT", "/" + sourceless, "{\"mappings\": {\"_source\": {\"enabled\": false}}}");
            call("PUT", "/" + blocked, "{\"settings\": {\"index.blocks.write\": true}}");
            // an index from an older template: a higher-priority template for that one name, with a few fields only
            call(
                    "PUT",
                    "/_index_template/conformance-old",
                    "{\"index_patterns\": [\"" + dropped + "\"], \"priority\": 500, \"template\": {\"mappings\": "
                            + "{\"dynamic\": \"strict\", \"properties\": {\"@timestamp\": {\"type\": \"date\"}}}}}");
            call("PUT", "/" + dropped, null);
            call("DELETE", "/_index_template/conformance-old", null);

            Map<String, Object> noSource = listed(sourceless);
            assertNotNull("GET _setup lists the index without _source", noSource);
            assertEquals("nonconforming", noSource.get("status"));
            assertThat((List<String>) noSource.get("differences"), hasItem(containsString("_source is disabled")));
            Map<String, Object> block = listed(blocked);
            assertEquals("nonconforming", block.get("status"));
            assertThat(
                    (List<String>) block.get("differences"),
                    hasItem(containsString("index.blocks.write is set, and retention's warm step did not set it")));
            Map<String, Object> old = listed(dropped);
            assertEquals("outdated", old.get("status"));
            List<String> missing = (List<String>) old.get("missing_fields");
            assertEquals("ten fields named, the rest counted: " + missing, 11, missing.size());
            assertThat(missing.get(10), containsString(" more"));

            long deadBefore = StreamIT.count("devops-audit-failed-*");
            long id = randomLongBetween(100_000_000L, 900_000_000L);
            String body = event(id, "2021-05") + "\n" + event(id + 1, "2021-06") + "\n";
            Map<String, Object> report =
                    ImportIT.importBody("?format=gitlab_api", body.getBytes(StandardCharsets.UTF_8));
            assertEquals(report.toString(), 2, report.get("nonconforming"));
            assertEquals(0, report.get("indexed"));
            assertEquals(0, report.get("late"));
            String reasons = report.get("failures").toString();
            assertThat(reasons, containsString(sourceless + " differs from its template (_source is disabled"));
            assertThat(reasons, containsString("not stored: " + blocked + " differs from its template"));
            assertEquals(
                    "both raw events are kept in the dead-letter index",
                    deadBefore + 2,
                    StreamIT.count("devops-audit-failed-*"));
            Map<String, Object> copy = call(
                    "POST",
                    "/devops-audit-failed-*/_search",
                    "{\"query\": {\"term\": {\"event.kind\": \"nonconforming_index\"}}, \"size\": 1000}");
            List<Map<String, Object>> hits = ObjectPath.evaluate(copy, "hits.hits");
            int copies = 0;
            for (Map<String, Object> h : hits) {
                if (event(id, "2021-05").equals(ObjectPath.evaluate(h, "_source.event.original"))) {
                    copies++;
                    assertEquals(sourceless, ObjectPath.evaluate(h, "_source.error.index"));
                }
            }
            assertEquals("one copy holds the raw event", 1, copies);

            // setup adds the fields an index from an older template lacks; the nonconforming ones stay listed
            Map<String, Object> setup = call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\":0}");
            List<Map<String, Object>> after = (List<Map<String, Object>>) setup.get("indices");
            assertTrue(after.stream().noneMatch(m -> dropped.equals(m.get("index"))));
            assertTrue(after.stream().anyMatch(m -> sourceless.equals(m.get("index"))));
            assertNull(listed(dropped));
            assertNotNull(listed(blocked));
        } finally {
            client().performRequest(new Request(
                    "DELETE", "/" + sourceless + "," + blocked + "," + dropped + "?ignore_unavailable=true"));
            try {
                client().performRequest(new Request("DELETE", "/_index_template/conformance-old"));
            } catch (org.opensearch.client.ResponseException e) {
                // deleted above
            }
        }
    }
}
