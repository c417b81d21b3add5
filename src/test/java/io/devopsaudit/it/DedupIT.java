/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.parse.JsonText;
import io.devopsaudit.testdata.AuditEventGenerator;
import org.opensearch.client.Request;
import org.opensearch.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The dedup proof on the real node: 50,000 generated events (GitLab database events, CircleCI events, GitLab
 * stream-only events redelivered with fresh UUIDs) plus 20 % more renderings of the same events in other formats,
 * ingested three times in shuffled order — with the node restarted in the middle of the second pass — leave
 * exactly one document per event.
 */
public class DedupIT extends DevopsAuditRestTestCase {

    static final int EVENTS = 50_000;
    static final int BATCH = 2_000;

    public void testThreeShuffledPassesWithCrossFormatDuplicatesAndARestartLeaveOneDocumentPerEvent() throws Exception {
        installTemplate();
        call("PUT", "/_ingest/pipeline/dedup-test", "{\"processors\":[{\"devops_audit\":{\"field\":\"message\"}}]}");

        long seed = random().nextLong();
        AuditEventGenerator gen = new AuditEventGenerator(seed);
        Random r = gen.random();
        List<String> docs = new ArrayList<>();
        int crossFormat = 0;
        for (int i = 0; i < EVENTS; i++) {
            AuditEventGenerator.Event e;
            int kind = r.nextInt(100);
            if (kind < 2) {
                e = gen.gitlabStreamOnly(2 + r.nextInt(2)); // every delivery has a different UUID
            } else if (kind < 60) {
                e = gen.gitlab(1_000_000L + i);
            } else {
                e = gen.circleci();
            }
            List<String> renderings = e.renderings();
            if (kind < 2) {
                docs.addAll(renderings);
            } else {
                int first = r.nextInt(renderings.size());
                docs.add(renderings.get(first));
                if (r.nextInt(100) < 20) { // 20 % come again in another format carrying the same id
                    docs.add(renderings.get((first + 1 + r.nextInt(renderings.size() - 1)) % renderings.size()));
                    crossFormat++;
                }
            }
        }
        logger.info(
                "dedup proof: seed [{}], {} events, {} documents per pass, {} cross-format duplicates",
                seed,
                EVENTS,
                docs.size(),
                crossFormat);
        assertTrue(crossFormat > EVENTS / 6);

        for (int pass = 1; pass <= 3; pass++) {
            Collections.shuffle(docs, r);
            for (int from = 0; from < docs.size(); from += BATCH) {
                if (pass == 2 && from == (docs.size() / 2 / BATCH) * BATCH) {
                    restartNode();
                }
                bulk(docs.subList(from, Math.min(docs.size(), from + BATCH)));
            }
            refreshAllIndices();
            assertEquals("after pass " + pass, EVENTS, count());
        }
        Map<String, Object> failed = call("GET", "/devops-audit-*/_count?q=audit.source_format:*", null);
        assertEquals(EVENTS, ((Number) failed.get("count")).intValue());
    }

    static void installTemplate() throws IOException {
        try (InputStream in = DedupIT.class.getResourceAsStream("/io/devopsaudit/content/index-template.json")) {
            String template = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("\"number_of_replicas\": 1", "\"number_of_replicas\": 0");
            call("PUT", "/_index_template/devops-audit", template);
        }
    }

    private static long count() throws IOException {
        return ((Number) call("GET", "/devops-audit-*/_count", null).get("count")).longValue();
    }

    /** A batch is retried as a whole after a connection failure: ids are deterministic, so a retry cannot double-count. */
    @SuppressWarnings("unchecked")
    private void bulk(List<String> batch) throws Exception {
        StringBuilder body = new StringBuilder();
        for (String raw : batch) {
            body.append("{\"index\":{\"_index\":\"dedup-raw\"}}\n{\"message\":")
                    .append(JsonText.write(raw))
                    .append("}\n");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                Request request = new Request("POST", "/_bulk?pipeline=dedup-test");
                request.setJsonEntity(body.toString());
                Response response = client().performRequest(request);
                Map<String, Object> result = entityAsMap(response);
                if (Boolean.TRUE.equals(result.get("errors"))) {
                    // a copy as rich as (or poorer than) the stored one is refused as a version conflict: that is the
                    // deduplication itself, not an error; anything else is
                    List<Object> items = (List<Object>) result.get("items");
                    Object firstError = items.stream()
                            .map(i -> (Map<String, Object>) ((Map<String, Object>) i).get("index"))
                            .filter(i -> i.get("error") != null && ((Number) i.get("status")).intValue() != 409)
                            .map(i -> i.get("error"))
                            .findFirst()
                            .orElse(null);
                    if (firstError != null) fail("bulk had errors, first: " + firstError);
                }
                return;
            } catch (IOException e) {
                if (attempt >= 5) throw e;
                logger.info("bulk attempt {} failed ({}), retrying", attempt, e.toString());
                Thread.sleep(2000);
            }
        }
    }

    private void restartNode() throws Exception {
        cli(null, 330, "node-restart", "--home", nodeHome());
        ensureHealth(req -> req.addParameter("wait_for_status", "yellow"));
    }
}
