/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.golden.GoldenCases;
import io.devopsaudit.testdata.AuditEventGenerator;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.opensearch.client.Request;
import org.opensearch.client.RequestOptions;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.test.rest.yaml.ObjectPath;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.Matchers.containsString;

/**
 * The GitLab streaming receiver on the real node: disabled without a keystore token, 401 for anything but the
 * token, rotation through the keystore and reload_secure_settings, redeliveries collapse, bad bodies kept and
 * answered 400, limits answered 413, and several concurrent senders and importers lose nothing and duplicate nothing.
 */
public class StreamIT extends DevopsAuditRestTestCase {

    static final String SETTING = "devops_audit.gitlab.streaming_token";

    static void keystore(String value) throws Exception {
        keystoreSet(SETTING, value);
    }

    /** Sets (or with null removes) a secure setting in the real node's keystore and reloads secure settings. */
    static void keystoreSet(String setting, String value) throws Exception {
        if (value == null) {
            cli(null, 120, "node-keystore", "--home", nodeHome(), setting, "--remove");
        } else {
            cli(value, 120, "node-keystore", "--home", nodeHome(), setting);
        }
        call("POST", "/_nodes/reload_secure_settings", "{}");
    }

    static Response send(String token, String contentType, String body, String eventTypeHeader) throws Exception {
        Request r = new Request("POST", "/_plugins/devops_audit/_stream/gitlab");
        RequestOptions.Builder o = RequestOptions.DEFAULT.toBuilder();
        if (token != null) o.addHeader("X-Gitlab-Event-Streaming-Token", token);
        if (eventTypeHeader != null) o.addHeader("X-Gitlab-Audit-Event-Type", eventTypeHeader);
        r.setOptions(o);
        r.setEntity(new StringEntity(body, ContentType.parse(contentType)));
        return client().performRequest(r);
    }

