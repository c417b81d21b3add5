/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.health;

import io.devopsaudit.content.ContentFiles;
import io.devopsaudit.retention.RetentionRun;
import org.opensearch.test.OpenSearchTestCase;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which collector polls and retention runs become health records, and what those records carry. */
public class HealthRecordsTests extends OpenSearchTestCase {

    private static Map<String, Object> status(String state, Integer http, String message) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("state", state);
        s.put("last_poll", "2024-03-02T10:00:00Z");
        if (message != null) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("scope", "group:1");
            error.put("http_status", http);
            error.put("message", message);
            error.put("hint", "check the token's scopes");
            s.put("last_error", error);
        }
        return s;
    }

    public void testAFailedPollIsRecordedWithScopeStatusMessageAndHint() {
        Map<String, Object> r =
                HealthRecords.collectorPoll("prod", null, status("error", 500, "500 Internal Server Error"));
        assertEquals("collector_poll_failed", r.get("event.action"));
        assertEquals("failure", r.get("event.outcome"));
        assertEquals("prod", r.get("collector.name"));
        assertEquals("group:1", r.get("collector.scope"));
        assertEquals(500, r.get("http.response.status_code"));
        assertEquals("500 Internal Server Error", r.get("error.message"));
        assertEquals("check the token's scopes", r.get("error.hint"));
        assertEquals("2024-03-02T10:00:00Z", r.get("@timestamp"));
    }

    public void testARecoveryIsRecordedOnceAndASuccessfulPollAfterSuccessIsNot() {
        Map<String, Object> failing = status("error", 401, "401 Unauthorized");
        Map<String, Object> ok = status("ok", null, null);
        Map<String, Object> r = HealthRecords.collectorPoll("prod", failing, ok);
        assertEquals("collector_poll_recovered", r.get("event.action"));
        assertEquals("success", r.get("event.outcome"));
        assertEquals("401 Unauthorized", r.get("error.message")); // what it recovered from
        assertNull(HealthRecords.collectorPoll("prod", ok, ok));
        assertNull(HealthRecords.collectorPoll("prod", null, ok));
        assertNull(HealthRecords.collectorPoll("prod", Map.of("state", "never_polled"), ok));
        assertEquals(
                "collector_poll_failed",
                HealthRecords.collectorPoll("prod", failing, status("missing_token", null, "no token"))
                        .get("event.action"));
    }

    public void testRecordsOnlyCarryFieldsTheHealthTemplateMaps() {
        Map<String, String> mapped = ContentFiles.fieldTypes("health-template.json");
        RetentionRun retention = new RetentionRun(
                false,
                "2024-03-02T10:00:00Z",
                "node-1",
                2555,
                90,
                90,
                List.of(new RetentionRun.Expired(
                        "devops-audit-gitlab-2023.01",
                        "events",
                        "2023.01",
                        "2023-02-01T00:00:00Z",
                        "2030-01-31T00:00:00Z",
                        3)),
                4,
                List.of("devops-audit-gitlab-2024.01"),
                null);
        Map<String, Object> run = HealthRecords.retentionRun(retention);
        assertEquals(List.of("devops-audit-gitlab-2023.01"), run.get("retention.deleted"));
        assertEquals(1, run.get("retention.warmed_count"));
        for (Map<String, Object> r : List.of(
                run,
                HealthRecords.collectorPoll("prod", null, status("error", 500, "boom")),
                HealthRecords.collectorPoll("prod", status("error", 500, "boom"), status("ok", null, null)))) {
            for (String field : r.keySet()) assertTrue(field + " is mapped", mapped.containsKey(field));
        }
    }
}
