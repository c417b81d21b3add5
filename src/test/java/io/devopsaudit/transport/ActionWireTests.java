/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import io.devopsaudit.collect.DeleteCollectorAction;
import io.devopsaudit.collect.GetCollectorAction;
import io.devopsaudit.collect.PutCollectorAction;
import io.devopsaudit.collect.RunCollectorAction;
import io.devopsaudit.content.GetContentAction;
import io.devopsaudit.content.PutSetupAction;
import io.devopsaudit.content.SetupParameters;
import io.devopsaudit.intake.DeleteDestinationAction;
import io.devopsaudit.intake.GetDestinationAction;
import io.devopsaudit.intake.ImportAction;
import io.devopsaudit.intake.PutDestinationAction;
import io.devopsaudit.intake.StreamAction;
import io.devopsaudit.investigate.AccessReportAction;
import io.devopsaudit.investigate.ContextAction;
import io.devopsaudit.investigate.ExportAction;
import io.devopsaudit.retention.PutRetentionAction;
import io.devopsaudit.retention.RunRetentionAction;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.IndicesRequest;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.hamcrest.Matchers.arrayContaining;
import static org.hamcrest.Matchers.containsString;

/**
 * Every action's request survives the wire (a node forwards requests it does not run), validates what a request
 * built by another client could get wrong, and the index-touching ones name the indices the Security plugin
 * evaluates them against.
 */
public class ActionWireTests extends OpenSearchTestCase {