    static int status(String token, String body) {
        try {
            return send(token, "application/json", body, null).getStatusLine().getStatusCode();
        } catch (ResponseException e) {
            return e.getResponse().getStatusLine().getStatusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static long count(String indices) throws Exception {
        client().performRequest(
                        new Request("POST", "/" + indices + "/_refresh?ignore_unavailable=true&allow_no_indices=true"));
        return ((Number) call("GET", "/" + indices + "/_count?ignore_unavailable=true&allow_no_indices=true", null)
                        .get("count"))
                .longValue();
    }

    public void testTheReceiver() throws Exception {
        SetupIT.setup();
        String event = GoldenCases.read(GoldenCases.root().resolve("gitlab_stream/integer_id.json"));

        keystore(null);
        ResponseException disabled =
                expectThrows(ResponseException.class, () -> send("anything", "application/json", event, null));
        assertEquals(403, disabled.getResponse().getStatusLine().getStatusCode());
        assertThat(
                disabled.getMessage(),
                containsString(
                        "streaming is disabled: no devops_audit.gitlab.streaming_token in the OpenSearch keystore"));

        String token = "s3cr3t-t0ken-" + randomAlphaOfLength(8);
        keystore(token);
        for (String wrong :
                new String[] {null, "", "nope", token.substring(1), token + "x", token.toUpperCase(Locale.ROOT)}) {
            assertEquals("token [" + wrong + "]", 401, status(wrong, event));
        }
        ResponseException unauthorized =
                expectThrows(ResponseException.class, () -> send("nope", "application/json", event, null));
        assertEquals(
                "{\"error\":\"unauthorized\",\"status\":401}",
                new String(unauthorized.getResponse().getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("nothing indexed by refused requests", 0, count("devops-audit-gitlab-*"));

        assertEquals(200, status(token, event));
        assertEquals(200, status(token, event)); // a redelivery
        assertEquals(1, count("devops-audit-gitlab-*"));

        // batch mode: a JSON array, with the same event again and a stream-only event redelivered with a new UUID
        String uuid = GoldenCases.read(GoldenCases.root().resolve("gitlab_stream/uuid_id_stream_only.json"));
        String redelivered =
                uuid.replace("5f0b7d3c-8a6e-4d52-9c1e-2b7a4f6d9e10", "0d8f2a61-1111-4222-8333-944455556666");
        Map<String, Object> batch =
                entityAsMap(send(token, "application/json", "[" + event + "," + uuid + "," + redelivered + "]", null));
        assertEquals(3, batch.get("received"));
        assertEquals(2, count("devops-audit-gitlab-*"));

        // the event-type header is only a hint, used when the body names no event
        String nameless =
                "{\"id\":777,\"author_id\":7,\"entity_id\":12,\"entity_type\":\"Project\",\"created_at\":\"2024-03-20T10:00:00Z\",\"details\":{}}";
        send(token, "application/json", nameless, "deploy_key_added");
        Map<String, Object> doc = call("GET", "/devops-audit-gitlab-2024.03/_doc/gitlab:777", null);
        assertEquals("deploy_key_added", ObjectPath.evaluate(doc, "_source.event.action"));

        // rotation: the old token stops working, the new one works
        String rotated = "r0tated-" + randomAlphaOfLength(12);
        keystore(rotated);
        assertEquals(401, status(token, event));
        assertEquals(200, status(rotated, event));

        // a malformed body: 400 with the reason, and the raw body kept in the dead-letter index
        long deadBefore = count("devops-audit-failed-*");
        ResponseException bad = expectThrows(
                ResponseException.class, () -> send(rotated, "application/json", "{\"id\": 1, \"oops\"", null));
        assertEquals(400, bad.getResponse().getStatusLine().getStatusCode());
        assertThat(bad.getMessage(), containsString("[gitlab_stream] the body is not JSON at offset"));
        assertEquals(deadBefore + 1, count("devops-audit-failed-*"));

        // GitLab's default Content-Type is refused by OpenSearch's REST layer itself (docs/intake.md: set Content-Type:
        // application/json)
        ResponseException form = expectThrows(
                ResponseException.class, () -> send(rotated, "application/x-www-form-urlencoded", event, null));
        assertEquals(406, form.getResponse().getStatusLine().getStatusCode());

        // limits: 413 with a clear message
        call("PUT", "/_cluster/settings", "{\"transient\":{\"devops_audit.stream.max_events\":2}}");
        try {
            ResponseException tooMany = expectThrows(
                    ResponseException.class,
                    () -> send(rotated, "application/json", "[" + event + "," + event + "," + event + "]", null));
            assertEquals(413, tooMany.getResponse().getStatusLine().getStatusCode());
            assertThat(
                    tooMany.getMessage(),
                    containsString("the batch has 3 events, more than devops_audit.stream.max_events (2)"));
        } finally {
            call("PUT", "/_cluster/settings", "{\"transient\":{\"devops_audit.stream.max_events\":null}}");
        }
        ResponseException deep = expectThrows(
                ResponseException.class,
                () -> send(rotated, "application/json", "{\"a\":".repeat(40) + "1" + "}".repeat(40), null));
        assertEquals(413, deep.getResponse().getStatusLine().getStatusCode());
    }

    /** Four senders at once on loopback — two streaming, two importing, over overlapping ids — then exactly one document per event. */
    public void testConcurrentStreamingAndImportLoseNothingAndDuplicateNothing() throws Exception {
        SetupIT.setup();
        String token = "concurrent-" + randomAlphaOfLength(10);
        keystore(token);
        AuditEventGenerator gen = new AuditEventGenerator(random().nextLong());
        List<AuditEventGenerator.Event> events = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) events.add(gen.gitlab(5_000_000L + i));
        Set<String> keys = new HashSet<>();
        events.forEach(e -> keys.add(e.key()));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int sender = 0; sender < 2; sender++) {
                final int offset = sender * 500;
                jobs.add(pool.submit(() -> {
                    for (int i = 0; i < 1_500; i += 50) { // overlapping ranges, batches of 50 stream bodies
                        StringBuilder b = new StringBuilder("[");
                        for (int k = i; k < i + 50; k++) {
                            if (k > i) b.append(',');
                            b.append(events.get((offset + k) % events.size())
                                    .renderings()
                                    .get(1));
                        }
                        assertEquals(200, status(token, b.append(']').toString()));
                    }
                    return null;
                }));
            }
            for (int importer = 0; importer < 2; importer++) {
                final int offset = importer * 700;
                jobs.add(pool.submit(() -> {
                    StringBuilder ndjson = new StringBuilder();
                    for (int k = 0; k < 1_300; k++)
                        ndjson.append(events.get((offset + k) % events.size())
                                        .renderings()
                                        .get(0))
                                .append('\n');
                    Map<String, Object> r = ImportIT.importText("?format=gitlab_api", ndjson.toString());
                    assertEquals(r.toString(), 0, r.get("failed"));
                    return null;
                }));
            }
            for (Future<?> f : jobs) f.get(5, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        Set<Integer> covered = new HashSet<>();
        for (int s = 0; s < 2; s++) for (int k = 0; k < 1_500; k++) covered.add((s * 500 + k) % 2_000);
        for (int s = 0; s < 2; s++) for (int k = 0; k < 1_300; k++) covered.add((s * 700 + k) % 2_000);
        assertEquals((long) covered.size(), count("devops-audit-gitlab-*"));
        assertEquals("the generator made distinct events", 2_000, keys.size());
    }
}
