/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import io.devopsaudit.collect.CollectorConfig;
import io.devopsaudit.collect.CollectorStatus;
import io.devopsaudit.collect.CollectorView;
import io.devopsaudit.collect.DeleteCollectorAction;
import io.devopsaudit.collect.GetCollectorAction;
import io.devopsaudit.collect.PollCounts;
import io.devopsaudit.collect.PutCollectorAction;
import io.devopsaudit.collect.RunCollectorAction;
import io.devopsaudit.content.GetContentAction;
import io.devopsaudit.content.GetSetupAction;
import io.devopsaudit.content.IndexConformance;
import io.devopsaudit.content.PutSetupAction;
import io.devopsaudit.content.SetupAsset;
import io.devopsaudit.content.SetupIndex;
import io.devopsaudit.content.SetupParameters;
import io.devopsaudit.intake.DeleteDestinationAction;
import io.devopsaudit.intake.DestinationView;
import io.devopsaudit.intake.GetDestinationAction;
import io.devopsaudit.intake.ImportAction;
import io.devopsaudit.intake.IntakeCounts;
import io.devopsaudit.intake.PutDestinationAction;
import io.devopsaudit.intake.StreamAction;
import io.devopsaudit.investigate.AccessReportAction;
import io.devopsaudit.investigate.AccessReportResult;
import io.devopsaudit.investigate.AccessRollupRun;
import io.devopsaudit.investigate.ChangeContextResult;
import io.devopsaudit.investigate.ContextAction;
import io.devopsaudit.investigate.RunAccessRollupAction;
import io.devopsaudit.retention.GetRetentionAction;
import io.devopsaudit.retention.PutRetentionAction;
import io.devopsaudit.retention.RetentionRun;
import io.devopsaudit.retention.RetentionSettingsView;
import io.devopsaudit.retention.RunRetentionAction;
import io.devopsaudit.retention.ScheduledIndex;
import org.opensearch.action.ActionType;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every typed response survives the wire through the reader its action registers (a node forwards answers of actions
 * it does not run) and renders the same JSON after it; the JSON keys are those of the REST API (ResponseShapeIT holds
 * every route's shape).
 */
public class ResponseWireTests extends OpenSearchTestCase {

    private static <R extends ActionResponse & ToXContentObject> Map<String, Object> roundTrip(
            ActionType<R> action, R response) throws IOException {
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            response.writeTo(out);
            try (StreamInput in = out.bytes().streamInput()) {
                R read = action.getResponseReader().read(in);
                assertEquals("every byte is read back", 0, in.available());
                assertEquals(response, read);
                Map<String, Object> json = json(response);
                assertEquals(json, json(read));
                return json;
            }
        }
    }

    static Map<String, Object> json(ToXContent x) throws IOException {
        XContentBuilder b = JsonXContent.contentBuilder();
        x.toXContent(b, ToXContent.EMPTY_PARAMS);
        return XContentHelper.convertToMap(BytesReference.bytes(b), true, MediaTypeRegistry.JSON)
                .v2();
    }

    private static List<IntakeCounts.Failure> failures() {
        return randomList(
                0,
                3,
                () -> new IntakeCounts.Failure(
                        randomLongBetween(1, 99),
                        randomBoolean() ? 0 : randomIntBetween(1, 5),
                        randomAlphaOfLength(6)));
    }

    private static IntakeCounts counts() {
        return new IntakeCounts(
                randomIntBetween(0, 99),
                randomIntBetween(0, 99),
                randomIntBetween(0, 99),
                randomIntBetween(0, 99),
                randomIntBetween(0, 99),
                randomIntBetween(0, 99),
                randomIntBetween(0, 99),
                randomIntBetween(0, 99),
                randomIntBetween(0, 99),
                failures(),
                randomBoolean());
    }

    public void testImport() throws IOException {
        ImportAction.Response imported = new ImportAction.Response(
                "gitlab_api", "json_array", "devops-audit", counts(), null, randomIntBetween(0, 5));
        Map<String, Object> json = roundTrip(ImportAction.INSTANCE, imported);
        assertEquals(false, json.get("dry_run"));
        assertEquals(
                ((Number) json.get("received")).longValue(), imported.counts().received());
        assertTrue(json.containsKey("events_per_second"));

        ImportAction.DryRun dry = new ImportAction.DryRun(10, 4, 1, 2, 1, 2, failures());
        json = roundTrip(
                ImportAction.INSTANCE, new ImportAction.Response("auto", "lines", "my-pipeline", null, dry, 0));
        assertEquals(true, json.get("dry_run"));
        assertEquals(3, json.get("duplicates"));
        assertNull("nothing measurable took no time", json.get("events_per_second"));
        expectThrows(
                IllegalArgumentException.class,
                () -> new ImportAction.Response("auto", "lines", "p", counts(), dry, 1));
    }

    public void testStream() throws IOException {
        Map<String, Object> json = roundTrip(StreamAction.INSTANCE, new StreamAction.Response(counts(), 2));
        assertEquals(2, json.get("out_of_scope"));
        assertEquals("out_of_scope", new ArrayList<>(json.keySet()).get(json.size() - 1));
    }

    private static DestinationView destination() {
        return new DestinationView(
                "acme-" + randomAlphaOfLength(3).toLowerCase(java.util.Locale.ROOT),
                randomBoolean() ? null : "gitlab-acme",
                List.of("acme"),
                "devops_audit.destination.acme.token",
                randomBoolean(),
                randomBoolean() ? null : "a note");
    }

    public void testDestinations() throws IOException {
        DestinationView d = destination();
        Map<String, Object> put =
                roundTrip(PutDestinationAction.INSTANCE, new PutDestinationAction.Response("created", d));
        assertEquals(true, put.get("acknowledged"));
        assertEquals(
                List.of("acknowledged", "result", "name", "config", "token"),
                List.copyOf(put.keySet()).subList(0, 5));
        assertEquals(d.name(), put.get("name"));
        assertEquals(json(d).get("token"), put.get("token"));
        roundTrip(GetDestinationAction.INSTANCE, new GetDestinationAction.Response(d));
        DestinationView other = destination();
        Map<String, Object> all =
                roundTrip(GetDestinationAction.INSTANCE, new GetDestinationAction.Response(List.of(d, other)));
        assertEquals(json(other), ((Map<?, ?>) all.get("destinations")).get(other.name()));
        assertEquals(
                Map.of("acknowledged", true, "name", "acme"),
                roundTrip(DeleteDestinationAction.INSTANCE, new DeleteDestinationAction.Response("acme")));
    }

    public void testCollectors() throws IOException {
        CollectorConfig config = CollectorConfig.parse(
                "prod",
                Map.of(
                        "type",
                        "gitlab",
                        "url",
                        "https://gitlab.example.com",
                        "scopes",
                        List.of(Map.of("group", "acme")),
                        "interval",
                        "1h",
                        "since",
                        "2024-01-01T00:00:00Z",
                        "instance",
                        "gitlab-prod"));
        CollectorStatus status = polledStatus();
        CollectorView view = new CollectorView(config, status);
        Map<String, Object> one = roundTrip(GetCollectorAction.INSTANCE, new GetCollectorAction.Response(view));
        assertEquals(List.of("name", "config", "status"), List.copyOf(one.keySet()));
        Map<String, Object> all =
                roundTrip(GetCollectorAction.INSTANCE, new GetCollectorAction.Response(List.of(view)));
        assertEquals(Map.of("prod", one), all.get("collectors"));
        Map<String, Object> done =
                roundTrip(RunCollectorAction.INSTANCE, new RunCollectorAction.Response("prod", status, null));
        assertEquals(List.of("name", "status"), List.copyOf(done.keySet()));
        Map<String, Object> running =
                roundTrip(RunCollectorAction.INSTANCE, new RunCollectorAction.Response("prod", null, "1s"));
        assertEquals(List.of("name", "running", "wait", "reason", "status"), List.copyOf(running.keySet()));
        assertNull(running.get("status"));
        Map<String, Object> put =
                roundTrip(PutCollectorAction.INSTANCE, new PutCollectorAction.Response("updated", config));
        assertEquals(List.of("acknowledged", "result", "name", "config"), List.copyOf(put.keySet()));
        assertEquals(
                Map.of("acknowledged", true, "name", "prod"),
                roundTrip(DeleteCollectorAction.INSTANCE, new DeleteCollectorAction.Response("prod")));
    }

    /** A status with every field set: a failed poll of two scopes, while the next poll is under way. */
    private static CollectorStatus polledStatus() {
        Instant at = Instant.parse("2024-03-02T10:00:00Z");
        CollectorStatus.PollError error = new CollectorStatus.PollError(
                at, "group:acme", randomBoolean() ? null : 401, "401 Unauthorized", "check the token");
        PollCounts counts = new PollCounts(3, 1, 2, 0, 0, 0, randomIntBetween(0, 3));
        return new CollectorStatus(
                randomFrom(CollectorStatus.State.values()),
                "schedule",
                "node-1",
                at,
                randomBoolean() ? null : at.minusSeconds(3600),
                at.plusSeconds(3600),
                counts,
                counts.plus(counts),
                4L,
                1L,
                List.of(
                        new CollectorStatus.ScopeStatus(
                                "instance",
                                at.minusMillis(250),
                                counts,
                                2L,
                                randomBoolean() ? null : "no events",
                                null),
                        CollectorStatus.ScopeStatus.of("group:acme").withLastError(error)),
                error,
                randomNonNegativeLong(),
                at.plusSeconds(3600),
                "manual");
    }

    /** The status a poll answers with renders its fields in the stored order, and a collector never polled its state. */
    public void testCollectorStatus() throws IOException {
        CollectorStatus status = polledStatus();
        Map<String, Object> done =
                roundTrip(RunCollectorAction.INSTANCE, new RunCollectorAction.Response("prod", status, null));
        assertEquals(json(status), done.get("status"));
        assertEquals(
                List.of(
                        "state",
                        "trigger",
                        "node",
                        "last_poll",
                        "last_success",
                        "next_poll",
                        "last_poll_counts",
                        "totals",
                        "requests",
                        "retries",
                        "scopes",
                        "last_error",
                        "token_generation",
                        "polling_since",
                        "polling_trigger"),
                List.copyOf(json(status).keySet()));
        Map<?, ?> failedScope = (Map<?, ?>) ((List<?>) json(status).get("scopes")).get(1);
        assertEquals(List.of("scope", "last_error"), List.copyOf(failedScope.keySet()));
        assertEquals(
                List.of("at", "scope", "http_status", "message", "hint"),
                List.copyOf(((Map<?, ?>) failedScope.get("last_error")).keySet()));
        Map<String, Object> running = roundTrip(
                RunCollectorAction.INSTANCE,
                new RunCollectorAction.Response("prod", CollectorStatus.NEVER_POLLED, "1s"));
        assertEquals(Map.of("state", "never_polled"), running.get("status"));
    }

    private static RetentionRun run(boolean dry) {
        return new RetentionRun(
                dry,
                "2024-03-02T10:00:00Z",
                "node-1",
                2555,
                90,
                90,
                randomList(
                        0,
                        2,
                        () -> new RetentionRun.Expired(
                                "devops-audit-gitlab-2017.01",
                                "events",
                                "2017.01",
                                "2017-02-01T00:00:00Z",
                                "2024-01-31T00:00:00Z",
                                randomIntBetween(0, 9))),
                randomIntBetween(0, 9),
                List.of("devops-audit-gitlab-2024.01"),
                dry || randomBoolean() ? null : "2024-03-03T10:00:00Z");
    }

    public void testAccessRollupRun() throws IOException {
        AccessRollupRun run =
                new AccessRollupRun(true, 2, randomIntBetween(0, 31), 3, 1, randomIntBetween(0, 1), 120, 9000, 4, 1500);
        Map<String, Object> out = roundTrip(RunAccessRollupAction.INSTANCE, new RunAccessRollupAction.Response(run));
        assertEquals(
                List.of("enabled", "indices", "days", "rows", "accesses", "rows_deleted", "took_ms"),
                List.copyOf(out.keySet()));
        assertEquals(
                List.of("rolled", "kept", "waiting", "refused"), List.copyOf(((Map<?, ?>) out.get("days")).keySet()));
        assertEquals(9000, out.get("accesses"));
    }

    public void testRetention() throws IOException {
        RetentionSettingsView settings = new RetentionSettingsView(2555, 90, 90, randomBoolean() ? null : 40, "1d");
        Map<String, Object> put = roundTrip(PutRetentionAction.INSTANCE, new PutRetentionAction.Response(settings));
        assertEquals(true, put.get("acknowledged"));
        assertTrue("off is null", put.containsKey("warm_after_days"));
        Map<String, Object> dry = roundTrip(RunRetentionAction.INSTANCE, new RunRetentionAction.Response(run(true)));
        assertTrue(dry.containsKey("would_delete"));
        assertTrue(dry.containsKey("would_warm"));
        RetentionRun real = run(false);
        Map<String, Object> ran = roundTrip(RunRetentionAction.INSTANCE, new RunRetentionAction.Response(real));
        assertTrue(ran.containsKey("deleted"));
        // the stored last run reads back as it was written
        assertEquals(real, RetentionRun.fromStored(ran));
        ScheduledIndex due = new ScheduledIndex(
                "devops-audit-gitlab-2024.01",
                "events",
                "2024.01",
                "2024-02-01T00:00:00Z",
                "2031-01-31T00:00:00Z",
                false);
        RetentionRun last = randomBoolean() ? null : real;
        Map<String, Object> get = roundTrip(
                GetRetentionAction.INSTANCE,
                new GetRetentionAction.Response(settings, last, "within 1d", 3, List.of(due)));
        assertEquals(
                List.of("settings", "last_run", "next_run", "managed_indices", "due_next"), List.copyOf(get.keySet()));
    }

    public void testSetupAndContent() throws IOException {
        SetupParameters configuration = SetupParameters.defaults().effective();
        List<SetupAsset> assets = List.of(
                new SetupAsset("devops-audit", "index_template", "installed", 3, false, null, null, null, null),
                new SetupAsset(
                        "devops-audit",
                        "ingest_pipeline",
                        "modified",
                        4,
                        true,
                        4L,
                        List.of("processors[0]"),
                        "why",
                        List.of("geoip")),
                new SetupAsset(
                        "devops-audit-monitors", "alerting_monitors", "missing", 2, true, null, null, null, null));
        List<SetupIndex> indices = List.of(new SetupIndex(
                new IndexConformance.Report(
                        "devops-audit-gitlab-2024.01", "devops-audit", List.of(), List.of("source.geo")),
                randomBoolean() ? null : "refused"));
        Map<String, Object> put =
                roundTrip(PutSetupAction.INSTANCE, new PutSetupAction.Response(configuration, assets, indices));
        assertEquals(List.of("acknowledged", "configuration", "assets", "indices"), List.copyOf(put.keySet()));
        assertEquals(
                List.of(
                        "replicas",
                        "shards",
                        "trusted_networks",
                        "privileged_roles",
                        "notification_channel_id",
                        "dashboards_url",
                        "disabled_rules",
                        "severity_overrides"),
                List.copyOf(((Map<?, ?>) put.get("configuration")).keySet()));
        Map<String, Object> get = roundTrip(GetSetupAction.INSTANCE, new GetSetupAction.Response(assets, indices));
        List<?> rows = (List<?>) get.get("assets");
        assertFalse("installed, not compared", ((Map<?, ?>) rows.get(0)).containsKey("installed_version"));
        assertTrue("compared and missing", ((Map<?, ?>) rows.get(2)).containsKey("installed_version"));
        assertEquals(
                List.of(
                        "name",
                        "type",
                        "status",
                        "shipped_version",
                        "installed_version",
                        "differences",
                        "reason",
                        "enrichment_skipped"),
                List.copyOf(((Map<?, ?>) rows.get(1)).keySet()));
        assertEquals("outdated", ((Map<?, ?>) ((List<?>) get.get("indices")).get(0)).get("status"));

        Map<String, Object> monitor = Map.of("name", "m", "enabled", true, "inputs", List.of(Map.of("a", 1)));
        Map<String, Object> content =
                roundTrip(GetContentAction.INSTANCE, new GetContentAction.Response(List.of(monitor), List.of()));
        assertEquals(List.of(monitor), content.get("monitors"));
        assertEquals(List.of(), content.get("workflows"));
    }

    private static AccessReportResult.UserRow userRow() {
        return new AccessReportResult.UserRow(
                randomAlphaOfLength(6),
                randomIntBetween(1, 9),
                List.of("203.0.113.9", "2001:db8::1"),
                randomBoolean() ? List.of() : List.of("curl/8.5.0"),
                "2024-03-01T10:00:00.000Z",
                "2024-03-02T10:00:00.000Z");
    }

    private static AccessReportResult.IpRow ipRow() {
        return new AccessReportResult.IpRow(
                "203.0.113.9",
                randomIntBetween(1, 9),
                List.of(randomAlphaOfLength(6)),
                randomBoolean() ? List.of() : List.of("NL"),
                randomBoolean() ? List.of() : List.of(64496L, randomNonNegativeLong()),
                "2024-03-01T10:00:00.000Z",
                "2024-03-02T10:00:00.000Z");
    }

    private static AccessReportResult.Identity identity(boolean emails) {
        return new AccessReportResult.Identity(
                "gitlab",
                randomBoolean() ? null : "gitlab.example.com",
                randomBoolean() ? null : "42",
                randomBoolean() ? null : "jdoe",
                randomIntBetween(1, 9),
                emails ? List.of("jdoe@example.com", "john@example.org") : null);
    }

    private static AccessReportResult report(boolean empty, boolean detail, boolean requests) {
        return new AccessReportResult(
                randomBoolean() ? List.of("acme/app") : List.of("acme/app", "acme/ops"),
                "2024-03-01T00:00:00.000Z",
                "2024-03-08T00:00:00.000Z",
                empty ? 0 : 2,
                empty ? 0 : 7,
                empty ? 0 : 1,
                empty ? null : "2024-03-01T10:00:00.000Z",
                empty ? null : "2024-03-02T10:00:00.000Z",
                empty
                        ? List.of()
                        : List.of(
                                new AccessReportResult.Bucket("acme/app", 5),
                                new AccessReportResult.Bucket("acme/ops", 2)),
                empty ? List.of() : List.of(new AccessReportResult.Bucket("repository_git_operation", 7)),
                empty
                        ? new AccessReportResult.OutsideWindow(
                                randomBoolean() ? 0 : 3,
                                randomBoolean() ? null : "2023-01-01T00:00:00.000Z",
                                randomBoolean() ? null : "2023-02-01T00:00:00.000Z",
                                "no access in the window")
                        : null,
                10_000,
                randomBoolean(),
                new AccessReportResult.Excluded(
                        List.of("10.0.0.0/8"), List.of("example.com"), List.of("ci-bot"), randomIntBetween(0, 3)),
                randomList(0, 2, () -> identity(false)),
                randomIntBetween(0, 9),
                randomList(0, 2, () -> identity(true)),
                detail ? randomList(0, 3, ResponseWireTests::userRow) : null,
                detail ? randomList(0, 3, ResponseWireTests::ipRow) : null,
                requests
                        ? new AccessReportResult.Requests(
                                3,
                                4,
                                1,
                                1,
                                randomBoolean(),
                                detail ? List.of(userRow()) : null,
                                detail ? List.of(ipRow()) : null)
                        : null,
                randomBoolean(),
                randomIntBetween(0, 31));
    }

    public void testAccessReport() throws IOException {
        Map<String, Object> plain =
                roundTrip(AccessReportAction.INSTANCE, new AccessReportAction.Response(report(false, false, false)));
        assertEquals(
                List.of(
                        "scope",
                        "from",
                        "to",
                        "distinct_users",
                        "accesses",
                        "distinct_source_ips",
                        "first_access",
                        "last_access",
                        "per_project",
                        "per_access_type",
                        "bound",
                        "bound_hit",
                        "excluded",
                        "unresolved_identities",
                        "unresolved_accesses",
                        "identities_with_several_emails",
                        "redacted",
                        "precounted_days"),
                List.copyOf(plain.keySet()));
        // per project and per access type keep the aggregation's order (most accesses first)
        assertEquals(List.of("acme/app", "acme/ops"), List.copyOf(((Map<?, ?>) plain.get("per_project")).keySet()));
        assertEquals(5, ((Map<?, ?>) plain.get("per_project")).get("acme/app"));
        assertEquals(
                List.of("networks", "email_domains", "users", "users_by_email_domain"),
                List.copyOf(((Map<?, ?>) plain.get("excluded")).keySet()));
        for (Object row : (List<?>) plain.get("identities_with_several_emails")) {
            assertEquals(
                    List.of("provider", "instance", "user_id", "user", "accesses", "emails"),
                    List.copyOf(((Map<?, ?>) row).keySet()));
        }
        for (Object row : (List<?>) plain.get("unresolved_identities")) {
            assertFalse("one e-mail or none: not listed", ((Map<?, ?>) row).containsKey("emails"));
        }

        Map<String, Object> empty =
                roundTrip(AccessReportAction.INSTANCE, new AccessReportAction.Response(report(true, false, false)));
        assertTrue("no access: null, not absent", empty.containsKey("first_access"));
        assertNull(empty.get("first_access"));
        assertEquals(Map.of(), empty.get("per_project"));
        assertEquals(
                List.of("accesses", "first", "last", "note"),
                List.copyOf(((Map<?, ?>) empty.get("outside_window")).keySet()));
        assertEquals(
                List.copyOf(plain.keySet()).indexOf("bound"),
                List.copyOf(empty.keySet()).indexOf("outside_window"));

        AccessReportResult detailed = report(false, true, true);
        Map<String, Object> detail = roundTrip(AccessReportAction.INSTANCE, new AccessReportAction.Response(detailed));
        List<String> keys = List.copyOf(detail.keySet());
        assertEquals(
                List.of(
                        "identities_with_several_emails",
                        "users",
                        "source_ips",
                        "requests",
                        "redacted",
                        "precounted_days"),
                keys.subList(keys.size() - 6, keys.size()));
        Map<?, ?> requests = (Map<?, ?>) detail.get("requests");
        assertEquals(
                List.of(
                        "page_views",
                        "api_reads",
                        "distinct_users",
                        "distinct_source_ips",
                        "bound_hit",
                        "users",
                        "source_ips"),
                List.copyOf(requests.keySet()));
        assertEquals(
                List.of("user", "accesses", "ips", "user_agents", "first", "last"),
                List.copyOf(((Map<?, ?>) ((List<?>) requests.get("users")).get(0)).keySet()));
        assertEquals(
                List.of("ip", "accesses", "users", "countries", "asns", "first", "last"),
                List.copyOf(((Map<?, ?>) ((List<?>) requests.get("source_ips")).get(0)).keySet()));
        Object scope = detail.get("scope");
        assertEquals(detailed.scope().size() == 1 ? detailed.scope().get(0) : detailed.scope(), scope);
    }

    public void testContext() throws IOException {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("@timestamp", "2024-03-01T10:00:00.000Z");
        source.put("user", Map.of("name", "jdoe"));
        source.put("event", new LinkedHashMap<>(Map.of("action", "project_deleted")));
        source.put("labels", List.of("a", "b"));
        ChangeContextResult.Event event = new ChangeContextResult.Event(
                "gitlab:1",
                "devops-audit-gitlab-2024.03",
                "2024-03-01T10:00:00.000Z",
                List.of("event", "same_actor"),
                source);
        ChangeContextResult.Event request = new ChangeContextResult.Event(
                "r1", "devops-audit-requests-2024.03", null, List.of("request"), Map.of("http", Map.of("x", 1)));
        ChangeContextResult result = new ChangeContextResult(
                "gitlab:1",
                randomBoolean() ? null : "01HQ",
                randomBoolean() ? null : "jdoe",
                randomBoolean() ? null : "203.0.113.9",
                "2024-03-01T09:45:00Z",
                "2024-03-01T10:15:00Z",
                2,
                randomBoolean(),
                1000,
                List.of(event, request));
        Map<String, Object> json = roundTrip(ContextAction.INSTANCE, new ContextAction.Response(result));
        assertEquals(
                List.of(
                        "event_id",
                        "correlation_id",
                        "actor",
                        "source_ip",
                        "window",
                        "total",
                        "truncated",
                        "limit",
                        "events"),
                List.copyOf(json.keySet()));
        assertEquals(Map.of("from", "2024-03-01T09:45:00Z", "to", "2024-03-01T10:15:00Z"), json.get("window"));
        Map<?, ?> first = (Map<?, ?>) ((List<?>) json.get("events")).get(0);
        assertEquals(List.of("_id", "_index", "@timestamp", "reasons", "_source"), List.copyOf(first.keySet()));
        // the stored document crosses the wire as it is, in its own key order
        assertEquals(source, first.get("_source"));
        assertEquals(List.copyOf(source.keySet()), List.copyOf(((Map<?, ?>) first.get("_source")).keySet()));
        assertEquals(List.of("event", "same_actor"), first.get("reasons"));
        Map<?, ?> second = (Map<?, ?>) ((List<?>) json.get("events")).get(1);
        assertTrue(second.containsKey("@timestamp"));
        assertNull(second.get("@timestamp"));
    }
}
