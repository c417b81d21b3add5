/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/**
 * Site tuning on the real node (docs/tuning.md): the build starts the node with the site rule file
 * src/test/resources/site-rules/acme.yml in its config/devops-audit/rules/ (node-start --site-rules), so its rule
 * ACME-001 was read at node start and takes part in tagging, {@code disabled_rules} and {@code severity_overrides}.
 */
public class TuningIT extends DevopsAuditRestTestCase {

    /** A token created by the break-glass account: the shipped DA-GL-011 (low) and the site's ACME-001 (high). */
    private static final String EVENT = "{\"id\":97001,\"author_id\":5,\"entity_id\":5,\"entity_type\":\"User\","
            + "\"event_type\":\"personal_access_token_created\",\"created_at\":\"2024-05-10T17:46:49.058Z\","
            + "\"details\":{\"author_name\":\"breakglass-site-rule-canary\",\"custom_message\":\"Created personal access token with id 42\"}}";

    private static final String DOCS = "{\"docs\":[{\"_source\":{\"message\":" + quote(EVENT) + "}}]}";

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> simulated(Map<String, Object> result) {
        Map<String, Object> doc =
                (Map<String, Object>) ((Map<String, Object>) ((List<Object>) result.get("docs")).get(0)).get("doc");
        return (Map<String, Object>) doc.get("_source");
    }

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> source, String object, String field) {
        return ((Map<String, Object>) source.get(object)).get(field);
    }

    public void testASiteRuleTagsAndCanBeTunedLikeAShippedOne() throws Exception {
        Map<String, Object> plain = simulated(call(
                "POST",
                "/_ingest/pipeline/_simulate",
                "{\"pipeline\":{\"processors\":[{\"devops_audit\":{\"field\":\"message\"}}]}," + DOCS.substring(1)));
        assertEquals(List.of("DA-GL-011", "ACME-001"), at(plain, "rule", "id"));
        assertEquals("high", at(plain, "audit", "severity"));
        assertEquals(73.0, ((Number) at(plain, "event", "risk_score")).doubleValue(), 0);

        // a stored pipeline that silences the shipped rule and raises the site rule
        call(
                "PUT",
                "/_ingest/pipeline/tuning-it",
                "{\"processors\":[{\"devops_audit\":{\"field\":\"message\",\"disabled_rules\":[\"DA-GL-011\"],"
                        + "\"severity_overrides\":{\"ACME-001\":\"critical\"}}}]}");
        try {
            Map<String, Object> tuned = simulated(call("POST", "/_ingest/pipeline/tuning-it/_simulate", DOCS));
            assertEquals(List.of("ACME-001"), at(tuned, "rule", "id"));
            assertEquals(List.of("persistent_access"), at(tuned, "audit", "indicators"));
            assertEquals("critical", at(tuned, "audit", "severity"));
            assertEquals(4, ((Number) at(tuned, "event", "severity")).intValue());
            assertEquals(99.0, ((Number) at(tuned, "event", "risk_score")).doubleValue(), 0);
        } finally {
            client().performRequest(new Request("DELETE", "/_ingest/pipeline/tuning-it"));
        }
    }

    public void testAnUnknownRuleIdIsRefusedWith400NamingIt() {
        Request put = new Request("PUT", "/_ingest/pipeline/tuning-bad");
        put.setJsonEntity(
                "{\"processors\":[{\"devops_audit\":{\"tag\":\"p1\",\"disabled_rules\":[\"ACME-001\",\"ACME-404\"]}}]}");
        ResponseException e = expectThrows(ResponseException.class, () -> client().performRequest(put));
        assertEquals(400, e.getResponse().getStatusLine().getStatusCode());
        assertThat(e.getMessage(), containsString("\"processor_type\":\"devops_audit\""));
        assertThat(e.getMessage(), containsString("[disabled_rules] unknown rule id [ACME-404]"));

        Request override = new Request("PUT", "/_ingest/pipeline/tuning-bad");
        override.setJsonEntity(
                "{\"processors\":[{\"devops_audit\":{\"severity_overrides\":{\"ACME-001\":\"urgent\"}}}]}");
        e = expectThrows(ResponseException.class, () -> client().performRequest(override));
        assertEquals(400, e.getResponse().getStatusLine().getStatusCode());
        assertThat(
                e.getMessage(),
                containsString(
                        "[severity_overrides] severity [urgent] of rule [ACME-001] must be one of [low, medium, high, critical]"));
    }
}
