/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.secure;

import io.devopsaudit.content.SetupService;
import io.devopsaudit.schema.IndexNames;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.junit.Before;
import org.opensearch.client.Request;
import org.opensearch.client.RequestOptions;
import org.opensearch.client.RestClient;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;

/**
 * Every devops-audit route × {admin, analyst, stream writer, reader, a user with no role, anonymous} on the real
 * Security plugin, with the shipped roles installed as they are: the expected status AND the effect — on a denial
 * nothing is deleted, written or changed; where allowed, the work is done.
 */
public class SecuredRouteMatrixIT extends SecuredNodeTestCase {

    static final String ADMIN_USER = "da-admin";
    static final String ANALYST = "da-analyst";
    static final String STREAM_WRITER = "da-stream";
    static final String READER = "da-reader";
    static final String NO_ROLE = "da-norole";
    static final String ANONYMOUS = "(anonymous)";
    static final List<String> NAMED_USERS = List.of(ADMIN_USER, ANALYST, STREAM_WRITER, READER, NO_ROLE);
    static final String BASE = "/_plugins/devops_audit";

    /** Users and shipped roles are created once per JVM; the node keeps them between tests. */
    private static final Map<String, String> PASSWORDS = new LinkedHashMap<>();

    @Before
    public void installRolesAndUsers() throws IOException {
        synchronized (PASSWORDS) {
            if (PASSWORDS.isEmpty() == false) return;
            Map<String, Object> roles = SetupService.resource("security-roles.json");
            for (Map.Entry<String, Object> role : roles.entrySet()) {
                createRole(role.getKey(), json(role.getValue()));
            }
            Map<String, String> roleOf = Map.of(
                    ADMIN_USER,
                    "devops_audit_admin",
                    ANALYST,
                    "devops_audit_analyst",
                    STREAM_WRITER,
                    "devops_audit_stream_writer",
                    READER,
                    "devops_audit_reader");
            for (String user : NAMED_USERS) {
                String password = strongPassword();
                if (roleOf.containsKey(user)) {
                    createUserWithRoles(user, password, roleOf.get(user));
                } else {
                    createUser(user, password);
                }
                PASSWORDS.put(user, password);
            }
            // the admin role alone is enough to install the content the other routes need
            assertEquals(200, status(as(ADMIN_USER), json("PUT", BASE + "/_setup", "{\"replicas\": 0}")));
        }
    }

    private RestClient as(String user) {
        return user.equals(ANONYMOUS) ? anonymousClient() : clientAs(user, PASSWORDS.get(user));
    }

    private static Request json(String method, String endpoint, String body) {
        Request r = new Request(method, endpoint);
        if (body != null) r.setJsonEntity(body);
        return r;
    }

    private static String json(Object value) throws IOException {
        try (var b = JsonXContent.contentBuilder()) {
            b.value(value);
            return BytesReference.bytes(b).utf8ToString();
        }
    }

