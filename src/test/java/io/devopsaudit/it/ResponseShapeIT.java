/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.collect.FakeGitlab;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.opensearch.client.Request;
import org.opensearch.client.RequestOptions;
import org.opensearch.client.Response;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON shape of every {@code /_plugins/devops_audit/} route's answer — its keys and the JSON type of each value,
 * recursively — compared with the recorded shapes in {@code response-shapes.json}. The answers are built from typed
 * responses; this is what proves a refactoring of them kept the REST API as it was. Names the test makes up (its
 * group, collector, destination, instance) are recorded as placeholders, so a map keyed by them has a fixed shape.
 * An array's shape is the set of its elements' distinct shapes.
 *
 * <p>{@code -Dresponse.shapes.update=true} rewrites the file from the node's answers (review the diff: a changed shape
 * is a changed API).
 */
public class ResponseShapeIT extends DevopsAuditRestTestCase {
    static final String BASE = "/_plugins/devops_audit/";
    static final String GOLDEN = "io/devopsaudit/it/response-shapes.json";

    /** Route label → shape, in the order the test calls them. */
    private final Map<String, Object> shapes = new LinkedHashMap<>();
    /** Made-up value → placeholder, for map keys and the answers' text. */
    private final Map<String, String> placeholders = new LinkedHashMap<>();

    public void testEveryRouteAnswersWithItsRecordedShape() throws Exception {
        String suffix = randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        String group = "shape" + suffix;
        String instance = "shape-" + suffix;
        String destination = "shape-dest-" + suffix;
        String collector = "shape-coll-" + suffix;
        placeholders.put(group, "<group>");
        placeholders.put(instance, "<instance>");
        placeholders.put(destination, "<destination>");
        placeholders.put(collector, "<collector>");

        record("PUT _setup", call("PUT", BASE + "_setup", "{\"replicas\":0}"));
        record("POST _setup", call("POST", BASE + "_setup", "{\"replicas\":0}"));
        record("GET _setup", call("GET", BASE + "_setup", null));
        record("GET _content/monitors", call("GET", BASE + "_content/monitors", null));

        long id = randomLongBetween(100_000_000L, 900_000_000L);
        String events = event(id, group + "/web", "alice", "203.0.113.9") + "\n"
                + event(id + 1, group + "/web", "bob", "198.51.100.7") + "\n"
                + event(id + 1, group + "/web", "bob", "198.51.100.7") + "\n"
                + "{\"not\": \"an audit event\"}\n";
        record("POST _import", importBody("?format=gitlab_api&instance=" + instance, events));
        record("POST _import?dry_run=true", importBody("?dry_run=true&instance=" + instance, events));

        String token = "shape-token-" + randomAlphaOfLength(20);
        StreamIT.keystore(token);
        try {
            record(
                    "POST _stream/gitlab",
                    entityAsMap(stream(token, "[" + event(id + 2, group + "/api", "carol", "203.0.113.10") + "]")));
        } finally {
            StreamIT.keystore(null);
        }

        record(
                "PUT _destinations/{name}",
                call(
                        "PUT",
                        BASE + "_destinations/" + destination,
                        "{\"instance\": \"" + instance + "\", \"scopes\": [\"" + group + "\"]}"));
        record("GET _destinations/{name}", call("GET", BASE + "_destinations/" + destination, null));
        record(
                "GET _destinations (this test's entry)",
                only(call("GET", BASE + "_destinations", null), "destinations", destination));
        record("DELETE _destinations/{name}", call("DELETE", BASE + "_destinations/" + destination, null));

        String glToken = "glpat-" + randomAlphaOfLength(20);
        StreamIT.keystoreSet("devops_audit.collector." + collector + ".token", glToken);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (FakeGitlab gitlab = new FakeGitlab(glToken)) {
            placeholders.put(gitlab.url(), "<url>");
            gitlab.add(id + 10, 2, 1, 0, now.minusSeconds(60));
            record(
                    "PUT _collectors/{name}",
                    call(
                            "PUT",
                            BASE + "_collectors/" + collector,
                            "{\"type\":\"gitlab\",\"url\":\"" + gitlab.url()
                                    + "\",\"scopes\":[{\"group\":\"acme\"}],\"interval\":\"1h\",\"since\":\""
                                    + now.minus(2, ChronoUnit.HOURS) + "\",\"instance\":\"" + instance + "\"}"));
            CollectorIT.awaitState(collector, "ok");
            record("POST _collectors/{name}/_run", call("POST", BASE + "_collectors/" + collector + "/_run", null));
            record("GET _collectors/{name}", call("GET", BASE + "_collectors/" + collector, null));
            record(
                    "GET _collectors (this test's entry)",
                    only(call("GET", BASE + "_collectors", null), "collectors", collector));
            record("DELETE _collectors/{name}", call("DELETE", BASE + "_collectors/" + collector, null));
        } finally {
            StreamIT.keystoreSet("devops_audit.collector." + collector + ".token", null);
        }

        record("PUT _retention", call("PUT", BASE + "_retention", "{\"days\":2555,\"dead_letter_days\":90}"));
        record("GET _retention", call("GET", BASE + "_retention", null));
        record("POST _retention/_run?dry_run=true", call("POST", BASE + "_retention/_run?dry_run=true", null));
        record("POST _retention/_run", call("POST", BASE + "_retention/_run", null));

        call("POST", "/devops-audit-*/_refresh?ignore_unavailable=true&allow_no_indices=true", null);
        String question =
                "\"scope\":\"" + group + "\",\"from\":\"2024-03-01T00:00:00Z\",\"to\":\"2024-04-01T00:00:00Z\"";
        record("POST _access_rollup", call("POST", BASE + "_access_rollup", null));
        record("POST _access_report", call("POST", BASE + "_access_report", "{" + question + "}"));
        record(
                "POST _access_report (detail)",
                call("POST", BASE + "_access_report", "{" + question + ",\"detail\":true}"));
        record(
                "POST _access_report (no access in the window)",
                call(
                        "POST",
                        BASE + "_access_report",
                        "{\"scope\":\"" + group
                                + "\",\"from\":\"2024-05-01T00:00:00Z\",\"to\":\"2024-06-01T00:00:00Z\"}"));
        record("GET _access_report", call("GET", BASE + "_access_report", "{" + question + "}"));
        record("GET _context/{id}", call("GET", BASE + "_context/gitlab:" + instance + ":" + id, null));
        record("POST _export (ndjson lines)", ndjson(BASE + "_export", "{" + question + "}"));

        compareWithGolden();
    }

