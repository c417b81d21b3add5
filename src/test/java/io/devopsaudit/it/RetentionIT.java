/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.hamcrest.Matchers.containsString;

/** Retention by event time on the real node: a manual run deletes exactly the expired event and dead-letter periods. */
public class RetentionIT extends DevopsAuditRestTestCase {

    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy.MM", Locale.ROOT);

    @SuppressWarnings("unchecked")
    public void testManualRunDeletesExactlyTheExpiredPeriods() throws Exception {
        SetupIT.setup(); // the health template: the run is recorded in devops-audit-health-<yyyy.MM>
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        String twoYearsAgo = now.minusMonths(24).format(MONTH);
        String lastMonth = now.minusMonths(1).format(MONTH);
        String thisMonth = now.format(MONTH);
        List<String> expired = List.of(
                "devops-audit-gitlab-2019.01",
                "devops-audit-gitlab-2019.02.01",
                "devops-audit-circleci-" + twoYearsAgo,
                "devops-audit-failed-2019.01",
                "devops-audit-failed-" + now.minusMonths(3).format(MONTH),
                "devops-audit-health-2019.01"); // health records are kept like events
        List<String> kept = List.of(
                "devops-audit-gitlab-" + lastMonth,
                "devops-audit-circleci-" + thisMonth,
                "devops-audit-failed-" + thisMonth,
                "devops-audit-gitlab-custom",
                "devops-audit-gitlab-2019.13",
                "audit-2019.01");
        for (String index : concat(expired, kept)) {
            call("PUT", "/" + index, "{\"settings\":{\"number_of_replicas\":0}}");
        }
        // a backfilled 2019 event imported today: the index is new, the period is old
        Request doc = new Request("PUT", "/devops-audit-gitlab-2019.01/_doc/1?refresh=true");
        doc.setJsonEntity("{\"@timestamp\":\"2019-01-15T00:00:00Z\"}");
        client().performRequest(doc);

        Map<String, Object> put =
                call("PUT", "/_plugins/devops_audit/_retention", "{\"days\":365,\"dead_letter_days\":30}");
        assertEquals(365, put.get("days"));
        Map<String, Object> dry = call("POST", "/_plugins/devops_audit/_retention/_run?dry_run=true", null);
        List<Map<String, Object>> wouldDelete = (List<Map<String, Object>>) dry.get("would_delete");
        assertEquals(
                sorted(expired),
                sorted(wouldDelete.stream().map(r -> (String) r.get("index")).toList()));
        assertEquals(
                1,
                wouldDelete.stream()
                        .filter(r -> r.get("index").equals("devops-audit-gitlab-2019.01"))
                        .findFirst()
                        .get()
                        .get("docs"));
        for (String index : concat(expired, kept)) {
            assertTrue("dry run deletes nothing: " + index, indexExists(index));
        }

        Map<String, Object> run = call("POST", "/_plugins/devops_audit/_retention/_run", null);
        List<Map<String, Object>> deleted = (List<Map<String, Object>>) run.get("deleted");
        assertEquals(
                sorted(expired),
                sorted(deleted.stream().map(r -> (String) r.get("index")).toList()));
        for (String index : expired) assertFalse(index, indexExists(index));
        for (String index : kept) assertTrue(index, indexExists(index));

        Map<String, Object> status = call("GET", "/_plugins/devops_audit/_retention", null);
        Map<String, Object> settings = new HashMap<>(Map.of("days", 365, "dead_letter_days", 30, "interval", "1h"));
        settings.put("warm_after_days", null); // off by default
        settings.put("request_days", 90); // the request events' own default
        assertEquals(settings, status.get("settings"));
        Map<String, Object> last = (Map<String, Object>) status.get("last_run");
        assertEquals(false, last.get("dry_run"));
        assertEquals(expired.size(), ((List<Object>) last.get("deleted")).size());
        assertNotNull(status.get("next_run"));
        assertEquals(
                "managed: the three kept event/dead-letter periods and this month's health records",
                4,
                status.get("managed_indices"));
        // the run's health record: what it deleted, for monitors and the Ingest health dashboard
        call("POST", "/devops-audit-health-*/_refresh", null);
        Map<String, Object> health = call(
                "POST",
                "/devops-audit-health-" + thisMonth + "/_search",
                "{\"query\":{\"term\":{\"event.action\":\"retention_run\"}}}");
        List<Map<String, Object>> hits =
                (List<Map<String, Object>>) ((Map<String, Object>) health.get("hits")).get("hits");
        assertEquals(1, hits.size());
        Map<String, Object> retention =
                (Map<String, Object>) ((Map<String, Object>) hits.get(0).get("_source")).get("retention");
        assertEquals(sorted(expired), sorted((List<String>) retention.get("deleted")));
        assertEquals(expired.size(), retention.get("deleted_count"));
        call("PUT", "/_plugins/devops_audit/_retention", "{\"days\":2555,\"dead_letter_days\":90}");
    }

