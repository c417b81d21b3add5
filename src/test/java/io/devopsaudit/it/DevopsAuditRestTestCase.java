/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.common.settings.Settings;
import org.opensearch.test.rest.OpenSearchRestTestCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /** The home of the node the build started (for node-keystore and node-restart). */
    protected static String nodeHome() {
        return Path.of(System.getProperty("project.basedir"))
                .resolve("target/it-node")
                .toString();
    }
}
