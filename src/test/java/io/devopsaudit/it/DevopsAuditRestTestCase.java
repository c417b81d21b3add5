/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.parse.JsonText;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.common.settings.Settings;
import org.opensearch.test.rest.OpenSearchRestTestCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Base of the real-node tests. The build (pre-integration-test) starts a stock OpenSearch with the freshly built
 * plugin zip installed and passes its address as {@code tests.rest.cluster}; post-integration-test stops it.
 */
public abstract class DevopsAuditRestTestCase extends OpenSearchRestTestCase {

    /**
     * Imports of 100,000 events and node restarts answer in seconds on an idle machine, but on a loaded 2-core one a
     * single request has taken over the client's default 60 s; a timed-out request goes on in the node and spoils
     * the counts of the tests after it. Five minutes keeps the tests exact without hiding a hang.
     */
    @Override
    protected Settings restClientSettings() {
        return Settings.builder()
                .put(super.restClientSettings())
                .put(CLIENT_SOCKET_TIMEOUT, "5m")
                .build();
    }

    protected static Map<String, Object> call(String method, String endpoint, String jsonBody) throws IOException {
        Request request = new Request(method, endpoint);
        if (jsonBody != null) {
            request.setJsonEntity(jsonBody);
        }
        Response response = client().performRequest(request);
        return entityAsMap(response);
    }

    /**
     * Runs {@code ./devops-audit ARGS...} (the CLI the build's node comes from), feeding {@code stdin} when given, and
     * returns its output; fails the test when it does not end with exit code 0 within {@code seconds}.
     */
    protected static String cli(String stdin, int seconds, String... args) throws Exception {
        return cliExiting(0, stdin, seconds, args);
    }

    /** {@link #cli}, for a command that must end with exit code {@code exitCode}. */
    protected static String cliExiting(int exitCode, String stdin, int seconds, String... args) throws Exception {
        Path base = Path.of(System.getProperty("project.basedir"));
        List<String> command =
                new ArrayList<>(List.of("bash", base.resolve("devops-audit").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(String.join(" ", args) + " took too long", p.waitFor(seconds, TimeUnit.SECONDS));
        assertEquals(out, exitCode, p.exitValue());
        return out;
    }

    /**
     * One {@code _bulk} request of index actions, built up and then sent with {@code refresh=true}: documents as they
     * are ({@link #index}), or raw events as {@code {"message": raw}} the way a log shipper sends them
     * ({@link #message}), through a pipeline or none.
     */
    protected static final class Bulk {
        private final StringBuilder body = new StringBuilder();
        private int actions;

        /** Indexes {@code source} (a map, or JSON text as it is) into {@code index}, under {@code id} unless null. */
        public Bulk index(String index, String id, Object source) {
            Map<String, Object> target = new LinkedHashMap<>();
            target.put("_index", index);
            if (id != null) target.put("_id", id);
            body.append(JsonText.write(Map.of("index", target))).append('\n');
            body.append(source instanceof String json ? json : JsonText.write(source))
                    .append('\n');
            actions++;
            return this;
        }

        /** One raw event (a JSON text, an {@code audit_json.log} line, a CSV record) as a shipper sends it. */
        public Bulk message(String index, String raw) {
            return index(index, null, Map.of("message", raw));
        }

        public int size() {
            return actions;
        }

        /** Sends it through {@code pipeline} (none when null) and answers with the bulk response. */
        public Map<String, Object> send(String pipeline) throws IOException {
            Request request = new Request("POST", "/_bulk");
            request.addParameter("refresh", "true");
            if (pipeline != null) request.addParameter("pipeline", pipeline);
            request.setJsonEntity(body.toString());
            return entityAsMap(client().performRequest(request));
        }

        /** {@link #send}, failing the test when any item failed. */
        public Map<String, Object> sendWithoutErrors(String pipeline) throws IOException {
            Map<String, Object> result = send(pipeline);
            assertEquals("no item failed: " + result, false, result.get("errors"));
            return result;
        }

        /** The {@code index} result of each item, in order. */
        @SuppressWarnings("unchecked")
        public static List<Map<String, Object>> items(Map<String, Object> result) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Object item : (List<Object>) result.get("items")) {
                out.add((Map<String, Object>) ((Map<String, Object>) item).get("index"));
            }
            return out;
        }
    }

    /** The home of the node the build started (for node-keystore and node-restart). */
    protected static String nodeHome() {
        return Path.of(System.getProperty("project.basedir"))
                .resolve("target/it-node")
                .toString();
    }
}
