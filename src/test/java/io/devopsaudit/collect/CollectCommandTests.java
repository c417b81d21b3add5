/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.test.OpenSearchTestCase;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;

/**
 * The backfill command against the fake GitLab on 127.0.0.1 and a recorder of the pages posted to {@code _import}
 * (the real node's answers: {@code CollectorIT.testCollectCommandBackfillsEachEventOnce}): every page to the end, each
 * posted as it comes, 429 and 500 waited through and said, GitLab's refusals with the command's hint, wrong arguments
 * answered with the usage, and the token in no output.
 */
public class CollectCommandTests extends OpenSearchTestCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Records the bodies posted to {@code _import} and their query, answering as {@code _import} does. */
    @SuppressForbidden(reason = "com.sun.net.httpserver is the JDK's exported, supported HTTP server")
    static final class ImportRecorder implements AutoCloseable {
        final HttpServer server;
        final List<JsonNode> pages = new CopyOnWriteArrayList<>();
        final List<String> queries = new CopyOnWriteArrayList<>();

        ImportRecorder() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/_plugins/devops_audit/_import", x -> {
                try (x) {
                    JsonNode page = JSON.readTree(x.getRequestBody());
                    pages.add(page);
                    queries.add(x.getRequestURI().getRawQuery());
                    byte[] answer = JSON.writeValueAsBytes(java.util.Map.of(
                            "received", page.size(), "indexed", page.size(), "duplicates", 0, "failed", 0));
                    x.sendResponseHeaders(200, answer.length);
                    try (OutputStream out = x.getResponseBody()) {
                        out.write(answer);
                    }
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private final List<Long> sleeps = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return CollectCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                sleeps::add);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path tokenFile(String token) throws IOException {
        Path f = createTempFile();
        Files.writeString(f, token + "\n");
        return f;
    }

    public void testEveryPageToTheEndIsPostedThroughRetries() throws Exception {
        String token = "glpat-" + randomAlphaOfLength(20);
        try (FakeGitlab gitlab = new FakeGitlab(token);
                ImportRecorder cluster = new ImportRecorder()) {
            gitlab.add(
                    1,
                    30,
                    20,
                    200,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60));
            gitlab.every429 = 3;
            gitlab.every500 = 5;
            int status = run(
                    "--url",
                    gitlab.url(),
                    "--token-file",
                    tokenFile(token).toString(),
                    "--all",
                    "--group",
                    "acme",
                    "--instance",
                    "gitlab-acme",
                    "--to",
                    cluster.url(),
                    "--since",
                    "2020-01-01T00:00:00Z");
            assertEquals(err(), 0, status);
            // 250 instance events in 3 pages of at most 100, then the group's 30 in one
            assertEquals(4, cluster.pages.size());
            Set<Long> ids = new HashSet<>();
            int events = 0;
            for (JsonNode page : cluster.pages) {
                assertThat(page.size(), lessThanOrEqualTo(100));
                for (JsonNode e : page) ids.add(e.get("id").asLong());
                events += page.size();
            }
            assertEquals(280, events);
            assertEquals("each event of the instance scope once", 250, ids.size());
            for (String q : cluster.queries) assertEquals("format=gitlab_api&instance=gitlab-acme", q);
            assertThat(err(), containsString("instance: done (3 pages)"));
            assertThat(err(), containsString("group:acme: done (1 page)"));
            assertThat(err(), containsString("collected 280 events: 280 indexed, 0 duplicates, 0 failed"));
            assertEquals(
                    "{\"fetched\": 280, \"indexed\": 280, \"duplicates\": 0, \"failed\": 0}",
                    out.toString(StandardCharsets.UTF_8).strip());
            // the retries: said on stderr, 429 waits its Retry-After of 1 s
            assertThat(gitlab.served429.get(), org.hamcrest.Matchers.greaterThan(0));
            assertThat(gitlab.served500.get(), org.hamcrest.Matchers.greaterThan(0));
            assertThat(err(), containsString("GitLab answered HTTP 429, waiting 1.0 s"));
            assertThat(err(), containsString("GitLab answered HTTP 500, waiting"));
            assertEquals(gitlab.served429.get() + gitlab.served500.get(), sleeps.size());
            assertTrue(sleeps.contains(1000L));
            assertEquals(
                    "every request created after --since",
                    Set.of("2020-01-01T00:00:00Z"),
                    new HashSet<>(gitlab.createdAfterSeen));
            assertThat(out.toString(StandardCharsets.UTF_8) + err(), not(containsString(token)));
        }
    }

    public void testGitlabRefusalsEndWithItsMessageAndTheCommandsHint() throws Exception {
        String token = "glpat-" + randomAlphaOfLength(20);
        try (FakeGitlab gitlab = new FakeGitlab(token);
                ImportRecorder cluster = new ImportRecorder()) {
            gitlab.add(1, 5, 5, 5, Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60));
            int missing = run(
                    "--url",
                    gitlab.url(),
                    "--token-file",
                    tokenFile(token).toString(),
                    "--project",
                    "acme/web",
                    "--group",
                    "nosuch",
                    "--to",
                    cluster.url());
            assertEquals(1, missing);
            assertEquals("the project's page was imported before the group failed", 1, cluster.pages.size());
            assertThat(
                    err(),
                    containsString(
                            "group:nosuch: HTTP 404: 404 Group Not Found — the group or project does not exist"));
            assertEquals("no counts on stdout after a failure", "", out.toString(StandardCharsets.UTF_8));

            err.reset();
            String wrong = "glpat-wrong-" + randomAlphaOfLength(12);
            assertEquals(
                    1,
                    run(
                            "--url",
                            gitlab.url(),
                            "--token-file",
                            tokenFile(wrong).toString(),
                            "--all",
                            "--to",
                            cluster.url()));
            assertThat(
                    err(),
                    containsString("instance: HTTP 401: 401 Unauthorized — the token is wrong, expired or "
                            + "revoked: put a valid personal, group or project access token with the read_api scope into the "
                            + "--token-file"));
            assertThat(err(), not(containsString(wrong)));

            err.reset();
            gitlab.forbidden = Set.of("acme");
            assertEquals(
                    1,
                    run(
                            "--url",
                            gitlab.url(),
                            "--token-file",
                            tokenFile(token).toString(),
                            "--group",
                            "acme",
                            "--to",
                            cluster.url()));
            assertThat(err(), containsString("HTTP 403: 403 Forbidden — audit events need GitLab Premium or Ultimate"));
        }
    }

    public void testGitlabThatNeverAnswersIsGivenUpAfterTheRetries() throws Exception {
        int port;
        try (FakeGitlab gone = new FakeGitlab("t")) {
            port = Integer.parseInt(gone.url().substring(gone.url().lastIndexOf(':') + 1));
        }
        assertEquals(
                1,
                run(
                        "--url",
                        "http://127.0.0.1:" + port,
                        "--token-file",
                        tokenFile("t").toString(),
                        "--all",
                        "--to",
                        "http://127.0.0.1:9"));
        assertEquals(CollectCommand.MAX_RETRIES, sleeps.size());
        assertThat(err(), containsString("no answer from GitLab, waiting"));
        assertThat(
                err(),
                containsString("after 7 attempts (ConnectException) — check that --url is the GitLab "
                        + "instance's address and that this machine can reach it"));
    }

    public void testWrongArgumentsAnswerWithTheUsage() throws Exception {
        String token = tokenFile("t").toString();
        for (String[] args : List.of(
                new String[] {"--token-file", token, "--all", "--to", "http://127.0.0.1:9200"},
                new String[] {"--url", "http://127.0.0.1:1", "--token-file", token, "--to", "http://127.0.0.1:9200"},
                new String[] {"--url", "http://127.0.0.1:1", "--token-file", "/nonexistent", "--all", "--to", "x"},
                new String[] {
                    "--url",
                    "http://127.0.0.1:1",
                    "--token-file",
                    token,
                    "--all",
                    "--since",
                    "yesterday",
                    "--to",
                    "http://127.0.0.1:9200"
                },
                new String[] {"--url", "http://127.0.0.1:1", "--token-file", token, "--all", "--to", "127.0.0.1:9200"},
                new String[] {"--url", "http://127.0.0.1:1", "--token-file", token, "--all", "--frobnicate", "x"})) {
            err.reset();
            assertEquals(String.join(" ", args), 2, run(args));
            assertThat(err(), containsString(CollectCommand.USAGE));
        }
        assertThat(err(), containsString("unknown option [--frobnicate]"));
        assertTrue("nothing was requested", sleeps.isEmpty());
    }
}