    private static <T extends Writeable> T copy(T original, Writeable.Reader<T> reader) throws IOException {
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            original.writeTo(out);
            try (StreamInput in = out.bytes().streamInput()) {
                T read = reader.read(in);
                assertEquals("every byte is read back", 0, in.available());
                return read;
            }
        }
    }

    private static String maybe(String value) {
        return randomBoolean() ? null : value;
    }

    private static List<String> strings() {
        return randomList(0, 3, () -> randomAlphaOfLengthBetween(1, 8));
    }

    public void testSetupRequestsRoundTrip() throws IOException {
        SetupParameters p = new SetupParameters(
                randomBoolean() ? null : randomIntBetween(0, 10),
                randomBoolean() ? null : randomIntBetween(1, 64),
                randomBoolean() ? null : List.of("10.0.0.0/8", "192.0.2.0/24"),
                randomBoolean() ? null : strings(),
                maybe("channel-" + randomAlphaOfLength(4)),
                maybe("https://dash.example.com"),
                randomBoolean() ? null : strings(),
                randomBoolean() ? null : Map.of("DA-GL-011", "high", "ACME-1", "low"));
        PutSetupAction.Request put = new PutSetupAction.Request(
                p, randomBoolean() ? Set.of() : Set.of("dashboards_url", "severity_overrides"));
        PutSetupAction.Request read = copy(put, PutSetupAction.Request::new);
        assertEquals(put, read);
        assertEquals(p, read.parameters());
        assertEquals(put.reset(), read.reset());
        assertNull(read.validate());
        assertEquals(new NoParametersRequest(), copy(new NoParametersRequest(), NoParametersRequest::new));
    }

    public void testSetupRequestValidatesRangesThatAParsedBodyWouldHaveRefused() {
        SetupParameters bad = new SetupParameters(11, null, null, null, null, null, null, null);
        ActionRequestValidationException e = new PutSetupAction.Request(bad).validate();
        assertNotNull(e);
        assertThat(e.getMessage(), containsString("[replicas] must be a whole number from 0 to 10, found [11]"));
        assertThat(
                new PutSetupAction.Request(new SetupParameters(null, null, null, null, "bad id!", null, null, null))
                        .validate()
                        .getMessage(),
                containsString("[notification_channel_id]"));
    }

    public void testContentRequestRoundTripAndValidation() throws IOException {
        GetContentAction.Request r =
                new GetContentAction.Request(maybe("chan_1"), maybe("https://dashboards.example.com"));
        assertEquals(r, copy(r, GetContentAction.Request::new));
        assertNull(r.validate());
        assertThat(
                new GetContentAction.Request(null, "javascript:alert(1)")
                        .validate()
                        .getMessage(),
                containsString("[dashboards_url]"));
    }

    public void testRetentionRequestsRoundTripAndValidation() throws IOException {
        PutRetentionAction.Request put = new PutRetentionAction.Request(
                randomIntBetween(1, 36500),
                randomBoolean() ? null : randomIntBetween(1, 36500),
                randomBoolean() ? null : randomFrom(-1, randomIntBetween(0, 400)));
        assertEquals(put, copy(put, PutRetentionAction.Request::new));
        assertNull(put.validate());
        assertThat(
                new PutRetentionAction.Request(null, null).validate().getMessage(),
                containsString("give [days], [dead_letter_days] and/or [warm_after_days]"));
        assertThat(
                new PutRetentionAction.Request(0, 36501).validate().getMessage(),
                containsString("[dead_letter_days] must be a whole number of days from 1 to 36500, found [36501]"));
        expectThrows(IllegalArgumentException.class, () -> PutRetentionAction.Request.parse(Map.of("weeks", 3)));
        IllegalArgumentException e = expectThrows(
                IllegalArgumentException.class, () -> PutRetentionAction.Request.parse(Map.of("days", "ten")));
        assertThat(e.getMessage(), containsString("[days] must be a whole number of days"));
        assertEquals(new PutRetentionAction.Request(30, null), PutRetentionAction.Request.parse(Map.of("days", 30)));
        Map<String, Object> off = new HashMap<>();
        off.put("warm_after_days", null);
        assertEquals(
                "null turns the warm step off",
                new PutRetentionAction.Request(null, null, -1),
                PutRetentionAction.Request.parse(off));
        assertEquals(
                new PutRetentionAction.Request(null, null, 40),
                PutRetentionAction.Request.parse(Map.of("warm_after_days", 40)));
        assertThat(
                expectThrows(
                                IllegalArgumentException.class,
                                () -> PutRetentionAction.Request.parse(Map.of("warm_after_days", -5)))
                        .getMessage(),
                containsString("[warm_after_days] must be a whole number of days from 0"));

        RunRetentionAction.Request run = new RunRetentionAction.Request(randomBoolean());
        assertEquals(run, copy(run, RunRetentionAction.Request::new));
    }

    public void testIntakeRequestsRoundTripAndNameTheAuditIndices() throws IOException {
        BytesArray body = new BytesArray(randomAlphaOfLengthBetween(1, 200).getBytes(StandardCharsets.UTF_8));
        ImportAction.Request imp = new ImportAction.Request(
                maybe("gitlab_csv"), "devops-audit", randomBoolean(), body, maybe("gitlab-acme"));
        assertEquals(imp, copy(imp, ImportAction.Request::new));
        assertNull(imp.validate());
        assertAuditIndices(
                imp,
                "devops-audit-incoming",
                "devops-audit-gitlab-*",
                "devops-audit-circleci-*",
                "devops-audit-failed-*");
        ActionRequestValidationException e =
                new ImportAction.Request("xml", " ", false, BytesArray.EMPTY, "Acme:1").validate();
        assertThat(e.getMessage(), containsString("[format] unknown format [xml]"));
        assertThat(e.getMessage(), containsString("the body is empty"));
        assertThat(e.getMessage(), containsString("[pipeline] must name an ingest pipeline"));
        assertThat(e.getMessage(), containsString("[instance] must be 1 to 64 lower-case letters"));

        ImportAction.Request narrowed = new ImportAction.Request("gitlab_csv", "devops-audit", false, body, null);
        narrowed.indices(
                "devops-audit-gitlab-2024.03"); // what the Security plugin may do with do_not_fail_on_forbidden
        ImportAction.Request narrowedRead = copy(narrowed, ImportAction.Request::new);
        assertThat(narrowedRead.indices(), arrayContaining("devops-audit-gitlab-2024.03"));
        assertNotEquals(imp, narrowedRead);

        StreamAction.Request stream = new StreamAction.Request(body, maybe("user_created"), maybe("gitlab-com"));
        assertEquals(stream, copy(stream, StreamAction.Request::new));
        assertNull(stream.validate());
        assertThat(new StreamAction.Request(body, null, "").validate().getMessage(), containsString("[instance]"));
        assertAuditIndices(
                stream,
                "devops-audit-incoming",
                "devops-audit-gitlab-*",
                "devops-audit-circleci-*",
                "devops-audit-failed-*");
        StreamAction.Request fromDestination =
                new StreamAction.Request(body, maybe("user_created"), maybe("gitlab-acme"), "acme-group");
        StreamAction.Request fromDestinationRead = copy(fromDestination, StreamAction.Request::new);
        assertEquals(fromDestination, fromDestinationRead);
        assertNotEquals(stream, new StreamAction.Request(body, null, null, "acme-group"));
        assertNull(fromDestinationRead.validate());
        assertThat(new StreamAction.Request(body, null, null, "a.b").validate().getMessage(), containsString("[name]"));
    }

    public void testInvestigationRequestsRoundTripAndNameTheEventIndices() throws IOException {
        Instant now = Instant.ofEpochSecond(randomLongBetween(1_500_000_000L, 1_900_000_000L));
        String scope = "acme/" + randomAlphaOfLength(5);
        BytesArray reportBody = new BytesArray("{\"scope\":\"" + scope + "\",\"exclude_networks\":[\"192.0.2.0/24\"],"
                + "\"redact\":" + randomBoolean() + "}");
        AccessReportAction.Request report =
                new AccessReportAction.Request(Map.of("format", "csv"), reportBody, MediaTypeRegistry.JSON);
        AccessReportAction.Request read = copy(report, AccessReportAction.Request::new);
        assertEquals(report, read);
        assertNull("read in the action, so a bad request is recorded there", read.validate());
        assertAuditIndices(report, "devops-audit-incoming", "devops-audit-gitlab-*", "devops-audit-circleci-*");
        assertEquals(List.of(scope), read.params(now).filter().scopes());
        assertTrue("csv is the detail rows", read.params(now).detail());
        assertEquals(
                Map.of(
                        "scope",
                        scope,
                        "exclude_networks",
                        List.of("192.0.2.0/24"),
                        "redact",
                        read.given().get("redact"),
                        "format",
                        "csv"),
                read.given());
        AccessReportAction.Request backwards = new AccessReportAction.Request(
                Map.of(),
                new BytesArray(
                        "{\"scope\":\"acme\",\"from\":\"2025-01-02T00:00:00Z\",\"to\":\"2025-01-01T00:00:00Z\"}"),
                MediaTypeRegistry.JSON);
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> copy(backwards, AccessReportAction.Request::new)
                                .params(now))
                        .getMessage(),
                containsString("[from] must not be after [to]"));
        AccessReportAction.Request notJson =
                new AccessReportAction.Request(Map.of(), new BytesArray("{scope: acme"), MediaTypeRegistry.JSON);
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> notJson.params(now))
                        .getMessage(),
                containsString("the request body is not valid JSON"));
        assertEquals("the trail keeps an unreadable body as its text", Map.of("body", "{scope: acme"), notJson.given());
        AccessReportAction.Request badFormat =
                new AccessReportAction.Request(Map.of("format", "xml", "colour", "red"), null, null);
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> badFormat.params(now))
                        .getMessage(),
                containsString("unknown URL parameter [colour]"));

        ContextAction.Request context = new ContextAction.Request(
                Map.of("id", randomAlphaOfLength(12), "before", randomIntBetween(0, 600) + "m", "pretty", "true"),
                null,
                null);
        ContextAction.Request contextRead = copy(context, ContextAction.Request::new);
        assertEquals(context, contextRead);
        assertNull(contextRead.validate());
        assertEquals(context.param("id"), contextRead.id());
        assertEquals(TimeValue.timeValueMinutes(15), contextRead.after());
        assertAuditIndices(context, "devops-audit-incoming", "devops-audit-gitlab-*", "devops-audit-circleci-*");
        ContextAction.Request noId = new ContextAction.Request(Map.of("before", "400d"), null, null);
        assertThat(
                expectThrows(IllegalArgumentException.class, noId::id).getMessage(),
                containsString("[id] is required"));
        assertThat(
                expectThrows(IllegalArgumentException.class, noId::before).getMessage(),
                containsString("[before] must be a duration"));
        ContextAction.Request withBody =
                new ContextAction.Request(Map.of("id", "gitlab:1"), new BytesArray("{}"), MediaTypeRegistry.JSON);
        assertThat(
                expectThrows(IllegalArgumentException.class, withBody::id).getMessage(),
                containsString("takes no request body"));

        BytesArray exportBody = new BytesArray("{\"scope\":[\"acme/web\",\"acme/api\"],\"users\":[\"mallory\"],"
                + "\"exclude_email_domains\":[\"example.com\"],\"include_identities\":[\"mallory\"]}");
        ExportAction.Request export = new ExportAction.Request(
                randomBoolean() ? Map.of("format", "csv") : Map.of(), exportBody, MediaTypeRegistry.JSON);
        ExportAction.Request exportRead = copy(export, ExportAction.Request::new);
        assertEquals(export, exportRead);
        assertNull(exportRead.validate());
        assertAuditIndices(export, "devops-audit-incoming", "devops-audit-gitlab-*", "devops-audit-circleci-*");
        assertEquals(
                List.of("acme/web", "acme/api"), exportRead.params(now).filter().scopes());
        assertEquals(
                "csv".equals(export.param("format")), exportRead.params(now).csv());
        ExportAction.Request noScope = new ExportAction.Request(Map.of(), null, null);
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> noScope.params(now))
                        .getMessage(),
                containsString("[scope] is required"));
        ExportAction.Response body = new ExportAction.Response(new BytesArray("a,b\n"), true, 1);
        ExportAction.Response bodyRead = copy(body, ExportAction.Response::new);
        assertEquals(body, bodyRead);
        // printf 'a,b\n' | sha256sum
        assertEquals("5be08c9684a1d25efcee09318204824278b08bbfb4aef973ffefd0b9d7478313", bodyRead.sha256());
    }

    private static void assertAuditIndices(ActionRequest request, String... expected) {
        // the Security plugin reads the indices of Replaceable requests only; a plain IndicesRequest is evaluated as
        // "_all"
        assertTrue(
                request.getClass().getName() + " touches indices, so the Security plugin must see which",
                request instanceof IndicesRequest.Replaceable);
        assertThat(((IndicesRequest) request).indices(), arrayContaining(expected));
        assertNotNull(((IndicesRequest) request).indicesOptions());
    }

    public void testCollectorRequestsRoundTripAndValidation() throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "gitlab");
        body.put("url", "https://gitlab.example.com");
        body.put("scopes", List.of(Map.of("instance", true), Map.of("group", "acme"), Map.of("project", 7)));
        body.put("interval", "5m");
        body.put("since", "2025-01-01T00:00:00Z");
        if (randomBoolean()) body.put("event_types", List.of("member_updated"));
        if (randomBoolean()) body.put("instance", "gitlab-prod");
        PutCollectorAction.Request put = new PutCollectorAction.Request("prod", body);
        PutCollectorAction.Request read = copy(put, PutCollectorAction.Request::new);
        assertEquals(put, read);
        assertEquals(put.config(), read.config());
        assertNull(read.validate());
        Map<String, Object> bad = new LinkedHashMap<>(body);
        bad.put("interval", "10ms");
        assertThat(new PutCollectorAction.Request("prod", bad).validate().getMessage(), containsString("[interval]"));
        assertThat(new PutCollectorAction.Request("a.b", body).validate().getMessage(), containsString("[name]"));

        GetCollectorAction.Request get = new GetCollectorAction.Request(maybe("prod"));
        assertEquals(get, copy(get, GetCollectorAction.Request::new));
        DeleteCollectorAction.Request delete = new DeleteCollectorAction.Request("prod");
        assertEquals(delete, copy(delete, DeleteCollectorAction.Request::new));
        assertNull(delete.validate());
        assertThat(new DeleteCollectorAction.Request("Prod!").validate().getMessage(), containsString("[name]"));
        RunCollectorAction.Request run = new RunCollectorAction.Request("prod");
        assertEquals(run, copy(run, RunCollectorAction.Request::new));
        RunCollectorAction.Request bounded =
                new RunCollectorAction.Request("prod", org.opensearch.common.unit.TimeValue.timeValueSeconds(5));
        assertEquals(bounded, copy(bounded, RunCollectorAction.Request::new));
        assertNotEquals(run, bounded);
        assertThat(
                new RunCollectorAction.Request("prod", org.opensearch.common.unit.TimeValue.timeValueMinutes(11))
                        .validate()
                        .getMessage(),
                containsString("[wait] must be a duration from 0s to 10m"));
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> RunCollectorAction.parseWait("soon"))
                        .getMessage(),
                containsString("[wait] must be a duration from 0s to 10m, such as 30s, found [soon]"));
        assertNull(run.validate());
        assertNotNull(new RunCollectorAction.Request("").validate());
    }

    public void testDestinationRequestsRoundTripAndValidation() throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance", "gitlab-acme");
        if (randomBoolean()) body.put("scopes", List.of("acme", "partner/shared"));
        PutDestinationAction.Request put = new PutDestinationAction.Request("acme-group", body);
        PutDestinationAction.Request read = copy(put, PutDestinationAction.Request::new);
        assertEquals(put, read);
        assertEquals(put.config(), read.config());
        assertNull(read.validate());
        Map<String, Object> badScope = new LinkedHashMap<>(body);
        badScope.put("scopes", List.of("acme", "/acme//web"));
        assertThat(
                new PutDestinationAction.Request("acme-group", badScope)
                        .validate()
                        .getMessage(),
                containsString("[scopes][1]"));
        assertThat(
                new PutDestinationAction.Request("acme-group", Map.of("scopes", List.of("acme")))
                        .validate()
                        .getMessage(),
                containsString("[instance]"));
        assertThat(
                new PutDestinationAction.Request("acme-group", Map.of("instance", "x", "token", "t"))
                        .validate()
                        .getMessage(),
                containsString("[token] is not a destination parameter"));
        assertThat(new PutDestinationAction.Request("a.b", body).validate().getMessage(), containsString("[name]"));
        assertThat(
                new PutDestinationAction.Request("default", body).validate().getMessage(),
                containsString("devops_audit.gitlab.streaming_token"));

        GetDestinationAction.Request get = new GetDestinationAction.Request(maybe("acme-group"));
        assertEquals(get, copy(get, GetDestinationAction.Request::new));
        assertNull(get.validate());
        assertNotNull(new GetDestinationAction.Request("A!").validate());
        DeleteDestinationAction.Request delete = new DeleteDestinationAction.Request("acme-group");
        assertEquals(delete, copy(delete, DeleteDestinationAction.Request::new));
        assertNull(delete.validate());
        assertThat(new DeleteDestinationAction.Request("Acme!").validate().getMessage(), containsString("[name]"));
    }
}