    private static String event(long id, String path, String author, String ip) {
        return "{\"id\":" + id + ",\"author_id\":7,\"author_name\":\"" + author + "\",\"entity_id\":12,"
                + "\"entity_type\":\"Project\",\"entity_path\":\"" + path + "\","
                + "\"event_type\":\"repository_download_operation\",\"created_at\":\"2024-03-20T10:00:00Z\","
                + "\"details\":{\"author_name\":\"" + author + "\",\"ip_address\":\"" + ip + "\"}}";
    }

    private static Map<String, Object> importBody(String query, String body) throws IOException {
        Request r = new Request("POST", BASE + "_import" + query);
        r.setEntity(new StringEntity(body, ContentType.create("application/x-ndjson", StandardCharsets.UTF_8)));
        return entityAsMap(client().performRequest(r));
    }

    private static Response stream(String token, String body) throws IOException {
        Request r = new Request("POST", BASE + "_stream/gitlab");
        RequestOptions.Builder o = RequestOptions.DEFAULT.toBuilder();
        o.addHeader("X-Gitlab-Event-Streaming-Token", token);
        r.setOptions(o);
        r.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        return client().performRequest(r);
    }

    /** The NDJSON answer's lines, each parsed. */
    private static List<Object> ndjson(String endpoint, String body) throws IOException {
        Request r = new Request("POST", endpoint);
        r.setJsonEntity(body);
        String text =
                new String(client().performRequest(r).getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
        List<Object> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            try (XContentParser p = JsonXContent.jsonXContent.createParser(
                    NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, line)) {
                lines.add(p.map());
            }
        }
        assertFalse("the export found the test's events", lines.isEmpty());
        return lines;
    }

