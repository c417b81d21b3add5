/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;
import org.opensearch.test.rest.yaml.ObjectPath;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/**
 * GitLab streaming destinations on the real node: two destinations with their own tokens and scopes, each token
 * identifies its destination (its instance and name on the stored events), events outside a destination's scopes are
 * kept as dead letters and counted, a wrong token is answered 401, the keystore's default token keeps working without
 * a scope limit, and no answer or log line shows a token.
 */
public class DestinationIT extends DevopsAuditRestTestCase {

    static final String BASE = "/_plugins/devops_audit/_destinations/";

    private static String raw(String method, String endpoint) throws Exception {
        return EntityUtils.toString(
                client().performRequest(new Request(method, endpoint)).getEntity());
    }

    private static String event(long id, String scopePath, String author) {
        return "{\"id\":" + id + ",\"author_id\":7,\"author_name\":\"" + author + "\",\"entity_id\":12,"
                + "\"entity_type\":\"Project\",\"entity_path\":\"" + scopePath + "\","
                + "\"event_type\":\"repository_download_operation\",\"created_at\":\"2024-03-20T10:00:00Z\","
                + "\"details\":{\"author_name\":\"" + author + "\",\"ip_address\":\"203.0.113.9\"}}";
    }

    private static String instanceEvent(long id) {
        return "{\"id\":" + id + ",\"author_id\":1,\"author_name\":\"root\",\"entity_id\":1,"
                + "\"entity_type\":\"Gitlab::Audit::InstanceScope\",\"event_type\":\"application_setting_updated\","
                + "\"created_at\":\"2024-03-20T10:00:00Z\",\"details\":{}}";
    }

    private static Map<String, Object> stored(String index, String id) throws IOException {
        return call("GET", "/" + index + "/_doc/" + id, null);
    }

