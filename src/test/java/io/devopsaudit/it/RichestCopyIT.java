/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.parse.JsonText;
import io.devopsaudit.testdata.AuditEventGenerator;
import org.opensearch.client.Request;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The richest copy of an event wins, whatever the arrival order: every GitLab event arrives as a CSV row, an
 * audit_json.log line, an API object and a streamed body, shuffled, from four concurrent importers. Afterwards each
 * event is stored once, as its streamed copy, and the reports add up exactly.
 */
public class RichestCopyIT extends DevopsAuditRestTestCase {

    static final int EVENTS = 150;
    static final int SENDERS = 4;

    /**
     * The CSV export row of the same event: same id, author, scope, time to the second, and GitLab's sentence for its
     * details (a copy that said something else would disagree with the stored event and be kept as a conflict).
     */
    @SuppressWarnings("unchecked")
    static String csvRow(String api) {
        Map<String, Object> e = (Map<String, Object>) JsonText.parse("gitlab_api", "test", api);
        Map<String, Object> d = (Map<String, Object>) e.get("details");
        String created = ((String) e.get("created_at")).replace('T', ' ').substring(0, 19);
        return String.join(
                ",",
                e.get("id").toString(),
                e.get("author_id").toString(),
                (String) d.get("author_name"),
                e.get("entity_id").toString(),
                "Project",
                (String) d.get("entity_path"),
                d.get("target_id").toString(),
                "Project",
                (String) d.get("target_details"),
                sentence(e, d),
                (String) d.get("ip_address"),
                created);
    }

    private static String sentence(Map<String, Object> event, Map<String, Object> d) {
        if (d.get("add") != null) return "Added " + d.get("add").toString().replace('_', ' ') + " as " + d.get("as");
        if (d.get("change") != null)
            return "Changed " + d.get("change") + " from " + d.get("from") + " to " + d.get("to");
        if (d.get("custom_message") instanceof String text) return text;
        return "Performed " + event.get("event_name").toString().replace('_', ' ');
    }

    static final String CSV_HEADER = "ID,Author ID,Author Name,Entity ID,Entity Type,Entity Path,Target ID,Target Type,"
            + "Target Details,Action,IP Address,Created At (UTC)";

    @SuppressWarnings("unchecked")
    public void testTheStreamedCopyIsStoredWhateverTheOrder() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\": 0}");
        AuditEventGenerator gen = new AuditEventGenerator(random().nextLong());
        long base = 8_000_000L + randomIntBetween(0, 100_000) * 1000L;
        List<String[]> copies = new ArrayList<>(); // {kind, text}
        List<String> apis = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            List<String> r = gen.gitlab(base + i).renderings(); // api, stream, log
            apis.add(r.get(0));
            ids.add("\"gitlab:" + (base + i) + "\"");
            copies.add(new String[] {"json", r.get(0)});
            copies.add(new String[] {"json", r.get(1)});
            copies.add(new String[] {"json", r.get(2)});
            copies.add(new String[] {"csv", csvRow(r.get(0))});
        }
        Collections.shuffle(copies, random());

        AtomicLong indexed = new AtomicLong(),
                upgraded = new AtomicLong(),
                duplicates = new AtomicLong(),
                failed = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            int per = (copies.size() + SENDERS - 1) / SENDERS;
            for (int s = 0; s < SENDERS; s++) {
                List<String[]> mine =
                        copies.subList(Math.min(copies.size(), s * per), Math.min(copies.size(), (s + 1) * per));
                jobs.add(pool.submit(() -> {
                    // small batches, alternating the two body kinds, so the copies of one event cross between senders
                    for (int from = 0; from < mine.size(); from += 20) {
                        StringBuilder json = new StringBuilder();
                        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
                        int csvRows = 0;
                        for (String[] c : mine.subList(from, Math.min(mine.size(), from + 20))) {
                            if (c[0].equals("csv")) {
                                csv.append(c[1]).append('\n');
                                csvRows++;
                            } else {
                                json.append(c[1]).append('\n');
                            }
                        }
                        List<Map<String, Object>> reports = new ArrayList<>();
                        if (json.length() > 0) reports.add(ImportIT.importText("", json.toString()));
                        if (csvRows > 0) reports.add(ImportIT.importText("?format=gitlab_csv", csv.toString()));
                        for (Map<String, Object> report : reports) {
                            indexed.addAndGet(((Number) report.get("indexed")).longValue());
                            upgraded.addAndGet(((Number) report.get("upgraded")).longValue());
                            duplicates.addAndGet(((Number) report.get("duplicates")).longValue());
                            failed.addAndGet(((Number) report.get("failed")).longValue());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) f.get(5, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }

        assertEquals(0, failed.get());
        assertEquals(
                "every copy is accounted for once", copies.size(), indexed.get() + upgraded.get() + duplicates.get());
        assertEquals("one new document per event", EVENTS, indexed.get());
        client().performRequest(new Request("POST", "/devops-audit-gitlab-*/_refresh"));
        Map<String, Object> search = call(
                "POST",
                "/devops-audit-gitlab-*/_search",
                "{\"size\": 0, \"track_total_hits\": true, \"query\": {\"ids\": {\"values\": [" + String.join(",", ids)
                        + "]}}, \"aggs\": {\"format\": {\"terms\": {\"field\": \"audit.source_format\"}}}}");
        assertEquals(
                EVENTS,
                ((Number) ((Map<String, Object>) ((Map<String, Object>) search.get("hits")).get("total")).get("value"))
                        .intValue());
        List<Map<String, Object>> buckets = (List<Map<String, Object>>)
                ((Map<String, Object>) ((Map<String, Object>) search.get("aggregations")).get("format")).get("buckets");
        assertEquals(
                "every stored copy is the streamed one",
                List.of(Map.of("key", "gitlab_stream", "doc_count", EVENTS)),
                buckets);
        // and a poorer copy sent afterwards changes nothing
        Map<String, Object> late =
                ImportIT.importText("?format=gitlab_csv", CSV_HEADER + "\n" + csvRow(apis.get(0)) + "\n");
        assertEquals(1, late.get("duplicates"));
        assertEquals(0, late.get("upgraded"));
    }
}