    /** The answer with only {@code name}'s entry under {@code key} (other tests' entries have shapes of their own). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> only(Map<String, Object> answer, String key, String name) {
        Map<String, Object> all = (Map<String, Object>) answer.get(key);
        assertNotNull(key + " in " + answer, all);
        assertTrue(name + " in " + all.keySet(), all.containsKey(name));
        Map<String, Object> copy = new LinkedHashMap<>(answer);
        copy.put(key, Map.of(name, all.get(name)));
        return copy;
    }

    private void record(String route, Object answer) {
        shapes.put(route, shape(answer));
    }

    /**
     * An object: its keys (made-up names as placeholders) with their shapes; an array: the distinct shapes of its
     * elements; otherwise the JSON type.
     */
    private Object shape(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new TreeMap<>();
            map.forEach((k, v) -> out.put(withPlaceholders(String.valueOf(k)), shape(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            Map<String, Object> distinct = new TreeMap<>();
            for (Object element : list) {
                Object s = shape(element);
                distinct.put(String.valueOf(s), s);
            }
            return new ArrayList<>(distinct.values());
        }
        if (value == null) return "null";
        if (value instanceof String) return "string";
        if (value instanceof Number) return "number";
        if (value instanceof Boolean) return "boolean";
        throw new AssertionError("not a JSON value: " + value.getClass());
    }

    private String withPlaceholders(String key) {
        for (Map.Entry<String, String> p : placeholders.entrySet()) {
            key = key.replace(p.getKey(), p.getValue());
        }
        return key;
    }

    @SuppressWarnings("unchecked")
    private void compareWithGolden() throws IOException {
        Path file = Path.of(System.getProperty("project.basedir"), "src/test/resources", GOLDEN);
        if (Boolean.getBoolean("response.shapes.update")) {
            try (XContentBuilder b = JsonXContent.contentBuilder().prettyPrint()) {
                b.map(shapes);
                Files.writeString(file, b.toString() + "\n", StandardCharsets.UTF_8);
            }
            return;
        }
        Map<String, Object> golden;
        try (InputStream in = Files.newInputStream(file);
                XContentParser p = XContentType.JSON
                        .xContent()
                        .createParser(
                                NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, in)) {
            golden = p.map();
        }
        assertEquals("the routes", new TreeSet<>(golden.keySet()), new TreeSet<>(shapes.keySet()));
        List<String> differences = new ArrayList<>();
        for (String route : golden.keySet()) {
            compare(route, golden.get(route), shapes.get(route), differences);
        }
        assertTrue("answers differ from " + GOLDEN + ":\n" + String.join("\n", differences), differences.isEmpty());
    }

    /**
     * A {@code null} matches any type (e.g. a rate when nothing took time), and an empty array any array: the node is
     * shared with the other tests, so whether a list of indices or assets has entries depends on what ran before.
     */
    private static void compare(String path, Object expected, Object actual, List<String> differences) {
        if ("null".equals(expected) || "null".equals(actual)) return;
        if (expected instanceof List<?> e && actual instanceof List<?> a && (e.isEmpty() || a.isEmpty())) return;
        if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            if (e.keySet().equals(a.keySet()) == false) {
                differences.add(path + ": keys " + new TreeSet<>(e.keySet()) + " became " + new TreeSet<>(a.keySet()));
                return;
            }
            for (Object k : e.keySet()) compare(path + "." + k, e.get(k), a.get(k), differences);
            return;
        }
        if (expected instanceof List<?> e && actual instanceof List<?> a) {
            if (e.size() != a.size()) {
                differences.add(path + ": array elements " + e + " became " + a);
                return;
            }
            for (int i = 0; i < e.size(); i++) compare(path + "[" + i + "]", e.get(i), a.get(i), differences);
            return;
        }
        if (expected.equals(actual) == false) differences.add(path + ": " + expected + " became " + actual);
    }
}