    @SuppressWarnings("unchecked")
    public void testEachDestinationIsIdentifiedByItsTokenAndBoundToItsScopes() throws Exception {
        SetupIT.setup();
        String suffix = randomAlphaOfLength(6).toLowerCase(Locale.ROOT);
        String acme = "acme-" + suffix;
        String partner = "partner-" + suffix;
        String acmeToken = "acme-token-" + randomAlphaOfLength(20);
        String partnerToken = "partner-token-" + randomAlphaOfLength(20);
        String defaultToken = "default-token-" + randomAlphaOfLength(20);
        String acmeGroup = "acme" + suffix;
        String partnerGroup = "partner" + suffix + "/shared";

        // configuration: refused bodies name the field; "default" is the keystore's streaming token
        ResponseException noInstance = expectThrows(
                ResponseException.class, () -> call("PUT", BASE + acme, "{\"scopes\": [\"" + acmeGroup + "\"]}"));
        assertEquals(400, noInstance.getResponse().getStatusLine().getStatusCode());
        assertThat(noInstance.getMessage(), containsString("[instance]"));
        ResponseException reserved = expectThrows(
                ResponseException.class, () -> call("PUT", BASE + "default", "{\"instance\": \"gitlab-x\"}"));
        assertEquals(400, reserved.getResponse().getStatusLine().getStatusCode());
        assertEquals(
                "created",
                call(
                                "PUT",
                                BASE + acme,
                                "{\"instance\": \"gitlab-" + suffix + "\", \"scopes\": [\"" + acmeGroup + "\"]}")
                        .get("result"));
        assertEquals(
                "created",
                call(
                                "PUT",
                                BASE + partner,
                                "{\"instance\": \"partner-" + suffix + "\", \"scopes\": [\"" + partnerGroup + "\"]}")
                        .get("result"));
        assertEquals("missing", ObjectPath.evaluate(call("GET", BASE + acme, null), "token.state"));

        StreamIT.keystoreSet("devops_audit.destination." + acme + ".token", acmeToken);
        StreamIT.keystoreSet("devops_audit.destination." + partner + ".token", partnerToken);
        StreamIT.keystore(defaultToken);
        try {
            long base = randomLongBetween(100_000_000L, 900_000_000L);
            String inAcme = event(base, acmeGroup + "/web", "alice");
            String partnersEvent = event(base + 1, partnerGroup + "/tools", "bob");
            String instanceLevel = instanceEvent(base + 2);

            // acme's token: its own group's event is stored under its instance; the others are out of scope
            Map<String, Object> answer = entityAsMap(StreamIT.send(
                    acmeToken,
                    "application/json",
                    "[" + inAcme + "," + partnersEvent + "," + instanceLevel + "]",
                    null));
            assertEquals(3, answer.get("received"));
            assertEquals(1, answer.get("indexed"));
            assertEquals(2, answer.get("out_of_scope"));
            assertEquals(0, answer.get("failed"));
            Map<String, Object> doc = stored("devops-audit-gitlab-2024.03", "gitlab:gitlab-" + suffix + ":" + base);
            assertEquals(acme, ObjectPath.evaluate(doc, "_source.audit.destination"));
            assertEquals("gitlab-" + suffix, ObjectPath.evaluate(doc, "_source.audit.instance"));
            StreamIT.count("devops-audit-failed-*"); // refresh
            Map<String, Object> dead = call(
                    "POST",
                    "/devops-audit-failed-*/_search",
                    "{\"size\": 10, \"query\": {\"bool\": {\"filter\": [{\"term\": {\"event.kind\": \"out_of_scope\"}},"
                            + "{\"match_phrase\": {\"error.message\": \"destination [" + acme + "]\"}}]}}}");
            List<Map<String, Object>> hits = ObjectPath.evaluate(dead, "hits.hits");
            Map<String, String> messageByOriginal = new java.util.HashMap<>();
            for (Map<String, Object> hit : hits) {
                assertEquals(acme, ObjectPath.evaluate(hit, "_source.audit.destination"));
                messageByOriginal.put(
                        ObjectPath.evaluate(hit, "_source.event.original"),
                        ObjectPath.evaluate(hit, "_source.error.message"));
            }
            assertEquals(
                    "both raw events are kept, once each",
                    java.util.Set.of(partnersEvent, instanceLevel),
                    messageByOriginal.keySet());
            assertEquals(2, hits.size());
            assertThat(messageByOriginal.get(partnersEvent), containsString("scope path [" + partnerGroup + "/tools]"));
            assertThat(
                    "an instance-level event is outside a group destination's scopes",
                    messageByOriginal.get(instanceLevel),
                    containsString("scope path [], outside its scopes [" + acmeGroup + "]"));
            assertEquals(
                    "nothing out of scope reached an event index",
                    404,
                    statusOf("GET", "/devops-audit-gitlab-2024.03/_doc/gitlab:gitlab-" + suffix + ":" + (base + 1)));

            // partner's token: the partner event is stored under the partner's instance and name
            Map<String, Object> fromPartner =
                    entityAsMap(StreamIT.send(partnerToken, "application/json", partnersEvent, null));
            assertEquals(1, fromPartner.get("indexed"));
            assertEquals(0, fromPartner.get("out_of_scope"));
            Map<String, Object> partnerDoc =
                    stored("devops-audit-gitlab-2024.03", "gitlab:partner-" + suffix + ":" + (base + 1));
            assertEquals(partner, ObjectPath.evaluate(partnerDoc, "_source.audit.destination"));
            assertEquals(
                    1,
                    entityAsMap(StreamIT.send(partnerToken, "application/json", inAcme, null))
                            .get("out_of_scope"));

            // a destination's events come from its instance: a request may not name another one
            ResponseException otherInstance = expectThrows(ResponseException.class, () -> client().performRequest(
                            streamWithInstance(acmeToken, inAcme, "gitlab-elsewhere")));
            assertEquals(400, otherInstance.getResponse().getStatusLine().getStatusCode());
            assertThat(otherInstance.getMessage(), containsString("is not the instance of destination [" + acme + "]"));

            // a wrong token: 401, nothing stored
            for (String wrong : List.of(acmeToken + "x", partnerToken.substring(1), "nope")) {
                assertEquals("token [" + wrong + "]", 401, StreamIT.status(wrong, event(base + 3, acmeGroup, "eve")));
            }
            assertEquals(
                    404,
                    statusOf("GET", "/devops-audit-gitlab-2024.03/_doc/gitlab:gitlab-" + suffix + ":" + (base + 3)));

            // the keystore's streaming token is destination "default": no scope limit, instance from the request
            String anywhere = event(base + 4, "somewhere-" + suffix + "/else", "carol");
            assertEquals(
                    1,
                    entityAsMap(client().performRequest(streamWithInstance(defaultToken, anywhere, "gitlab-" + suffix)))
                            .get("indexed"));
            Map<String, Object> defaultDoc =
                    stored("devops-audit-gitlab-2024.03", "gitlab:gitlab-" + suffix + ":" + (base + 4));
            assertEquals("default", ObjectPath.evaluate(defaultDoc, "_source.audit.destination"));

            // GET never shows a token; it says where it belongs and whether the node has it
            Map<String, Object> one = call("GET", BASE + acme, null);
            assertEquals(List.of(acmeGroup), ObjectPath.evaluate(one, "config.scopes"));
            assertEquals("configured", ObjectPath.evaluate(one, "token.state"));
            assertEquals("devops_audit.destination." + acme + ".token", ObjectPath.evaluate(one, "token.keystore_key"));
            Map<String, Object> all = (Map<String, Object>)
                    call("GET", BASE.substring(0, BASE.length() - 1), null).get("destinations");
            assertTrue(all.keySet().containsAll(List.of(acme, partner, "default")));
            String everything = raw("GET", BASE + acme)
                    + raw("GET", BASE + partner)
                    + raw("GET", BASE + "default")
                    + raw("GET", BASE.substring(0, BASE.length() - 1));
            String logs = CollectorIT.nodeLogs();
            for (String t : List.of(acmeToken, partnerToken, defaultToken)) {
                assertFalse("no token in a response", everything.contains(t));
                assertFalse("no token in the node's logs", logs.contains(t));
            }

            // removing the destination: its token delivers nothing, saying the configuration is missing
            call("DELETE", BASE + partner, null);
            ResponseException unconfigured = expectThrows(
                    ResponseException.class,
                    () -> StreamIT.send(partnerToken, "application/json", partnersEvent, null));
            assertEquals(403, unconfigured.getResponse().getStatusLine().getStatusCode());
            assertThat(unconfigured.getMessage(), containsString("which is not configured"));
            assertFalse(unconfigured.getMessage().contains(partnerToken));

            // reloading without acme's token: it is refused, and GET says the token is missing
            StreamIT.keystoreSet("devops_audit.destination." + acme + ".token", null);
            assertEquals(401, StreamIT.status(acmeToken, inAcme));
            assertEquals("missing", ObjectPath.evaluate(call("GET", BASE + acme, null), "token.state"));
        } finally {
            StreamIT.keystoreSet("devops_audit.destination." + acme + ".token", null);
            StreamIT.keystoreSet("devops_audit.destination." + partner + ".token", null);
            StreamIT.keystore(null);
            statusOf("DELETE", BASE + acme);
            statusOf("DELETE", BASE + partner);
        }
    }

