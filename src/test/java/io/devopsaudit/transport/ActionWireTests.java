/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import io.devopsaudit.collect.DeleteCollectorAction;
import io.devopsaudit.collect.GetCollectorAction;
import io.devopsaudit.collect.PutCollectorAction;
import io.devopsaudit.collect.RunCollectorAction;
import io.devopsaudit.content.GetContentAction;
import io.devopsaudit.content.GetSetupAction;
import io.devopsaudit.content.PutSetupAction;
import io.devopsaudit.content.SetupParameters;
import io.devopsaudit.intake.DeleteDestinationAction;
import io.devopsaudit.intake.GetDestinationAction;
import io.devopsaudit.intake.ImportAction;
import io.devopsaudit.intake.PutDestinationAction;
import io.devopsaudit.intake.StreamAction;
import io.devopsaudit.investigate.AccessReport;
import io.devopsaudit.investigate.AccessReportAction;
import io.devopsaudit.investigate.ContextAction;
import io.devopsaudit.investigate.Export;
import io.devopsaudit.investigate.ExportAction;
import io.devopsaudit.retention.GetRetentionAction;
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
                randomBoolean() ? null : randomIntBetween(1, 36500),
                maybe("channel-" + randomAlphaOfLength(4)),
                maybe("https://dash.example.com"),
                randomBoolean() ? null : strings(),
                randomBoolean() ? null : Map.of("DA-GL-011", "high", "ACME-1", "low"));
        PutSetupAction.Request put = new PutSetupAction.Request(p);
        PutSetupAction.Request read = copy(put, PutSetupAction.Request::new);
        assertEquals(put, read);
        assertEquals(p, read.parameters());
        assertNull(read.validate());
        copy(new GetSetupAction.Request(), GetSetupAction.Request::new);
    }

    public void testSetupRequestValidatesRangesThatAParsedBodyWouldHaveRefused() {
        SetupParameters bad = new SetupParameters(11, null, null, null, null, null, null, null, null);
        ActionRequestValidationException e = new PutSetupAction.Request(bad).validate();
        assertNotNull(e);
        assertThat(e.getMessage(), containsString("[replicas] must be a whole number from 0 to 10, found [11]"));
        assertThat(
                new PutSetupAction.Request(
                                new SetupParameters(null, null, null, null, null, "bad id!", null, null, null))
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
        copy(new GetRetentionAction.Request(), GetRetentionAction.Request::new);
    }

    public void testIntakeRequestsRoundTripAndNameTheAuditIndices() throws IOException {
        BytesArray body = new BytesArray(randomAlphaOfLengthBetween(1, 200).getBytes(StandardCharsets.UTF_8));
        ImportAction.Request imp = new ImportAction.Request(
                maybe("gitlab_csv"), "devops-audit", randomBoolean(), body, maybe("gitlab-acme"));
        assertEquals(imp, copy(imp, ImportAction.Request::new));
        assertNull(imp.validate());
        assertAuditIndices(imp, "devops-audit-incoming", "devops-audit-*");
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
        assertAuditIndices(stream, "devops-audit-incoming", "devops-audit-*");
        StreamAction.Request fromDestination =
                new StreamAction.Request(body, maybe("user_created"), maybe("gitlab-acme"), "acme-group");
        StreamAction.Request fromDestinationRead = copy(fromDestination, StreamAction.Request::new);
        assertEquals(fromDestination, fromDestinationRead);
        assertNotEquals(stream, new StreamAction.Request(body, null, null, "acme-group"));
        assertNull(fromDestinationRead.validate());
        assertThat(new StreamAction.Request(body, null, null, "a.b").validate().getMessage(), containsString("[name]"));
    }

    public void testInvestigationRequestsRoundTripAndNameTheEventIndices() throws IOException {
        Instant to = Instant.ofEpochSecond(
                randomLongBetween(1_500_000_000L, 1_900_000_000L), randomIntBetween(0, 999_999_999));
        AccessReport.Params p = new AccessReport.Params(
                "acme/" + randomAlphaOfLength(5),
                to.minusSeconds(randomIntBetween(0, 100_000)),
                to,
                strings(),
                strings(),
                List.of("192.0.2.0/24"),
                strings(),
                strings(),
                randomBoolean(),
                randomBoolean(),
                Set.copyOf(strings()));
        AccessReportAction.Request report = new AccessReportAction.Request(p);
        AccessReportAction.Request read = copy(report, AccessReportAction.Request::new);
        assertEquals(report, read);
        assertNull(read.validate());
        assertAuditIndices(report, "devops-audit-incoming", "devops-audit-gitlab-*", "devops-audit-circleci-*");
        AccessReport.Params backwards = new AccessReport.Params(
                "acme",
                to,
                to.minusSeconds(1),
                List.of(),
                List.of(),
                List.of("not-a-cidr"),
                List.of(),
                List.of(),
                false,
                false,
                Set.of());
        assertThat(
                new AccessReportAction.Request(backwards).validate().getMessage(),
                containsString("[from] must not be after [to]"));

        ContextAction.Request context = new ContextAction.Request(
                randomAlphaOfLength(12),
                TimeValue.timeValueMinutes(randomIntBetween(0, 600)),
                TimeValue.timeValueHours(randomIntBetween(0, 48)));
        assertEquals(context, copy(context, ContextAction.Request::new));
        assertNull(context.validate());
        assertAuditIndices(context, "devops-audit-incoming", "devops-audit-gitlab-*", "devops-audit-circleci-*");
        ActionRequestValidationException e =
                new ContextAction.Request(null, TimeValue.timeValueDays(400), TimeValue.ZERO).validate();
        assertThat(e.getMessage(), containsString("[id] is required"));
        assertThat(e.getMessage(), containsString("[before] must be a duration"));

        Export.Params ep = new Export.Params(
                List.of("acme/web", "acme/api"),
                to.minusSeconds(3600),
                to,
                List.of("mallory"),
                List.of("repository"),
                List.of(),
                List.of("192.0.2.0/24"),
                List.of("example.com"),
                List.of("bot"),
                randomBoolean(),
                Set.of("mallory"),
                randomBoolean());
        ExportAction.Request export = new ExportAction.Request(ep);
        ExportAction.Request exportRead = copy(export, ExportAction.Request::new);
        assertEquals(export, exportRead);
        assertNull(exportRead.validate());
        assertAuditIndices(export, "devops-audit-incoming", "devops-audit-gitlab-*", "devops-audit-circleci-*");
        Export.Params noScope = new Export.Params(
                List.of(),
                to,
                to.minusSeconds(1),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                false,
                Set.of(),
                false);
        String m = new ExportAction.Request(noScope).validate().getMessage();
        assertThat(m, containsString("[scope] is required"));
        ExportAction.Response body = new ExportAction.Response(new BytesArray("a,b\n"), true, 1);
        assertEquals(body, copy(body, ExportAction.Response::new));
    }

    public void testReportResponsesKeepTheirOrderAndNesting() throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("zeta", 1L);
        report.put("alpha", List.of(Map.of("index", "devops-audit-gitlab-2019.01", "docs", 3L)));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("b", "x");
        nested.put("a", null);
        report.put("nested", nested);
        RunRetentionAction.Response response = new RunRetentionAction.Response(report);
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            response.writeTo(out);
            RunRetentionAction.Response read = RunRetentionAction.INSTANCE
                    .getResponseReader()
                    .read(out.bytes().streamInput());
            assertEquals(response, read);
            assertEquals(
                    List.of("zeta", "alpha", "nested"),
                    List.copyOf(read.report().keySet()));
            assertEquals(
                    List.of("b", "a"), List.copyOf(((Map<?, ?>) read.report().get("nested")).keySet()));
        }
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
