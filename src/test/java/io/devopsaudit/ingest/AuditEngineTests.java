/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import org.opensearch.test.OpenSearchTestCase;

import java.util.List;
import java.util.Map;

/** The engine runs a pipeline's own {@code devops_audit} processor, with that pipeline's options, and the named format. */
public class AuditEngineTests extends OpenSearchTestCase {
    private static final AuditEngine ENGINE = new AuditEngine();

    private static final String API_OBJECT =
            "{\"id\":1001,\"author_id\":5,\"entity_id\":7,\"entity_type\":\"Group\",\"details\":{\"remove\":\"user_access\"},"
                    + "\"created_at\":\"2024-05-10T17:46:49.058Z\"}";

    public void testThePipelinesProcessorOptionsApply() {
        AuditEngine.Outcome shipped = ENGINE.simulate(API_OBJECT, null);
        assertEquals("devops-audit-gitlab-2024.05", shipped.index());
        Map<String, Object> pipeline = Map.of(
                "description",
                "daily indices",
                "processors",
                List.of(
                        Map.of("set", Map.of("field", "a", "value", 1)),
                        Map.of(
                                "devops_audit",
                                Map.of(
                                        "field",
                                        "message",
                                        "index_granularity",
                                        "day",
                                        "instance",
                                        "gitlab-acme",
                                        "tag",
                                        "normalize",
                                        "if",
                                        "ctx.message != null"))));
        DevopsAuditProcessor daily = ENGINE.processorOf("daily", pipeline);
        AuditEngine.Outcome byDay = ENGINE.simulate(daily, API_OBJECT, null, null);
        assertEquals("devops-audit-gitlab-2024.05.10", byDay.index());
        assertEquals("gitlab:gitlab-acme:1001", byDay.id());
        assertNull(ENGINE.processorOf("plain", Map.of("processors", List.of(Map.of("set", Map.of())))));
        assertNull(ENGINE.processorOf("empty", Map.of()));
    }

    public void testTheNamedFormatIsPassedOn() {
        assertNull(ENGINE.simulate(ENGINE.defaults(), API_OBJECT, null, "gitlab_stream")
                .error());
        assertNotNull(ENGINE.simulate(ENGINE.defaults(), API_OBJECT, null, "circleci_json")
                .error());
        // read as a streaming body, the copy has that source's richness (its version), not an API object's
        assertNotEquals(
                ENGINE.simulate(ENGINE.defaults(), API_OBJECT, null, "gitlab_stream")
                        .richness(),
                ENGINE.simulate(API_OBJECT, null).richness());
    }
}
