/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.golden.GoldenCases;
import io.devopsaudit.parse.JsonText;
import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;
import org.opensearch.test.rest.yaml.ObjectPath;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/** One-call setup on the real node: idempotent, golden records index under the template, failures dead-lettered intact. */
public class SetupIT extends DevopsAuditRestTestCase {

    static void setup() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\":0}");
    }

    @SuppressWarnings("unchecked")
    public void testSetupIsIdempotentAndReportsEveryAsset() throws Exception {
        Map<String, Object> first = call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\":0}");
        Map<String, Object> statusAfterFirst = call("GET", "/_plugins/devops_audit/_setup", null);
        Map<String, Object> second = call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\":0}");
        Map<String, Object> statusAfterSecond = call("GET", "/_plugins/devops_audit/_setup", null);
        assertEquals(first, second);
        assertEquals(statusAfterFirst, statusAfterSecond);
        List<Map<String, Object>> assets = (List<Map<String, Object>>) statusAfterSecond.get("assets");
        for (Map<String, Object> a : assets) {
            if (a.get("type").equals("alerting_monitors")) {
                assertEquals("skipped", a.get("status"));
                assertEquals(
                        "the Alerting plugin is not installed on this cluster (32 monitors ship in content/monitors.json)",
                        a.get("reason"));
            } else {
                assertEquals(a.toString(), "current", a.get("status"));
            }
        }
        assertEquals(
                List.of(
                        "devops-audit",
                        "devops-audit-failed",
                        "devops-audit-activity",
                        "devops-audit-health",
                        "devops-audit",
                        "devops-audit-monitors"),
                assets.stream().map(a -> a.get("name")).toList());
        Map<String, Object> template = call("GET", "/_index_template/devops-audit", null);
        assertEquals(
                "0",
                ObjectPath.evaluate(
                        template, "index_templates.0.index_template.template.settings.index.number_of_replicas"));
    }

    @SuppressWarnings("unchecked")
    public void testAMissingTemplateIsReportedAsMissing() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\":0}");
        client().performRequest(new Request("DELETE", "/_index_template/devops-audit-failed"));
        try {
            Map<String, Object> status = call("GET", "/_plugins/devops_audit/_setup", null);
            Map<String, Object> deadLetter = ((List<Map<String, Object>>) status.get("assets"))
                    .stream()
                            .filter(a -> a.get("name").equals("devops-audit-failed"))
                            .findFirst()
                            .orElseThrow();
            assertEquals("missing", deadLetter.get("status"));
            assertNull(deadLetter.get("installed_version"));
        } finally {
            call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\":0}");
        }
    }

    @SuppressWarnings("unchecked")
    public void testOptionsSetOneAtATimeAreKeptAndNullResetsToTheDefault() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\":0,\"trusted_networks\":[\"10.0.0.0/8\"]}");
        Map<String, Object> second =
                call("PUT", "/_plugins/devops_audit/_setup", "{\"notification_channel_id\":\"abc\"}");
        Map<String, Object> configuration = (Map<String, Object>) second.get("configuration");
        assertEquals(0, configuration.get("replicas"));
        assertEquals(List.of("10.0.0.0/8"), configuration.get("trusted_networks"));
        assertEquals("abc", configuration.get("notification_channel_id"));
        assertEquals(1, configuration.get("shards"));
        assertEquals(
                List.of("10.0.0.0/8"),
                ObjectPath.evaluate(
                        call("GET", "/_ingest/pipeline/devops-audit", null),
                        "devops-audit.processors.0.devops_audit.trusted_networks"));
        assertEquals(
                "0",
                ObjectPath.evaluate(
                        call("GET", "/_index_template/devops-audit", null),
                        "index_templates.0.index_template.template.settings.index.number_of_replicas"));
        assertEveryAssetCurrent(call("GET", "/_plugins/devops_audit/_setup", null));

        Map<String, Object> third = call("PUT", "/_plugins/devops_audit/_setup", "{\"trusted_networks\":null}");
        configuration = (Map<String, Object>) third.get("configuration");
        assertEquals(List.of(), configuration.get("trusted_networks"));
        assertEquals("abc", configuration.get("notification_channel_id"));
        assertNull(ObjectPath.evaluate(
                call("GET", "/_ingest/pipeline/devops-audit", null),
                "devops-audit.processors.0.devops_audit.trusted_networks"));
        assertEveryAssetCurrent(call("GET", "/_plugins/devops_audit/_setup", null));
    }

    @SuppressWarnings("unchecked")
    public void testAPipelineThatDiffersFromTheConfigurationIsReportedAsModified() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\":0,\"trusted_networks\":[\"10.0.0.0/8\"]}");
        // a hand-written pipeline keeping only the processor, without the stored trusted networks
        Request put = new Request("PUT", "/_ingest/pipeline/devops-audit");
        put.setJsonEntity("{\"version\":"
                + ObjectPath.evaluate(call("GET", "/_ingest/pipeline/devops-audit", null), "devops-audit.version")
                + ",\"processors\":[{\"devops_audit\":{\"tag\":\"devops-audit\"}}]}");
        client().performRequest(put);
        Request settings = new Request("PUT", "/_index_template/devops-audit-failed");
        Map<String, Object> failed = (Map<String, Object>) ObjectPath.evaluate(
                call("GET", "/_index_template/devops-audit-failed", null), "index_templates.0.index_template");
        ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) failed.get("template")).get("settings"))
                        .get("index"))
                .put("number_of_replicas", "1");
        settings.setJsonEntity(JsonText.write(failed));
        client().performRequest(settings);

        List<Map<String, Object>> assets = (List<Map<String, Object>>)
                call("GET", "/_plugins/devops_audit/_setup", null).get("assets");
        Map<String, Object> pipeline = assets.stream()
                .filter(a -> a.get("type").equals("ingest_pipeline"))
                .findFirst()
                .orElseThrow();
        assertEquals(pipeline.toString(), "modified", pipeline.get("status"));
        List<String> differences = (List<String>) pipeline.get("differences");
        assertTrue(differences.toString(), differences.contains("missing processor geoip[enrich/geoip/city]"));
        assertTrue(differences.toString(), differences.contains("missing processor user_agent[enrich/user_agent]"));
        assertTrue(differences.toString(), differences.contains("missing pipeline on_failure handler"));
        assertTrue(
                differences.toString(),
                differences.contains(
                        "processor devops_audit[devops-audit] lacks option [trusted_networks] (configured [10.0.0.0/8])"));
        Map<String, Object> deadLetter = assets.stream()
                .filter(a -> a.get("name").equals("devops-audit-failed"))
                .findFirst()
                .orElseThrow();
        assertEquals("modified", deadLetter.get("status"));
        assertEquals(
                List.of("[template.settings.index.number_of_replicas] is 1, configured 0"),
                deadLetter.get("differences"));

        call("PUT", "/_plugins/devops_audit/_setup", "{}");
        assertEveryAssetCurrent(call("GET", "/_plugins/devops_audit/_setup", null));
    }

    @SuppressWarnings("unchecked")
    private static void assertEveryAssetCurrent(Map<String, Object> status) {
        for (Map<String, Object> a : (List<Map<String, Object>>) status.get("assets")) {
            if (a.get("type").equals("alerting_monitors") == false) {
                assertEquals(a.toString(), "current", a.get("status"));
            }
        }
    }

    public void testBadParametersAre400sNamingTheParameter() {
        ResponseException e = expectThrows(
                ResponseException.class, () -> call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\":-1}"));
        assertEquals(400, e.getResponse().getStatusLine().getStatusCode());
        assertThat(e.getMessage(), containsString("[replicas] must be a whole number from 0 to 10, found [-1]"));
        e = expectThrows(ResponseException.class, () -> call("PUT", "/_plugins/devops_audit/_setup", "{\"colour\":1}"));
        assertThat(e.getMessage(), containsString("unknown setup parameter [colour]"));
        e = expectThrows(
                ResponseException.class,
                () -> call("PUT", "/_plugins/devops_audit/_setup", "{\"trusted_networks\":[\"10.0.0.0/99\"]}"));
        assertEquals(400, e.getResponse().getStatusLine().getStatusCode());
        assertThat(e.getMessage(), containsString("[trusted_networks] [10.0.0.0/99] is not a CIDR network"));
    }

    @SuppressWarnings("unchecked")
    public void testEveryGoldenRecordIndexesUnderTheTemplate() throws Exception {
        setup();
        List<GoldenCases.Case> cases = GoldenCases.all();
        Bulk bulk = new Bulk();
        for (GoldenCases.Case c : cases) {
            bulk.message("incoming", c.text());
        }
        for (Map<String, Object> item : Bulk.items(bulk.sendWithoutErrors("devops-audit"))) {
            String index = (String) item.get("_index");
            assertTrue(index, index.startsWith("devops-audit-gitlab-") || index.startsWith("devops-audit-circleci-"));
        }
        long count = ((Number) call("GET", "/devops-audit-gitlab-*,devops-audit-circleci-*/_count", null)
                        .get("count"))
                .longValue();
        assertEquals(cases.size(), count);
    }

    public void testAFieldTheTemplateDoesNotKnowIsRejectedNotLost() throws Exception {
        setup();
        Request index = new Request("PUT", "/devops-audit-gitlab-2024.01/_doc/x");
        index.setJsonEntity("{\"@timestamp\":\"2024-01-01T00:00:00Z\",\"colour\":\"blue\"}");
        ResponseException e = expectThrows(ResponseException.class, () -> client().performRequest(index));
        assertEquals(400, e.getResponse().getStatusLine().getStatusCode());
        assertThat(e.getMessage(), containsString("strict_dynamic_mapping_exception"));
    }

    @SuppressWarnings("unchecked")
    public void testAPipelineFailureLandsInTheDeadLetterIndexWithTheRawInputIntact() throws Exception {
        setup();
        String raw = GoldenCases.read(GoldenCases.root().resolve("bad/truncated.json")) + " \u00e9\u2603\n\t\"";
        Map<String, Object> item = Bulk.items(new Bulk()
                        .index("incoming", "bad-1", Map.of("message", raw))
                        .sendWithoutErrors("devops-audit"))
                .get(0);
        String index = (String) item.get("_index");
        assertTrue(index, index.matches("devops-audit-failed-\\d{4}\\.\\d{2}"));
        Map<String, Object> doc = (Map<String, Object>)
                call("GET", "/" + index + "/_doc/bad-1", null).get("_source");
        assertEquals("byte for byte", raw, doc.get("message"));
        assertEquals(raw, ((Map<String, Object>) doc.get("event")).get("original"));
        assertEquals("pipeline_error", ((Map<String, Object>) doc.get("event")).get("kind"));
        Map<String, Object> error = (Map<String, Object>) doc.get("error");
        assertThat((String) error.get("message"), containsString("[auto] invalid JSON in field [message] at offset"));
        assertEquals("devops_audit", error.get("type"));
        assertEquals("devops-audit", error.get("processor_tag"));
        long found = ((Number) call("GET", "/devops-audit-failed-*/_count?q=error.type:devops_audit", null)
                        .get("count"))
                .longValue();
        assertEquals("searchable for Dashboards", 1, found);
    }
}
