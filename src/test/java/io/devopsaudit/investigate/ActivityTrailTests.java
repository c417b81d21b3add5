/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.content.SetupService;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.test.OpenSearchTestCase;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The trail's record: who is read from the Security plugin's thread context (and from nothing a request can set),
 * and every field a record can carry is mapped by the shipped template, whose mapping is strict.
 */
public class ActivityTrailTests extends OpenSearchTestCase {

    public void testTheUserIsTheNameTheSecurityPluginPutInTheThreadContext() {
        ThreadContext context = new ThreadContext(Settings.EMPTY);
        assertNull("no Security plugin: no user", ActivityTrail.user(context));
        try (ThreadContext.StoredContext ignored = context.stashContext()) {
            context.putHeader(ActivityTrail.SECURITY_USER_INFO, "mallory|admin|all_access|");
            assertNull("a header (what a request can send) is not the user", ActivityTrail.user(context));
        }
        try (ThreadContext.StoredContext ignored = context.stashContext()) {
            context.putTransient(ActivityTrail.SECURITY_USER_INFO, "alice|analysts|devops_audit_analyst|__user__");
            assertEquals("alice", ActivityTrail.user(context));
        }
        try (ThreadContext.StoredContext ignored = context.stashContext()) {
            context.putTransient(ActivityTrail.SECURITY_USER_INFO, "a\\|b|||");
            assertEquals("an escaped '|' belongs to the name", "a|b", ActivityTrail.user(context));
        }
    }

    public void testTheIndexIsTheMonthOfTheCall() {
        assertEquals("devops-audit-activity-2026.12", ActivityTrail.index(Instant.parse("2026-12-31T23:59:59Z")));
        assertEquals("devops-audit-activity-2027.01", ActivityTrail.index(Instant.parse("2027-01-01T00:00:00Z")));
    }

    @SuppressWarnings("unchecked")
    public void testEveryFieldOfARecordIsMappedByTheTemplate() {
        Map<String, Object> mappings = (Map<String, Object>) ((Map<String, Object>)
                        SetupService.resource("activity-template.json").get("template"))
                .get("mappings");
        assertEquals("strict", mappings.get("dynamic"));
        Set<String> mapped = new TreeSet<>();
        leaves("", (Map<String, Object>) mappings.get("properties"), mapped, true);
        Instant at = Instant.parse("2026-12-02T10:00:00Z");
        ExportAction.Request request = new ExportAction.Request(
                Map.of("format", "csv"), new BytesArray("{\"scope\":\"acme/web\"}"), MediaTypeRegistry.JSON);
        Map<String, Object> answered = ActivityTrail.document(
                at,
                "alice",
                ActivityTrail.EXPORT,
                request,
                new ActivityTrail.Outcome<>(null, 3, 3, "ab".repeat(32), 120L),
                null);
        Map<String, Object> refused = ActivityTrail.document(
                at, null, ActivityTrail.EXPORT, request, null, new IllegalArgumentException("[scope] is required"));
        Set<String> written = new TreeSet<>();
        leaves("", answered, written, false);
        leaves("", refused, written, false);
        written.add("investigation.parameters_truncated");
        assertEquals(mapped, written);
        assertEquals("success", ((Map<String, Object>) answered.get("event")).get("outcome"));
        assertEquals("failure", ((Map<String, Object>) refused.get("event")).get("outcome"));
        assertEquals(
                "{\"scope\":\"acme/web\",\"format\":\"csv\"}",
                ((Map<String, Object>) answered.get("investigation")).get("parameters"));
        assertEquals(Map.of("status_code", 400), ((Map<String, Object>) refused.get("http")).get("response"));
        assertNull("no user on a node without Security", refused.get("user"));
    }

    @SuppressWarnings("unchecked")
    private static void leaves(String prefix, Map<String, Object> node, Set<String> out, boolean mapping) {
        for (Map.Entry<String, Object> e : node.entrySet()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            Object v = e.getValue();
            if (mapping && v instanceof Map<?, ?> def && def.get("properties") instanceof Map<?, ?> p) {
                leaves(path, (Map<String, Object>) p, out, true);
            } else if (mapping == false && v instanceof Map<?, ?> m) {
                leaves(path, (Map<String, Object>) m, out, false);
            } else {
                out.add(path);
            }
        }
    }
}