    /**
     * A destination that delivers again after a silence leaves a health record saying how long it was silent: the
     * destination's last stored event is two days old (stored directly, as an earlier delivery would have been), so the
     * next delivery ends a silence; the one right after it does not.
     */
    @SuppressWarnings("unchecked")
    public void testADeliveryAfterASilenceLeavesAHealthRecord() throws Exception {
        SetupIT.setup();
        String suffix = randomAlphaOfLength(6).toLowerCase(Locale.ROOT);
        String name = "quiet-" + suffix;
        String token = "quiet-token-" + randomAlphaOfLength(20);
        String group = "quiet" + suffix;
        assertEquals(
                "created",
                call("PUT", BASE + name, "{\"instance\": \"gitlab-" + suffix + "\", \"scopes\": [\"" + group + "\"]}")
                        .get("result"));
        java.time.Instant twoDaysAgo = java.time.Instant.now().minus(java.time.Duration.ofDays(2));
        call(
                "PUT",
                "/devops-audit-gitlab-2024.03/_doc/earlier-" + suffix + "?refresh=true",
                "{\"@timestamp\": \"2024-03-19T10:00:00Z\", \"event\": {\"provider\": \"gitlab\", \"ingested\": \""
                        + twoDaysAgo + "\"}, \"audit\": {\"destination\": \"" + name + "\"}}");
        StreamIT.keystoreSet("devops_audit.destination." + name + ".token", token);
        try {
            long base = randomLongBetween(100_000_000L, 900_000_000L);
            java.time.Instant before = java.time.Instant.now();
            assertEquals(
                    1,
                    entityAsMap(StreamIT.send(token, "application/json", event(base, group + "/web", "alice"), null))
                            .get("indexed"));
            assertEquals(
                    1,
                    entityAsMap(StreamIT.send(token, "application/json", event(base + 1, group + "/web", "bob"), null))
                            .get("indexed"));
            String query = "{\"query\": {\"bool\": {\"filter\": [{\"term\": {\"event.action\": "
                    + "\"destination_delivery_resumed\"}}, {\"term\": {\"audit.destination\": \"" + name + "\"}}]}}}";
            client().performRequest(new Request("POST", "/devops-audit-health-*/_refresh"));
            List<Map<String, Object>> hits =
                    ObjectPath.evaluate(call("POST", "/devops-audit-health-*/_search", query), "hits.hits");
            assertEquals("one record: the second delivery ends no silence", 1, hits.size());
            Map<String, Object> record = (Map<String, Object>) hits.get(0).get("_source");
            assertEquals("gitlab-" + suffix, ObjectPath.evaluate(record, "audit.instance"));
            long silence = ((Number) ObjectPath.evaluate(record, "health.silence_seconds")).longValue();
            assertTrue(
                    "silent about two days, was " + silence + " s",
                    silence >= 2 * 86_400 - 5 && silence < 2 * 86_400 + 600);
            assertEquals(
                    twoDaysAgo.toEpochMilli(),
                    java.time.Instant.parse((String) ObjectPath.evaluate(record, "health.last_delivery"))
                            .toEpochMilli());
            assertFalse(
                    java.time.Instant.parse((String) record.get("@timestamp")).isBefore(before.minusSeconds(1)));
        } finally {
            StreamIT.keystoreSet("devops_audit.destination." + name + ".token", null);
            statusOf("DELETE", BASE + name);
            statusOf("DELETE", "/devops-audit-gitlab-2024.03/_doc/earlier-" + suffix);
        }
    }

    private static Request streamWithInstance(String token, String body, String instance) {
        Request r = new Request("POST", "/_plugins/devops_audit/_stream/gitlab?instance=" + instance);
        r.setOptions(r.getOptions().toBuilder().addHeader("X-Gitlab-Event-Streaming-Token", token));
        r.setJsonEntity(body);
        return r;
    }

    private static int statusOf(String method, String endpoint) throws IOException {
        try {
            return client().performRequest(new Request(method, endpoint))
                    .getStatusLine()
                    .getStatusCode();
        } catch (ResponseException e) {
            return e.getResponse().getStatusLine().getStatusCode();
        }
    }
}
