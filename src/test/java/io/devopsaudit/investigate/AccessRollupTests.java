/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.content.SetupService;
import io.devopsaudit.schema.Fields;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.test.OpenSearchTestCase;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The access rollup's mapping, day arithmetic and the query that reads events outside its spans and rows inside. */
public class AccessRollupTests extends OpenSearchTestCase {

    @SuppressWarnings("unchecked")
    private static Object type(Map<String, Object> properties, String field) {
        Map<String, Object> cur = properties;
        String[] parts = field.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            cur = (Map<String, Object>) ((Map<String, Object>) cur.get(parts[i])).get("properties");
        }
        return ((Map<String, Object>) cur.get(parts[parts.length - 1])).get("type");
    }

    /** A search over events and rows sees one type per field: each grouped field is mapped as the event template maps it. */
    @SuppressWarnings("unchecked")
    public void testEveryGroupedFieldIsMappedAsTheEventTemplateMapsIt() {
        Map<String, Object> events = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                                SetupService.resource("index-template.json").get("template"))
                        .get("mappings"))
                .get("properties");
        Map<String, Object> mapping = AccessRollup.mapping();
        assertEquals("strict", mapping.get("dynamic"));
        Map<String, Object> rows = (Map<String, Object>) mapping.get("properties");
        for (String field : AccessRollup.DIMENSIONS) assertEquals(field, type(events, field), type(rows, field));
        assertEquals("date", type(rows, Fields.TIMESTAMP));
        assertEquals("ip", type(rows, Fields.SOURCE_IP));
        assertEquals("keyword", type(rows, AccessRollup.BUILD));
    }

    /** Every field the report's filter and aggregations read is a grouped field (or the time). */
    public void testTheReportReadsOnlyGroupedFields() {
        List<String> read = List.of(
                Fields.USER_NAME,
                Fields.USER_ID,
                Fields.USER_EMAIL,
                Fields.SOURCE_IP,
                Fields.EVENT_PROVIDER,
                Fields.AUDIT_INSTANCE,
                Fields.AUDIT_SCOPE_PATH,
                Fields.ORGANIZATION_NAME,
                Fields.AUDIT_TARGET_NAME,
                Fields.EVENT_ACTION);
        for (String f : read) assertTrue(f, AccessRollup.DIMENSIONS.contains(f));
        for (String f : AccessReport.extras(Fields.USER_NAME).values())
            assertTrue(f, AccessRollup.DIMENSIONS.contains(f));
        for (String f : AccessReport.extras(Fields.SOURCE_IP).values())
            assertTrue(f, AccessRollup.DIMENSIONS.contains(f));
    }

    public void testWholeDaysOfAWindow() {
        assertEquals(
                Instant.parse("2024-06-02T00:00:00Z"), AccessRollup.ceilDay(Instant.parse("2024-06-01T00:00:00.001Z")));
        assertEquals(
                Instant.parse("2024-06-01T00:00:00Z"), AccessRollup.ceilDay(Instant.parse("2024-06-01T00:00:00Z")));
    }

    /** Without spans the report's own query runs unchanged; with spans, events outside them or rows inside them. */
    public void testPlanQuery() {
        QueryBuilder events = QueryBuilders.termQuery(Fields.EVENT_ACTION, "repository_git_operation");
        QueryBuilder rows = QueryBuilders.termQuery(Fields.AUDIT_SCOPE_PATH, "acme");
        assertSame(events, AccessRollup.Plan.NONE.query(events, rows));
        String[] indices = {"devops-audit-gitlab-*"};
        assertSame(indices, AccessRollup.Plan.NONE.indices(indices));
        AccessRollup.Plan plan = new AccessRollup.Plan(
                List.of(new AccessRollup.Span(
                        "devops-audit-gitlab-2024.06",
                        "uuid-1",
                        Instant.parse("2024-06-02T00:00:00Z"),
                        Instant.parse("2024-06-05T00:00:00Z"),
                        List.of("b1", "b2", "b3"))),
                3);
        assertArrayEquals(new String[] {"devops-audit-gitlab-*", AccessRollup.INDEX}, plan.indices(indices));
        String q = plan.query(events, rows).toString();
        assertTrue(q, q.contains("\"b1\"") && q.contains("\"b3\""));
        assertTrue(q, q.contains("devops-audit-gitlab-2024.06"));
        assertTrue(q, q.contains(AccessRollup.INDEX));
    }
}
