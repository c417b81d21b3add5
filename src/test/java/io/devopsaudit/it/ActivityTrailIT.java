/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.parse.JsonText;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

/**
 * The investigation trail on the real node (no Security plugin, so no user): each access report, context lookup and
 * export, answered or refused as a bad request, leaves exactly one record in {@code devops-audit-activity-<yyyy.MM>};
 * an export's {@code X-Devops-Audit-Sha256} is the SHA-256 of the body received and its record carries the same
 * value; retention deletes the trail's expired months like event months.
 */
public class ActivityTrailIT extends DevopsAuditRestTestCase {
    static final String BASE = "/_plugins/devops_audit/";

    /** Every record of the trail, oldest first. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> records() throws Exception {
        call("POST", "/devops-audit-activity-*/_refresh?allow_no_indices=true", null);
        Map<String, Object> r = call(
                "POST",
                "/devops-audit-activity-*/_search?allow_no_indices=true",
                "{\"size\":100,\"sort\":[{\"@timestamp\":\"asc\"}],\"track_total_hits\":true}");
        return ((List<Map<String, Object>>) ((Map<String, Object>) r.get("hits")).get("hits"))
                .stream().map(h -> (Map<String, Object>) h.get("_source")).collect(Collectors.toList());
    }

    /** The records added since {@code before} of them: exactly one is expected per call. */
    static Map<String, Object> onlyNewRecord(int before) throws Exception {
        List<Map<String, Object>> all = records();
        assertEquals("one record per call: " + all, before + 1, all.size());
        return all.get(before);
    }

    @SuppressWarnings("unchecked")
    static Object get(Map<String, Object> doc, String path) {
        Object v = doc;
        for (String part : path.split("\\.")) {
            v = v instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(part) : null;
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parameters(Map<String, Object> record) {
        return (Map<String, Object>)
                JsonText.parse("trail", "parameters", (String) get(record, "investigation.parameters"));
    }

    static int status(Request request) throws Exception {
        try {
            return client().performRequest(request).getStatusLine().getStatusCode();
        } catch (ResponseException e) {
            return e.getResponse().getStatusLine().getStatusCode();
        }
    }

    public void testEveryInvestigationLeavesOneExactRecord() throws Exception {
        InvestigateIT.load();
        assertEquals("loading events is not an investigation", 0, records().size());

        // an access report
        String reportBody = "{\"scope\":\"acme/web\"," + ExportIT.WINDOW + "}";
        Map<String, Object> report = call("POST", BASE + "_access_report", reportBody);
        Map<String, Object> r = onlyNewRecord(0);
        assertEquals("access_report", get(r, "event.action"));
        assertEquals("success", get(r, "event.outcome"));
        assertEquals(
                ((Number) report.get("accesses")).longValue(), ((Number) get(r, "investigation.events")).longValue());
        assertEquals(0L, ((Number) get(r, "investigation.rows")).longValue());
        assertEquals(JsonText.parse("test", "body", reportBody), parameters(r));
        assertNull("no Security plugin: no user", r.get("user"));
        assertNotNull(r.get("@timestamp"));

        // the CSV form of the report: its rows are what was handed over
        Request csvReport = new Request("POST", BASE + "_access_report?format=csv");
        csvReport.setJsonEntity(reportBody);
        String csvText = ExportIT.text(client().performRequest(csvReport));
        r = onlyNewRecord(1);
        assertEquals("csv", parameters(r).get("format"));
        assertEquals(
                "the CSV's data lines",
                csvText.split("\n").length - 1,
                ((Number) get(r, "investigation.rows")).longValue());

        // a context lookup
        Map<String, Object> context = call("GET", BASE + "_context/gitlab:1?before=5m", null);
        r = onlyNewRecord(2);
        assertEquals("context", get(r, "event.action"));
        assertEquals("success", get(r, "event.outcome"));
        assertEquals(Map.of("id", "gitlab:1", "before", "5m"), parameters(r));
        assertEquals(
                ((Number) context.get("total")).longValue(), ((Number) get(r, "investigation.events")).longValue());

        // an export: the header is the SHA-256 of the exact body received, and the record says the same
        String exportBody = "{\"scope\":[\"acme/web\",\"acme/api\"]," + ExportIT.WINDOW + "}";
        Response export = ExportIT.export("csv", exportBody);
        byte[] bytes = export.getEntity().getContent().readAllBytes();
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertEquals(sha256, export.getHeader("X-Devops-Audit-Sha256"));
        r = onlyNewRecord(3);
        assertEquals("export", get(r, "event.action"));
        assertEquals("success", get(r, "event.outcome"));
        assertEquals(sha256, get(r, "file.hash.sha256"));
        assertEquals((long) bytes.length, ((Number) get(r, "file.size")).longValue());
        long events = Long.parseLong(export.getHeader("X-Devops-Audit-Events"));
        assertEquals(ExportIT.expected(a -> true).size(), events);
        assertEquals(events, ((Number) get(r, "investigation.events")).longValue());
        @SuppressWarnings("unchecked")
        Map<String, Object> asked =
                new LinkedHashMap<>((Map<String, Object>) JsonText.parse("test", "body", exportBody));
        asked.put("format", "csv");
        assertEquals(asked, parameters(r));

        // bad requests, refused before any search: each leaves one record of the refusal with what was asked
        Request noScope = new Request("POST", BASE + "_export");
        noScope.setJsonEntity("{\"scope\":[]}");
        assertEquals(400, status(noScope));
        r = onlyNewRecord(4);
        assertEquals("export", get(r, "event.action"));
        assertEquals("failure", get(r, "event.outcome"));
        assertEquals(400, ((Number) get(r, "http.response.status_code")).intValue());
        assertThat((String) get(r, "error.message"), containsString("[scope] is required"));
        assertEquals(Map.of("scope", List.of()), parameters(r));
        assertNull("nothing was handed over", get(r, "investigation.events"));
        assertNull(get(r, "file"));

        Request badDuration = new Request("GET", BASE + "_context/gitlab:1?before=soon&colour=red");
        assertEquals("a URL parameter the route does not take", 400, status(badDuration));
        r = onlyNewRecord(5);
        assertEquals("context", get(r, "event.action"));
        assertEquals("failure", get(r, "event.outcome"));
        assertThat((String) get(r, "error.message"), containsString("unknown URL parameter [colour]"));
        assertEquals(Map.of("id", "gitlab:1", "before", "soon", "colour", "red"), parameters(r));

        Request notJson = new Request("POST", BASE + "_access_report");
        notJson.setJsonEntity("{\"scope\": acme");
        assertEquals(400, status(notJson));
        r = onlyNewRecord(6);
        assertEquals("access_report", get(r, "event.action"));
        assertEquals("failure", get(r, "event.outcome"));
        assertThat((String) get(r, "error.message"), startsWith("the request body is not valid JSON"));
        assertEquals("the unreadable body is kept as text", Map.of("body", "{\"scope\": acme"), parameters(r));

        Request badFormat = new Request("POST", BASE + "_access_report?format=xml");
        badFormat.setJsonEntity(reportBody);
        assertEquals(400, status(badFormat));
        r = onlyNewRecord(7);
        assertThat((String) get(r, "error.message"), containsString("[format] must be json or csv"));

        // the trail's month index has the shipped mapping (strict), whatever wrote it
        Map<String, Object> mapping = call("GET", "/devops-audit-activity-*/_mapping", null);
        assertThat(mapping.toString(), containsString("dynamic=strict"));
    }

    public void testRetentionDeletesExpiredTrailMonthsLikeEventMonths() throws Exception {
        SetupIT.setup();
        call("PUT", "/devops-audit-activity-2001.01", "{\"settings\":{\"number_of_replicas\":0}}");
        call("PUT", "/devops-audit-gitlab-2001.01", "{\"settings\":{\"number_of_replicas\":0}}");
        call("POST", BASE + "_access_report", "{\"scope\":\"acme/web\"}"); // this month's trail
        Map<String, Object> dry = call("POST", BASE + "_retention/_run?dry_run=true", null);
        assertThat(dry.get("would_delete").toString(), containsString("index=devops-audit-activity-2001.01"));
        assertThat(dry.get("would_delete").toString(), containsString("kind=activity"));
        Map<String, Object> run = call("POST", BASE + "_retention/_run", null);
        assertThat(run.get("deleted").toString(), containsString("devops-audit-activity-2001.01"));
        assertThat(run.get("deleted").toString(), containsString("devops-audit-gitlab-2001.01"));
        assertEquals(404, status(new Request("HEAD", "/devops-audit-activity-2001.01")));
        assertEquals("this month's trail is kept", 1, records().size());
    }
}