    /** Sends a fresh copy of the request as each user and checks each status; returns nothing so effects are checked apart. */
    private void expectStatuses(Supplier<Request> request, Map<String, Integer> expected) throws IOException {
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            Request r = request.get();
            assertEquals(
                    e.getKey() + " " + r.getMethod() + " " + r.getEndpoint(),
                    (int) e.getValue(),
                    status(as(e.getKey()), r));
        }
    }

    private static Map<String, Integer> only(int allowed, int denied, String... allowedUsers) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String user : NAMED_USERS) m.put(user, List.of(allowedUsers).contains(user) ? allowed : denied);
        m.put(ANONYMOUS, 401);
        return m;
    }

    private static boolean exists(String endpoint) throws IOException {
        return status(client(), new Request("HEAD", endpoint)) == 200;
    }

    /** Documents of one test scope, counted as the super admin after a refresh. */
    private static long storedIn(String scope) throws IOException {
        status(client(), new Request("POST", "/devops-audit-*/_refresh"));
        Request count = json(
                "POST",
                "/devops-audit-*/_count?ignore_unavailable=true",
                "{\"query\": {\"term\": {\"audit.scope.path\": \"" + scope + "\"}}}");
        return ((Number) entityAsMap(client().performRequest(count)).get("count")).longValue();
    }

    /** A GitLab API audit event (a repository download: an access) in its own scope, now. */
    private static String event(long id, String scope) {
        return "{\"id\": " + id
                + ", \"author_id\": 7, \"entity_id\": 12, \"entity_type\": \"Project\", \"event_name\": "
                + "\"repository_download_operation\", \"details\": {\"author_name\": \"mallory\", \"target_type\": \"Project\", \"target_details\": \""
                + scope + "\", \"ip_address\": \"203.0.113.9\", \"entity_path\": \"" + scope + "\"}, \"created_at\": \""
                + Instant.now().minusSeconds(60) + "\"}";
    }

    private static Request importRequest(String body) {
        Request r = new Request("POST", BASE + "/_import?format=gitlab_api");
        r.setEntity(new StringEntity(body, ContentType.create("application/x-ndjson")));
        return r;
    }

    private static Request streamRequest(String body, String token) {
        Request r = json("POST", BASE + "/_stream/gitlab", body);
        RequestOptions.Builder o = RequestOptions.DEFAULT.toBuilder();
        o.addHeader("X-Gitlab-Event-Streaming-Token", token);
        r.setOptions(o);
        return r;
    }

    /**
     * With no audit index at all, the Security plugin allows a request whose wildcards match nothing to any user: the
     * requests also name one concrete index, so a fresh cluster is no loophole.
     */
    public void testNoAuditIndexIsNoLoophole() throws IOException {
        assertOK(client().performRequest(
                        new Request("DELETE", "/devops-audit-*?expand_wildcards=all&allow_no_indices=true")));
        String scope = "secure-matrix/empty-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        String body = event(randomLongBetween(1_000_000, 9_000_000), scope);
        Map<String, Integer> denied = only(200, 403, ADMIN_USER);
        denied.remove(ADMIN_USER);
        expectStatuses(() -> importRequest(body), denied);
        expectStatuses(
                () -> json("POST", BASE + "/_access_report", "{\"scope\": \"" + scope + "\"}"),
                only(200, 403, ADMIN_USER, ANALYST));
        expectStatuses(
                () -> new Request("GET", BASE + "/_context/gitlab:1"),
                Map.of(STREAM_WRITER, 403, READER, 403, NO_ROLE, 403));
        assertEquals("nothing was written by a denied user", 0, storedIn(scope));
    }

    public void testSetupAndContent() throws IOException {
        // a denied setup must not (re)create anything: remove the pipeline first, as the super admin
        assertOK(client().performRequest(new Request("DELETE", "/_ingest/pipeline/devops-audit")));
        Map<String, Integer> setup = only(200, 403, ADMIN_USER);
        setup.remove(ADMIN_USER);
        expectStatuses(() -> json("PUT", BASE + "/_setup", "{\"replicas\": 0}"), setup);
        assertEquals(
                "a denied setup wrote the pipeline",
                404,
                status(client(), new Request("GET", "/_ingest/pipeline/devops-audit")));
        assertEquals(200, status(as(ADMIN_USER), json("PUT", BASE + "/_setup", "{\"replicas\": 0}")));
        assertEquals(200, status(client(), new Request("GET", "/_ingest/pipeline/devops-audit")));

        expectStatuses(() -> new Request("GET", BASE + "/_setup"), only(200, 403, ADMIN_USER));
        expectStatuses(() -> new Request("GET", BASE + "/_content/monitors"), only(200, 403, ADMIN_USER, ANALYST));
    }

    @SuppressWarnings("unchecked")
    public void testRetention() throws IOException {
        String expired = "devops-audit-gitlab-2001.0" + randomIntBetween(1, 9);
        assertOK(client().performRequest(new Request("PUT", "/" + expired)));
        try {
            expectStatuses(() -> new Request("GET", BASE + "/_retention"), only(200, 403, ADMIN_USER));
            Map<String, Object> view = call(as(ADMIN_USER), "GET", BASE + "/_retention", null);
            List<Object> due = ((List<Map<String, Object>>) view.get("due_next"))
                    .stream().map(m -> m.get("index")).toList();
            assertThat(due, hasItem(expired));

            // PUT: denied users change nothing
            Map<String, Integer> put = only(200, 403, ADMIN_USER);
            put.remove(ADMIN_USER);
            expectStatuses(() -> json("PUT", BASE + "/_retention", "{\"days\": 3001}"), put);
            assertNotEquals("3001", persistentDays());
            assertEquals(200, status(as(ADMIN_USER), json("PUT", BASE + "/_retention", "{\"days\": 3001}")));
            assertEquals("3001", persistentDays());
            assertEquals(200, status(as(ADMIN_USER), json("PUT", BASE + "/_retention", "{\"days\": 2555}")));

            expectStatuses(
                    () -> new Request("POST", BASE + "/_retention/_run?dry_run=true"), only(200, 403, ADMIN_USER));
            assertTrue(exists("/" + expired));

            // a real run: every denied user deletes nothing
            Map<String, Integer> run = only(200, 403, ADMIN_USER);
            run.remove(ADMIN_USER);
            expectStatuses(() -> new Request("POST", BASE + "/_retention/_run?dry_run=false"), run);
            assertTrue("a denied retention run deleted " + expired, exists("/" + expired));

            // allowed to run retention but not to delete the audit indices: 403 and nothing deleted
            String runner = "da-runner";
            String password = strongPassword();
            createRole(
                    "da_retention_runner_no_delete",
                    "{\"cluster_permissions\": [\"cluster:admin/devops_audit/retention/run\"], "
                            + "\"index_permissions\": [{\"index_patterns\": [\"devops-audit-*\"], \"allowed_actions\": [\"indices:monitor/stats\"]}]}");
            createUserWithRoles(runner, password, "da_retention_runner_no_delete");
            PASSWORDS.put(runner, password);
            assertEquals(200, status(as(runner), new Request("POST", BASE + "/_retention/_run?dry_run=true")));
            assertEquals(403, status(as(runner), new Request("POST", BASE + "/_retention/_run?dry_run=false")));
            assertTrue("a caller without delete rights deleted " + expired, exists("/" + expired));

            Map<String, Object> result = call(as(ADMIN_USER), "POST", BASE + "/_retention/_run?dry_run=false", null);
            List<Object> deleted = ((List<Map<String, Object>>) result.get("deleted"))
                    .stream().map(m -> m.get("index")).toList();
            assertThat(deleted, hasItem(expired));
            assertFalse(exists("/" + expired));
        } finally {
            status(client(), new Request("DELETE", "/" + expired));
        }
    }

    @SuppressWarnings("unchecked")
    private static String persistentDays() throws IOException {
        Map<String, Object> settings =
                entityAsMap(client().performRequest(new Request("GET", "/_cluster/settings?flat_settings=true")));
        Object v = ((Map<String, Object>) settings.get("persistent")).get("devops_audit.retention.days");
        return v == null ? null : v.toString();
    }

    public void testImport() throws IOException {
        String scope = "secure-matrix/import-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        String body = event(randomLongBetween(1_000_000, 9_000_000), scope);
        Map<String, Integer> denied = only(200, 403, ADMIN_USER);
        denied.remove(ADMIN_USER);
        expectStatuses(() -> importRequest(body), denied);
        assertEquals("a denied import wrote", 0, storedIn(scope));

        // granted the import action on the audit indices but no bulk write: 403, not a 200 that counts a failure
        String importer = "da-importer";
        String password = strongPassword();
        createRole(
                "da_import_without_bulk",
                "{\"index_permissions\": [{\"index_patterns\": [\"devops-audit-*\"], "
                        + "\"allowed_actions\": [\"indices:data/write/devops_audit/import\"]}]}");
        createUserWithRoles(importer, password, "da_import_without_bulk");
        PASSWORDS.put(importer, password);
        assertEquals(403, status(as(importer), importRequest(body)));
        assertEquals(0, storedIn(scope));

        Map<String, Object> report = entityAsMap(as(ADMIN_USER).performRequest(importRequest(body)));
        assertEquals(1, report.get("indexed"));
        assertEquals(1, storedIn(scope));
    }

    public void testStreamDeliversWithLeastPrivilege() throws IOException {
        String scope = "secure-matrix/stream-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        String body = event(randomLongBetween(1_000_000, 9_000_000), scope);
        Map<String, Integer> expected = only(200, 403, ADMIN_USER, STREAM_WRITER);
        expected.remove(ADMIN_USER);
        expected.remove(STREAM_WRITER);
        expectStatuses(() -> streamRequest(body, streamToken()), expected);
        assertEquals("a denied stream wrote", 0, storedIn(scope));
        assertEquals(
                "a wrong token is refused", 401, status(as(STREAM_WRITER), streamRequest(body, streamToken() + "x")));
        assertEquals(0, storedIn(scope));

        Map<String, Object> delivered =
                entityAsMap(as(STREAM_WRITER).performRequest(streamRequest(body, streamToken())));
        assertEquals(1, delivered.get("indexed"));
        assertEquals(1, storedIn(scope));
        // a redelivery (GitLab delivers at least once) by the admin overwrites the same document
        assertEquals(200, status(as(ADMIN_USER), streamRequest(body, streamToken())));
        assertEquals(1, storedIn(scope));
    }

    @SuppressWarnings("unchecked")
    public void testInvestigation() throws IOException {
        String scope = "secure-matrix/inv-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        assertEquals(200, status(as(ADMIN_USER), importRequest(event(randomLongBetween(1_000_000, 9_000_000), scope))));
        assertEquals(1, storedIn(scope));
        Map<String, Object> hits = entityAsMap(client().performRequest(json(
                "POST",
                "/devops-audit-gitlab-*/_search",
                "{\"query\": {\"term\": {\"audit.scope.path\": \"" + scope + "\"}}}")));
        String id = (String) ((List<Map<String, Object>>) ((Map<String, Object>) hits.get("hits")).get("hits"))
                .get(0)
                .get("_id");

        String reportBody = "{\"scope\": \"" + scope + "\"}";
        expectStatuses(() -> json("POST", BASE + "/_access_report", reportBody), only(200, 403, ADMIN_USER, ANALYST));
        Map<String, Object> report = call(as(ANALYST), "POST", BASE + "/_access_report", reportBody);
        assertEquals(1, report.get("accesses"));
        assertEquals(1, report.get("distinct_users"));

        expectStatuses(() -> new Request("GET", BASE + "/_context/" + id), only(200, 403, ADMIN_USER, ANALYST));
        assertEquals(
                id, call(as(ANALYST), "GET", BASE + "/_context/" + id, null).get("event_id"));

        // the export also opens and deletes a point in time as the caller: the analyst role grants both
        String exportBody = "{\"scope\": \"" + scope + "\"}";
        expectStatuses(() -> json("POST", BASE + "/_export", exportBody), only(200, 403, ADMIN_USER, ANALYST));
        String exported = new String(
                as(ANALYST)
                        .performRequest(json("POST", BASE + "/_export", exportBody))
                        .getEntity()
                        .getContent()
                        .readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(exported, 1, exported.lines().count());
        assertTrue(exported, exported.contains(id));
    }

    /**
     * The access rollup's run is the admin's. A report reads the rollup only as a caller allowed to read it (the shipped
     * analyst is); a caller who may read the events but not the rollup gets the same answer from the events.
     */
    @SuppressWarnings("unchecked")
    public void testAccessRollup() throws IOException {
        String scope = "secure-matrix/rollup-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        // an event of two days ago: a whole day of the default 7-day window, over and quiet
        Instant at =
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS).minus(java.time.Duration.ofHours(36));
        String body = event(randomLongBetween(1_000_000, 9_000_000), scope)
                .replaceFirst("\"created_at\": \"[^\"]+\"", "\"created_at\": \"" + at + "\"");
        assertEquals(200, status(as(ADMIN_USER), importRequest(body)));
        assertEquals(1, storedIn(scope));
        client().performRequest(json(
                "PUT",
                "/_cluster/settings",
                "{\"persistent\": {\"devops_audit.access_rollup.quiet_period\": \"0s\"}}"));
        try {
            expectStatuses(() -> new Request("POST", BASE + "/_access_rollup"), only(200, 403, ADMIN_USER));
            Instant day = at.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
            String reportBody = "{\"scope\": \"" + scope + "\", \"detail\": true, \"from\": \""
                    + day.minus(java.time.Duration.ofDays(1)) + "\", \"to\": \""
                    + day.plus(java.time.Duration.ofDays(2))
                    + "\"}";
            Map<String, Object> analyst = call(as(ANALYST), "POST", BASE + "/_access_report", reportBody);
            assertEquals(analyst.toString(), 1, analyst.get("accesses"));
            assertThat(((Number) analyst.remove("precounted_days")).intValue(), greaterThan(0));

            String reader = "da-events-only";
            String password = strongPassword();
            // the shipped analyst role without its grant on the rollup
            Map<String, Object> role = new LinkedHashMap<>((Map<String, Object>)
                    SetupService.resource("security-roles.json").get("devops_audit_analyst"));
            role.put(
                    "index_permissions",
                    ((List<Map<String, Object>>) role.get("index_permissions"))
                            .stream()
                                    .filter(p ->
                                            ((List<String>) p.get("index_patterns")).contains(IndexNames.ACCESS_ROLLUP)
                                                    == false)
                                    .toList());
            createRole("da_events_without_rollup", json(role));
            createUserWithRoles(reader, password, "da_events_without_rollup");
            PASSWORDS.put(reader, password);
            Map<String, Object> events = call(as(reader), "POST", BASE + "/_access_report", reportBody);
            assertEquals(events.toString(), 0, ((Number) events.remove("precounted_days")).intValue());
            assertEquals(analyst, events);
        } finally {
            client().performRequest(json(
                    "PUT",
                    "/_cluster/settings",
                    "{\"persistent\": {\"devops_audit.access_rollup.quiet_period\": null}}"));
        }
    }

    /**
     * Collectors are admin-only (their polls write as the node). A denied PUT creates nothing, a denied DELETE removes
     * nothing; the admin's run of a collector without a keystore token reports that and calls nobody.
     */
    @SuppressWarnings("unchecked")
    public void testCollectors() throws IOException {
        String name = "matrix-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        String path = BASE + "/_collectors/" + name;
        String body = "{\"type\": \"gitlab\", \"url\": \"http://127.0.0.1:9\", \"scopes\": [{\"instance\": true}], "
                + "\"interval\": \"1h\", \"since\": \"2025-01-01T00:00:00Z\"}";
        Map<String, Integer> put = only(403, 403);
        put.remove(ADMIN_USER);
        expectStatuses(() -> json("PUT", path, body), put);
        assertEquals("a denied PUT creates nothing", 404, status(client(), new Request("GET", path)));
        assertEquals(200, status(as(ADMIN_USER), json("PUT", path, body)));
        expectStatuses(() -> new Request("GET", path), only(200, 403, ADMIN_USER));
        expectStatuses(() -> new Request("GET", BASE + "/_collectors"), only(200, 403, ADMIN_USER));
        Map<String, Integer> run = only(403, 403);
        run.remove(ADMIN_USER);
        expectStatuses(() -> new Request("POST", path + "/_run"), run);
        Map<String, Object> ran = call(as(ADMIN_USER), "POST", path + "/_run", null);
        assertEquals("missing_token", ((Map<String, Object>) ran.get("status")).get("state"));
        Map<String, Integer> delete = only(403, 403);
        delete.remove(ADMIN_USER);
        expectStatuses(() -> new Request("DELETE", path), delete);
        assertEquals("a denied DELETE removes nothing", 200, status(client(), new Request("GET", path)));
        assertEquals(200, status(as(ADMIN_USER), new Request("DELETE", path)));
        assertEquals(404, status(client(), new Request("GET", path)));
    }

    /**
     * The investigation trail under Security: the analyst's report, context lookup, export and bad request are each
     * recorded with the analyst's name (read from the Security plugin's thread context); the analyst cannot read,
     * write or delete the trail, the admin can read it but not write or delete it, and neither changes it.
     */
    @SuppressWarnings("unchecked")
    public void testInvestigationTrail() throws Exception {
        String scope = "secure-matrix/trail-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        assertEquals(200, status(as(ADMIN_USER), importRequest(event(randomLongBetween(1_000_000, 9_000_000), scope))));
        assertEquals(1, storedIn(scope));
        Map<String, Object> hits = entityAsMap(client().performRequest(json(
                "POST",
                "/devops-audit-gitlab-*/_search",
                "{\"query\": {\"term\": {\"audit.scope.path\": \"" + scope + "\"}}}")));
        String id = (String) ((List<Map<String, Object>>) ((Map<String, Object>) hits.get("hits")).get("hits"))
                .get(0)
                .get("_id");
        Instant start = Instant.now().minusSeconds(1);
        String reportBody = "{\"scope\": \"" + scope + "\"}";
        call(as(ANALYST), "POST", BASE + "/_access_report", reportBody);
        call(as(ANALYST), "GET", BASE + "/_context/" + id, null);
        var export = as(ANALYST).performRequest(json("POST", BASE + "/_export", reportBody));
        byte[] bytes = export.getEntity().getContent().readAllBytes();
        String sha256 = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        assertEquals(sha256, export.getHeader("X-Devops-Audit-Sha256"));
        assertEquals(
                400,
                status(
                        as(ANALYST),
                        json("POST", BASE + "/_export", "{\"scope\": \"" + scope + "\", \"from\": \"yesterday\"}")));
        String month = "devops-audit-activity-"
                + java.time.format.DateTimeFormatter.ofPattern("yyyy.MM", Locale.ROOT)
                        .format(Instant.now().atZone(java.time.ZoneOffset.UTC));
        String byAnalyst = "{\"size\": 100, \"sort\": [{\"@timestamp\": \"asc\"}], \"query\": {\"bool\": {\"filter\": ["
                + "{\"term\": {\"user.name\": \"" + ANALYST + "\"}}, {\"range\": {\"@timestamp\": {\"gte\": \"" + start
                + "\"}}}]}}}";
        status(client(), new Request("POST", "/" + month + "/_refresh"));
        List<Map<String, Object>> records = new java.util.ArrayList<>();
        String recordId = null;
        for (Map<String, Object> hit : (List<Map<String, Object>>)
                ((Map<String, Object>) call(as(ADMIN_USER), "POST", "/" + month + "/_search", byAnalyst)
                                .get("hits"))
                        .get("hits")) {
            records.add((Map<String, Object>) hit.get("_source"));
            recordId = (String) hit.get("_id");
        }
        assertEquals(
                "the admin reads the trail: one record per call of the analyst, with the analyst's name",
                List.of("access_report/success", "context/success", "export/success", "export/failure"),
                records.stream()
                        .map(r -> ((Map<String, Object>) r.get("event")).get("action") + "/"
                                + ((Map<String, Object>) r.get("event")).get("outcome"))
                        .toList());
        for (Map<String, Object> r : records) {
            assertEquals(Map.of("name", ANALYST), r.get("user"));
        }
        assertEquals(
                Map.of("sha256", sha256), ((Map<String, Object>) records.get(2).get("file")).get("hash"));
        assertTrue(((Map<String, Object>) records.get(3).get("investigation"))
                .get("parameters")
                .toString()
                .contains("yesterday"));

        long before = trailCount(month);
        for (String user : List.of(ANALYST, STREAM_WRITER, READER, NO_ROLE)) {
            assertEquals(
                    user + " reads the trail", 403, status(as(user), json("POST", "/" + month + "/_search", "{}")));
        }
        for (String user : List.of(ADMIN_USER, ANALYST, STREAM_WRITER, READER, NO_ROLE)) {
            assertEquals(
                    user + " writes a record",
                    403,
                    status(as(user), json("PUT", "/" + month + "/_doc/forged", "{\"user\": {\"name\": \"nobody\"}}")));
            assertEquals(
                    user + " bulk-writes a record",
                    403,
                    bulkItemStatus(
                            as(user),
                            "{\"index\": {\"_index\": \"" + month + "\"}}\n{\"user\": {\"name\": \"nobody\"}}\n"));
            assertEquals(
                    user + " deletes a record",
                    403,
                    status(as(user), new Request("DELETE", "/" + month + "/_doc/" + recordId)));
            assertEquals(
                    user + " updates a record",
                    403,
                    status(
                            as(user),
                            json(
                                    "POST",
                                    "/" + month + "/_update/" + recordId,
                                    "{\"doc\": {\"user\": {\"name\": \"nobody\"}}}")));
            assertEquals(user + " deletes the trail", 403, status(as(user), new Request("DELETE", "/" + month)));
        }
        assertTrue("the trail is still there", exists("/" + month));
        assertEquals("and unchanged", before, trailCount(month));
    }

    private static long trailCount(String index) throws IOException {
        status(client(), new Request("POST", "/" + index + "/_refresh"));
        return ((Number) entityAsMap(client().performRequest(new Request("GET", "/" + index + "/_count")))
                        .get("count"))
                .longValue();
    }

    /**
     * The status of a one-item {@code _bulk}: the request's own when it is refused as a whole, else the item's (a bulk
     * whose item is refused still answers 200).
     */
    @SuppressWarnings("unchecked")
    private static int bulkItemStatus(RestClient client, String ndjson) throws IOException {
        Request r = new Request("POST", "/_bulk");
        r.setEntity(new StringEntity(ndjson, ContentType.create("application/x-ndjson")));
        try {
            Map<String, Object> answer = entityAsMap(client.performRequest(r));
            Map<String, Object> item = ((List<Map<String, Object>>) answer.get("items")).get(0);
            return ((Number) ((Map<String, Object>) item.values().iterator().next()).get("status")).intValue();
        } catch (org.opensearch.client.ResponseException e) {
            return e.getResponse().getStatusLine().getStatusCode();
        }
    }

    /**
     * A collector's token stays with its host under Security too: the admin's collector pointed at plain http to a
     * non-loopback host is a 400 naming [url] (every other user 403), nothing stored; after a run against listener A,
     * the admin cannot point the collector at listener B, and B never receives a request.
     */
    @SuppressWarnings("unchecked")
    public void testCollectorTokenStaysWithItsHost() throws Exception {
        String name = "matrix-bound-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        String path = BASE + "/_collectors/" + name;
        String plain =
                "{\"type\": \"gitlab\", \"url\": \"http://gitlab.example.com\", \"scopes\": [{\"instance\": true}], "
                        + "\"interval\": \"1h\", \"since\": \"2025-01-01T00:00:00Z\"}";
        Map<String, Integer> statuses = only(400, 403, ADMIN_USER);
        expectStatuses(() -> json("PUT", path, plain), statuses);
        assertEquals("nothing stored", 404, status(client(), new Request("GET", path)));

        String key = "devops_audit.collector." + name + ".token";
        String token = "glpat-" + randomAlphaOfLength(20);
        keystoreSet(key, token);
        try (io.devopsaudit.collect.FakeGitlab a = new io.devopsaudit.collect.FakeGitlab(token);
                io.devopsaudit.collect.FakeGitlab b = new io.devopsaudit.collect.FakeGitlab(token)) {
            a.add(1, 3, 0, 0, Instant.now().minusSeconds(60));
            String config = "{\"type\": \"gitlab\", \"url\": \"%s\", \"scopes\": [{\"instance\": true}], "
                    + "\"interval\": \"1h\", \"since\": \"" + Instant.now().minusSeconds(3600) + "\", \"instance\": \""
                    + name
                    + "\"}";
            assertEquals(200, status(as(ADMIN_USER), json("PUT", path, String.format(Locale.ROOT, config, a.url()))));
            Map<String, Object> ran = (Map<String, Object>)
                    call(as(ADMIN_USER), "POST", path + "/_run", null).get("status");
            assertTrue("A received the token", a.tokensSeen.contains(token));
            assertNotEquals(String.valueOf(ran), "host_refused", ran.get("state"));
            int refused = status(as(ADMIN_USER), json("PUT", path, String.format(Locale.ROOT, config, b.url())));
            assertEquals(400, refused);
            assertEquals(
                    a.url(),
                    ((Map<String, Object>) call(client(), "GET", path, null).get("config")).get("url"));
            Map<String, Object> again = (Map<String, Object>)
                    call(as(ADMIN_USER), "POST", path + "/_run", null).get("status");
            assertNotEquals("host_refused", again.get("state"));
            assertEquals("B never received a request", 0, b.requests.get());
        } finally {
            status(client(), new Request("DELETE", path));
            keystoreSet(key, null);
        }
    }
    /** The stored copy of one test scope's event, read as the super admin: index, id, version and source. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> storedEvent(String scope) throws IOException {
        status(client(), new Request("POST", "/devops-audit-*/_refresh"));
        Map<String, Object> hits = entityAsMap(client().performRequest(json(
                "POST",
                "/devops-audit-gitlab-*/_search?version=true",
                "{\"query\": {\"term\": {\"audit.scope.path\": \"" + scope + "\"}}}")));
        List<Map<String, Object>> list =
                (List<Map<String, Object>>) ((Map<String, Object>) hits.get("hits")).get("hits");
        assertEquals(scope, 1, list.size());
        return list.get(0);
    }

    /**
     * The stream writer streams, and that is all: its credentials cannot write around the pipeline. A forged copy with
     * a high external version, a bulk into the event index, an update, a delete, a document with an id of its own and
     * a month index created with {@code _source} disabled are all refused, and the stored event stays as it was.
     */
    @SuppressWarnings("unchecked")
    public void testTheStreamWriterCannotWriteAroundThePipeline() throws IOException {
        String scope = "secure-matrix/forge-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        Map<String, Object> delivered = entityAsMap(as(STREAM_WRITER)
                .performRequest(streamRequest(event(randomLongBetween(1_000_000, 9_000_000), scope), streamToken())));
        assertEquals(1, delivered.get("indexed"));
        Map<String, Object> stored = storedEvent(scope);
        String index = (String) stored.get("_index");
        String id = (String) stored.get("_id");
        Map<String, Object> forgedSource = new LinkedHashMap<>((Map<String, Object>) stored.get("_source"));
        forgedSource.put("message", "forged");
        String forged = json(forgedSource);

        RestClient writer = as(STREAM_WRITER);
        assertEquals(
                "an external version above the stored one",
                403,
                status(
                        writer,
                        json("PUT", "/" + index + "/_doc/" + id + "?version=999&version_type=external", forged)));
        assertEquals(403, status(writer, json("PUT", "/" + index + "/_doc/" + id, forged)));
        assertEquals(403, status(writer, json("POST", "/" + index + "/_doc", forged)));
        Request bulk = new Request("POST", "/_bulk");
        bulk.setEntity(new StringEntity(
                "{\"index\": {\"_index\": \"" + index + "\", \"_id\": \"" + id + "\"}}\n" + forged + "\n"
                        + "{\"create\": {\"_index\": \"" + index + "\", \"_id\": \"forged-" + id + "\"}}\n" + forged
                        + "\n",
                ContentType.create("application/x-ndjson")));
        // the Security plugin answers a bulk item by item: 200, and every item refused with 403
        Map<String, Object> bulkAnswer = entityAsMap(writer.performRequest(bulk));
        assertEquals(bulkAnswer.toString(), true, bulkAnswer.get("errors"));
        List<Map<String, Object>> items = (List<Map<String, Object>>) bulkAnswer.get("items");
        assertEquals(2, items.size());
        for (Map<String, Object> item : items) {
            Map<String, Object> result =
                    (Map<String, Object>) item.values().iterator().next();
            assertEquals("a bulk item into the event index: " + item, 403, result.get("status"));
        }
        assertEquals(
                403,
                status(writer, json("POST", "/" + index + "/_update/" + id, "{\"doc\": {\"message\": \"forged\"}}")));
        assertEquals(403, status(writer, new Request("DELETE", "/" + index + "/_doc/" + id)));
        String nextYear = "devops-audit-gitlab-2099.0" + randomIntBetween(1, 9);
        assertEquals(
                "creating a month index with its own mappings",
                403,
                status(writer, json("PUT", "/" + nextYear, "{\"mappings\": {\"_source\": {\"enabled\": false}}}")));
        assertFalse(exists("/" + nextYear));

        Map<String, Object> after = storedEvent(scope);
        assertEquals("the stored event is unchanged", stored.get("_source"), after.get("_source"));
        assertEquals(stored.get("_version"), after.get("_version"));
        assertEquals(id, after.get("_id"));
        assertEquals(404, status(client(), new Request("GET", "/" + index + "/_doc/forged-" + id)));
    }

    /**
     * GitLab streaming destinations are admin-only routes; a destination's own token delivers its in-scope events
     * with the stream-only user, keeps an event outside its scopes as a dead letter, and is never shown back.
     */
    @SuppressWarnings("unchecked")
    public void testDestinations() throws Exception {
        String name = "matrix-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        String path = BASE + "/_destinations/" + name;
        String scope = "secure-matrix/dest-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        String body = "{\"instance\": \"gitlab-matrix\", \"scopes\": [\"" + scope + "\"]}";
        Map<String, Integer> put = only(403, 403);
        put.remove(ADMIN_USER);
        expectStatuses(() -> json("PUT", path, body), put);
        assertEquals("a denied PUT creates nothing", 404, status(client(), new Request("GET", path)));
        assertEquals(200, status(as(ADMIN_USER), json("PUT", path, body)));
        expectStatuses(() -> new Request("GET", path), only(200, 403, ADMIN_USER));
        expectStatuses(() -> new Request("GET", BASE + "/_destinations"), only(200, 403, ADMIN_USER));

        String setting = "devops_audit.destination." + name + ".token";
        String token = "dest-" + randomAlphaOfLength(24);
        keystoreSet(setting, token);
        try {
            String inside = scope + "/web";
            String outside = "secure-matrix/elsewhere-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
            String batch = "[" + event(randomLongBetween(1_000_000, 9_000_000), inside) + ","
                    + event(randomLongBetween(1_000_000, 9_000_000), outside) + "]";
            long outOfScopeBefore = outOfScopeDeadLetters();
            Map<String, Object> delivered = entityAsMap(as(STREAM_WRITER).performRequest(streamRequest(batch, token)));
            assertEquals(2, delivered.get("received"));
            assertEquals(1, delivered.get("indexed"));
            assertEquals(1, delivered.get("out_of_scope"));
            Map<String, Object> source =
                    (Map<String, Object>) storedEvent(inside).get("_source");
            assertEquals(name, ((Map<String, Object>) source.get("audit")).get("destination"));
            assertEquals("gitlab-matrix", ((Map<String, Object>) source.get("audit")).get("instance"));
            assertEquals(0, storedIn(outside));
            assertEquals(outOfScopeBefore + 1, outOfScopeDeadLetters());

            String shown = EntityUtils.toString(
                    as(ADMIN_USER).performRequest(new Request("GET", path)).getEntity());
            assertFalse("GET shows the token", shown.contains(token));
            assertThat(shown, org.hamcrest.Matchers.containsString("\"configured\""));

            Map<String, Integer> delete = only(403, 403);
            delete.remove(ADMIN_USER);
            expectStatuses(() -> new Request("DELETE", path), delete);
            assertEquals("a denied DELETE removes nothing", 200, status(client(), new Request("GET", path)));
            assertEquals(200, status(as(ADMIN_USER), new Request("DELETE", path)));
            assertEquals(404, status(client(), new Request("GET", path)));
            String later = scope + "/later";
            assertEquals(
                    "a token whose destination is gone delivers nothing",
                    403,
                    status(
                            as(STREAM_WRITER),
                            streamRequest(event(randomLongBetween(1_000_000, 9_000_000), later), token)));
            assertEquals(0, storedIn(later));
        } finally {
            keystoreSet(setting, null);
            status(client(), new Request("DELETE", path));
        }
    }

    private static long outOfScopeDeadLetters() throws IOException {
        status(client(), new Request("POST", "/devops-audit-failed-*/_refresh"));
        Request count = json(
                "POST",
                "/devops-audit-failed-*/_count?ignore_unavailable=true&allow_no_indices=true",
                "{\"query\": {\"term\": {\"event.kind\": \"out_of_scope\"}}}");
        return ((Number) entityAsMap(client().performRequest(count)).get("count")).longValue();
    }
}
