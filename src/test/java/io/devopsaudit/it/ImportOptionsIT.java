/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import org.opensearch.client.ResponseException;
import org.opensearch.test.rest.yaml.ObjectPath;

import java.util.Locale;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/**
 * What an {@code _import} request names reaches the processor on the real node: {@code ?format=} is how every record
 * is read (no detection per record), and a dry run runs the {@code devops_audit} processor of the pipeline named by
 * {@code ?pipeline=}, with that pipeline's options.
 */
public class ImportOptionsIT extends DevopsAuditRestTestCase {

    /** A GitLab API object (none of the keys only streaming bodies carry): format detection takes it as {@code gitlab_api}. */
    private static String apiObject(long id, String group) {
        return "{\"id\":" + id + ",\"author_id\":7,\"entity_id\":12,\"entity_type\":\"Group\","
                + "\"details\":{\"author_name\":\"alice\",\"remove\":\"user_access\",\"target_details\":\"" + group
                + "\"},\"created_at\":\"2024-03-20T10:00:00Z\"}";
    }

    private static String sourceFormat(String instance, long id) throws Exception {
        Map<String, Object> doc = call("GET", "/devops-audit-gitlab-2024.03/_doc/gitlab:" + instance + ":" + id, null);
        return ObjectPath.evaluate(doc, "_source.audit.source_format");
    }

    public void testTheNamedFormatIsHowEveryRecordIsRead() throws Exception {
        SetupIT.setup();
        String suffix = randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        long id = randomLongBetween(100_000_000L, 900_000_000L);
        String detected = "detect-" + suffix;
        String named = "named-" + suffix;

        Map<String, Object> auto = ImportIT.importText("?instance=" + detected, apiObject(id, "g" + suffix));
        assertEquals(auto.toString(), 1, auto.get("indexed"));
        assertEquals("gitlab_api", sourceFormat(detected, id));

        // the same object named a streaming body: the processor reads it as one instead of detecting an API object
        Map<String, Object> stream =
                ImportIT.importText("?format=gitlab_stream&instance=" + named, apiObject(id, "g" + suffix));
        assertEquals(stream.toString(), "gitlab_stream", stream.get("format"));
        assertEquals(stream.toString(), 1, stream.get("indexed"));
        assertEquals("gitlab_stream", sourceFormat(named, id));

        // a dry run reads it as named too: a GitLab API object the caller says is a CircleCI event is no such event
        Map<String, Object> dry = ImportIT.importText(
                "?format=circleci_json&dry_run=true&instance=" + named, apiObject(id + 1, "g" + suffix));
        assertEquals(dry.toString(), 1, dry.get("failed"));
        assertEquals(dry.toString(), 0, dry.get("would_index"));
    }

    public void testADryRunRunsTheNamedPipelinesProcessorWithItsOptions() throws Exception {
        SetupIT.setup();
        String suffix = randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        String instance = "dry-" + suffix;
        long id = randomLongBetween(100_000_000L, 900_000_000L);
        String body = apiObject(id, "g" + suffix) + "\n" + apiObject(id + 1, "g" + suffix) + "\n";
        assertEquals(2, ImportIT.importText("?instance=" + instance, body).get("indexed"));

        // through the shipped pipeline both are stored already (monthly index)
        Map<String, Object> shipped = ImportIT.importText("?dry_run=true&instance=" + instance, body);
        assertEquals(shipped.toString(), 2, shipped.get("already_stored"));
        assertEquals(shipped.toString(), 0, shipped.get("would_index"));

        // a pipeline whose processor writes daily indices would store them anew, in its own indices
        String daily = "it-daily-" + suffix;
        call(
                "PUT",
                "/_ingest/pipeline/" + daily,
                "{\"processors\":[{\"devops_audit\":{\"field\":\"message\",\"index_granularity\":\"day\","
                        + "\"tag\":\"daily\"}}]}");
        String noProcessor = "it-plain-" + suffix;
        call("PUT", "/_ingest/pipeline/" + noProcessor, "{\"processors\":[{\"set\":{\"field\":\"a\",\"value\":1}}]}");
        try {
            Map<String, Object> byDay =
                    ImportIT.importText("?dry_run=true&pipeline=" + daily + "&instance=" + instance, body);
            assertEquals(byDay.toString(), daily, byDay.get("pipeline"));
            assertEquals(byDay.toString(), 2, byDay.get("would_index"));
            assertEquals(byDay.toString(), 0, byDay.get("already_stored"));

            ResponseException none = expectThrows(
                    ResponseException.class, () -> ImportIT.importText("?dry_run=true&pipeline=" + noProcessor, body));
            assertEquals(400, none.getResponse().getStatusLine().getStatusCode());
            assertThat(
                    none.getMessage(),
                    containsString("[pipeline] [" + noProcessor + "] has no devops_audit processor"));
            ResponseException missing = expectThrows(
                    ResponseException.class,
                    () -> ImportIT.importText("?dry_run=true&pipeline=it-missing-" + suffix, body));
            assertEquals(400, missing.getResponse().getStatusLine().getStatusCode());
            assertThat(
                    missing.getMessage(), containsString("[pipeline] no ingest pipeline [it-missing-" + suffix + "]"));
        } finally {
            call("DELETE", "/_ingest/pipeline/" + daily, null);
            call("DELETE", "/_ingest/pipeline/" + noProcessor, null);
        }
    }
}