    @SuppressWarnings("unchecked")
    public void testTheWarmStepBlocksOnlyMonthsThatAreOver() throws Exception {
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        String old = "devops-audit-gitlab-" + now.minusMonths(6).format(MONTH);
        String recent = "devops-audit-gitlab-" + now.minusMonths(1).format(MONTH); // ended at most a month ago
        String current = "devops-audit-circleci-" + now.format(MONTH);
        String deadLetter = "devops-audit-failed-" + now.minusMonths(2).format(MONTH);
        for (String index : List.of(old, recent, current, deadLetter)) {
            call("PUT", "/" + index, "{\"settings\":{\"number_of_replicas\":0}}");
            for (int i = 0; i < 3; i++) { // a few segments to merge
                Request doc = new Request("POST", "/" + index + "/_doc?refresh=true");
                doc.setJsonEntity("{\"@timestamp\":\"2020-01-01T00:00:00Z\"}");
                client().performRequest(doc);
            }
        }
        try {
            Map<String, Object> put = call("PUT", "/_plugins/devops_audit/_retention", "{\"warm_after_days\": 40}");
            assertEquals(40, put.get("warm_after_days"));
            Map<String, Object> dry = call("POST", "/_plugins/devops_audit/_retention/_run?dry_run=true", null);
            assertEquals(List.of(old), dry.get("would_warm"));
            assertNull(writeBlock(old));

            Map<String, Object> run = call("POST", "/_plugins/devops_audit/_retention/_run", null);
            assertEquals(List.of(old), run.get("warmed"));
            assertEquals("true", writeBlock(old));
            for (String untouched : List.of(recent, current, deadLetter)) assertNull(untouched, writeBlock(untouched));
            Map<String, Object> segments = call("GET", "/" + old + "/_segments", null);
            Map<String, Object> shard0 = ((List<Map<String, Object>>) ((Map<String, Object>)
                                    ((Map<String, Object>) ((Map<String, Object>) segments.get("indices")).get(old))
                                            .get("shards"))
                            .get("0"))
                    .get(0);
            assertEquals("force-merged to one segment", 1, ((Number) shard0.get("num_search_segments")).intValue());
            assertEquals(
                    "warmed once",
                    List.of(),
                    call("POST", "/_plugins/devops_audit/_retention/_run?dry_run=true", null)
                            .get("would_warm"));
        } finally {
            call("PUT", "/_plugins/devops_audit/_retention", "{\"warm_after_days\": null}");
        }
        assertNull(((Map<String, Object>)
                        call("GET", "/_plugins/devops_audit/_retention", null).get("settings"))
                .get("warm_after_days"));
    }

    @SuppressWarnings("unchecked")
    private static Object writeBlock(String index) throws Exception {
        Map<String, Object> s = call("GET", "/" + index + "/_settings?flat_settings=true", null);
        return ((Map<String, Object>) ((Map<String, Object>) s.get(index)).get("settings")).get("index.blocks.write");
    }

    public void testBadValuesAreRejectedWith400() {
        for (String body :
                List.of("{\"days\":0}", "{\"days\":36501}", "{\"days\":\"ten\"}", "{\"dead_letter_days\":-5}")) {
            ResponseException e =
                    expectThrows(ResponseException.class, () -> call("PUT", "/_plugins/devops_audit/_retention", body));
            assertEquals(body, 400, e.getResponse().getStatusLine().getStatusCode());
            assertThat(e.getMessage(), containsString("must be a whole number of days from 1 to 36500"));
        }
        ResponseException e = expectThrows(
                ResponseException.class, () -> call("PUT", "/_plugins/devops_audit/_retention", "{\"years\":7}"));
        assertThat(e.getMessage(), containsString("unknown retention parameter [years]"));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }
}
