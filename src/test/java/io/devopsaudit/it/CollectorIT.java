/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.collect.FakeGitlab;
import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;

/**
 * The GitLab collector on the real node against the fake GitLab API on 127.0.0.1 (the node runs on this machine):
 * overlapping scopes through 429s and 500s store each event once, only new events are indexed by the next poll, a
 * missing token polls nothing, a wrong one reports GitLab's 401, rotation through the keystore and
 * reload_secure_settings makes it collect, a 403 names the license tier, and the token is in no response or log.
 */
public class CollectorIT extends DevopsAuditRestTestCase {
    static final String BASE = "/_plugins/devops_audit/_collectors/";

    static String name() {
        return "it-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
    }

    static String config(String url, String scopes, String instance, Instant since) {
        return "{\"type\":\"gitlab\",\"url\":\"" + url + "\",\"scopes\":" + scopes + ",\"interval\":\"1h\",\"since\":\""
                + since + "\",\"instance\":\"" + instance + "\"}";
    }

    static String raw(String method, String endpoint) throws IOException {
        return new String(
                client().performRequest(new Request(method, endpoint))
                        .getEntity()
                        .getContent()
                        .readAllBytes(),
                StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> status(String name) throws IOException {
        return (Map<String, Object>) call("GET", BASE + name, null).get("status");
    }

    @SuppressWarnings("unchecked")
    static long total(Map<String, Object> status, String key) {
        return ((Number) ((Map<String, Object>) status.get("totals")).get(key)).longValue();
    }

    @SuppressWarnings("unchecked")
    static long lastPoll(Map<String, Object> status, String key) {
        return ((Number) ((Map<String, Object>) status.get("last_poll_counts")).get(key)).longValue();
    }

    /** Events stored for one collector's instance name (each test uses its own). */
    static long stored(String instance) throws IOException {
        call("POST", "/devops-audit-*/_refresh?ignore_unavailable=true&allow_no_indices=true", null);
        return ((Number) call(
                                "POST",
                                "/devops-audit-gitlab-*/_count?ignore_unavailable=true&allow_no_indices=true",
                                "{\"query\":{\"term\":{\"audit.instance\":\"" + instance + "\"}}}")
                        .get("count"))
                .longValue();
    }

    static Map<String, Object> awaitState(String name, String state) throws Exception {
        Map<String, Object>[] last = new Map[1];
        assertBusy(
                () -> {
                    last[0] = status(name);
                    assertEquals(String.valueOf(last[0]), state, last[0].get("state"));
                },
                90,
                TimeUnit.SECONDS);
        return last[0];
    }

    /**
     * A slow GitLab: _run answers after its wait with running, the poll goes on and GET shows it under way
     * (polling_since), then its result.
     */
    @SuppressWarnings("unchecked")
    public void testARunThatTakesLongerThanItsWaitAnswersAndGoesOnInTheBackground() throws Exception {
        SetupIT.setup();
        String name = name();
        String token = "glpat-" + randomAlphaOfLength(20);
        StreamIT.keystoreSet("devops_audit.collector." + name + ".token", token);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (FakeGitlab gitlab = new FakeGitlab(token)) {
            gitlab.add(1, 3, 0, 0, now.minusSeconds(60));
            call(
                    "PUT",
                    BASE + name,
                    config(gitlab.url(), "[{\"group\":\"acme\"}]", name + "-gl", now.minus(2, ChronoUnit.HOURS)));
            awaitState(name, "ok"); // the first, scheduled poll
            gitlab.delayMs = 4000; // every request of the next poll takes 4 s
            long started = System.nanoTime();
            Map<String, Object> run = call("POST", BASE + name + "/_run?wait=1s", null);
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertEquals(run.toString(), true, run.get("running"));
            assertEquals("1s", run.get("wait"));
            assertThat((String) run.get("reason"), containsString("GET _plugins/devops_audit/_collectors/" + name));
            assertTrue("answered after its wait, long before the poll's end: " + tookMs, tookMs < 3900);
            assertNotNull("under way", status(name).get("polling_since"));
            assertBusy(
                    () -> {
                        Map<String, Object> s = status(name);
                        assertEquals(String.valueOf(s), "manual", s.get("trigger"));
                        assertNull(s.get("polling_since"));
                    },
                    90,
                    TimeUnit.SECONDS);
            assertEquals("ok", status(name).get("state"));
            ResponseException e =
                    expectThrows(ResponseException.class, () -> call("POST", BASE + name + "/_run?wait=forever", null));
            assertEquals(400, e.getResponse().getStatusLine().getStatusCode());
            assertThat(e.getMessage(), containsString("[wait] must be a duration"));
        } finally {
            call("DELETE", BASE + name, null);
        }
    }

    @SuppressWarnings("unchecked")
    public void testOverlappingScopesThroughFaultsThenOnlyNewEvents() throws Exception {
        SetupIT.setup();
        String name = name();
        String instance = name + "-gl";
        String token = "glpat-" + randomAlphaOfLength(20);
        StreamIT.keystoreSet("devops_audit.collector." + name + ".token", token);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (FakeGitlab gitlab = new FakeGitlab(token)) {
            gitlab.add(1, 120, 60, 70, now.minusSeconds(60));
            gitlab.every429 = 3; // 6 pages in all: requests 3 and 6 answer 429, request 5 answers 500
            gitlab.every500 = 5;
            String scopes = "[{\"instance\":true},{\"group\":\"acme\"},{\"project\":\"acme/web\"}]";
            Map<String, Object> put =
                    call("PUT", BASE + name, config(gitlab.url(), scopes, instance, now.minus(2, ChronoUnit.HOURS)));
            assertEquals("created", put.get("result"));

            // the cluster-manager's tick polls a new collector at once
            Map<String, Object> first = awaitState(name, "ok");
            assertEquals("schedule", first.get("trigger"));
            assertEquals("250 + 120 + 60", 430, total(first, "fetched"));
            assertEquals(250, total(first, "indexed"));
            assertEquals(
                    "the group's and project's events were already stored by the instance scope",
                    180,
                    total(first, "duplicates"));
            assertEquals(0, total(first, "failed"));
            assertEquals(250, stored(instance));
            assertThat("429s were served", gitlab.served429.get(), greaterThan(0));
            assertThat("500s were served", gitlab.served500.get(), greaterThan(0));
            List<Map<String, Object>> rows = (List<Map<String, Object>>) first.get("scopes");
            assertEquals(
                    List.of("instance", "group:acme", "project:acme/web"),
                    rows.stream().map(r -> r.get("scope")).toList());
            for (Map<String, Object> r : rows) assertNotNull(r.get("checkpoint"));
            assertEquals(Set.of(token), new HashSet<>(gitlab.tokensSeen));

            // new events between polls: only they are indexed; the overlap fetches the older ones again as duplicates
            gitlab.add(10_000, 5, 2, 3, Instant.now().truncatedTo(ChronoUnit.MILLIS));
            Map<String, Object> run = (Map<String, Object>)
                    call("POST", BASE + name + "/_run", null).get("status");
            assertEquals("manual", run.get("trigger"));
            assertEquals(10, lastPoll(run, "indexed"));
            assertEquals(lastPoll(run, "fetched") - 10, lastPoll(run, "duplicates"));
            assertEquals(260, total(run, "indexed"));
            assertEquals(260, stored(instance));

            Map<String, Object> all =
                    (Map<String, Object>) call("GET", BASE, null).get("collectors");
            assertTrue(all.containsKey(name));
            assertFalse(raw("GET", BASE).contains(token));
        } finally {
            call("DELETE", BASE + name, null);
            StreamIT.keystoreSet("devops_audit.collector." + name + ".token", null);
        }
    }

    @SuppressWarnings("unchecked")
    public void testMissingWrongAndRotatedTokenAndA403() throws Exception {
        SetupIT.setup();
        String name = name();
        String key = "devops_audit.collector." + name + ".token";
        String instance = name + "-gl";
        String right = "glpat-right-" + randomAlphaOfLength(16);
        String wrong = "glpat-wrong-" + randomAlphaOfLength(16);
        try (FakeGitlab gitlab = new FakeGitlab(right)) {
            gitlab.add(
                    1, 10, 10, 10, Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(30));
            call(
                    "PUT",
                    BASE + name,
                    config(
                            gitlab.url(),
                            "[{\"instance\":true}]",
                            instance,
                            Instant.now().minus(1, ChronoUnit.DAYS)));
            Map<String, Object> missing = awaitState(name, "missing_token");
            assertThat(
                    ((Map<String, Object>) missing.get("last_error"))
                            .get("message")
                            .toString(),
                    containsString(key));
            assertEquals("nothing is polled without a token", 0, gitlab.requests.get());

            StreamIT.keystoreSet(key, wrong); // the reload makes it due at once
            Map<String, Object> refused = awaitState(name, "error");
            Map<String, Object> error = (Map<String, Object>) refused.get("last_error");
            assertEquals(401, error.get("http_status"));
            assertEquals("401 Unauthorized", error.get("message"));
            assertThat(error.get("hint").toString(), containsString("read_api"));
            assertTrue("sent as PRIVATE-TOKEN", gitlab.tokensSeen.contains(wrong));
            assertEquals(0, stored(instance));

            StreamIT.keystoreSet(key, right);
            Map<String, Object> ok = awaitState(name, "ok");
            assertEquals(30, total(ok, "indexed"));
            assertEquals(30, stored(instance));

            // a 403 on one scope: the message and the license-tier hint, and the other scope still collects
            gitlab.forbidden = Set.of("acme");
            call(
                    "PUT",
                    BASE + name,
                    config(
                            gitlab.url(),
                            "[{\"instance\":true},{\"group\":\"acme\"}]",
                            instance,
                            Instant.now().minus(1, ChronoUnit.DAYS)));
            Map<String, Object> run = (Map<String, Object>)
                    call("POST", BASE + name + "/_run", null).get("status");
            assertEquals("error", run.get("state"));
            Map<String, Object> forbidden = (Map<String, Object>) run.get("last_error");
            assertEquals(403, forbidden.get("http_status"));
            assertEquals("group:acme", forbidden.get("scope"));
            assertEquals("403 Forbidden", forbidden.get("message"));
            assertThat(forbidden.get("hint").toString(), containsString("license tier"));
            assertEquals("the instance scope's events were fetched again, all duplicates", 0, lastPoll(run, "indexed"));

            String everything = raw("GET", BASE + name) + raw("GET", BASE);
            String logs = nodeLogs();
            assertThat(
                    "the failed polls were logged (so these are the right logs)",
                    logs,
                    containsString("collector [" + name + "] poll failed"));
            for (String t : List.of(right, wrong)) {
                assertFalse("no token in a response", everything.contains(t));
                assertFalse("no token in the node's logs", logs.contains(t));
            }
        } finally {
            call("DELETE", BASE + name, null);
            StreamIT.keystoreSet(key, null);
        }
    }

    /** Everything the node has logged so far (its logs are under the unpacked distribution in its home). */
    static String nodeLogs() throws IOException {
        StringBuilder all = new StringBuilder();
        List<Path> dirs = new java.util.ArrayList<>(List.of(Path.of(nodeHome()).resolve("logs")));
        Path distDir = Path.of(nodeHome()).resolve("dist");
        if (Files.isDirectory(distDir)) {
            try (Stream<Path> dists = Files.list(distDir)) {
                dists.map(d -> d.resolve("logs")).forEach(dirs::add);
            }
        }
        {
            for (Path logs : dirs) {
                if (Files.isDirectory(logs) == false) continue;
                try (Stream<Path> files = Files.list(logs)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        all.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return all.toString();
    }

    /**
     * A node restart in the middle of a backfill: five days of events, one window a day, each answer slowed to 4 s; the
     * node is restarted once a window's checkpoint is saved and before the poll ends. After the restart the collector
     * continues from that checkpoint (not from [since]) and every event is stored exactly once.
     */
    @SuppressWarnings("unchecked")
    public void testARestartInTheMiddleOfABackfillContinuesFromTheCheckpoint() throws Exception {
        SetupIT.setup();
        String name = name();
        String instance = name + "-gl";
        String token = "glpat-" + randomAlphaOfLength(20);
        StreamIT.keystoreSet("devops_audit.collector." + name + ".token", token);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant since = now.minus(5, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        try (FakeGitlab gitlab = new FakeGitlab(token)) {
            for (int day = 0; day < 5; day++) {
                gitlab.add(
                        1 + day * 1000L,
                        0,
                        0,
                        40,
                        now.minus(day, ChronoUnit.DAYS).minus(1, ChronoUnit.HOURS));
            }
            gitlab.delayMs = 4000;
            call("PUT", BASE + name, config(gitlab.url(), "[{\"instance\":true}]", instance, since));
            // watch closely (assertBusy's growing sleeps could miss the poll): a saved window checkpoint, no finished
            // poll
            Instant saved = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (saved == null && System.nanoTime() < deadline) {
                Map<String, Object> s = status(name);
                assertNull("the first poll must still be running: " + s, s.get("last_poll"));
                if (s.get("scopes") instanceof List<?> rows && rows.isEmpty() == false) {
                    Object checkpoint = ((Map<String, Object>) rows.get(0)).get("checkpoint");
                    if (checkpoint != null) saved = Instant.parse((String) checkpoint);
                }
                if (saved == null) Thread.sleep(250);
            }
            assertNotNull("a window's checkpoint was saved during the poll", saved);
            assertTrue("a window's end, not the end of the poll", saved.isBefore(now.minus(1, ChronoUnit.DAYS)));
            int before = gitlab.createdAfterSeen.size();
            cli(null, 330, "node-restart", "--home", nodeHome());
            ensureHealth(req -> req.addParameter("wait_for_status", "yellow"));
            gitlab.delayMs = 0;

            awaitState(name, "ok");
            assertEquals("every event once: none lost, none twice", 200, stored(instance));
            List<String> after = gitlab.createdAfterSeen.subList(before, gitlab.createdAfterSeen.size());
            assertFalse(after.isEmpty());
            for (String from : after) {
                assertFalse(
                        "after the restart no request starts before the saved checkpoint minus the overlap: " + from,
                        Instant.parse(from).isBefore(saved.minus(10, ChronoUnit.MINUTES)));
            }
        } finally {
            call("DELETE", BASE + name, null);
            StreamIT.keystoreSet("devops_audit.collector." + name + ".token", null);
        }
    }

    /**
     * The one-shot backfill of ./devops-audit collect, the plugin's own GitLab client run from the built zip: every
     * page through 429s and 500s, the same pipeline and dedup, so overlapping scopes and a rerun store nothing twice;
     * GitLab's refusal ends it with GitLab's message and the command's hint.
     */
    public void testCollectCommandBackfillsEachEventOnce() throws Exception {
        SetupIT.setup();
        String instance = name() + "-cli";
        String token = "glpat-cli-" + randomAlphaOfLength(16);
        Path tokenFile = createTempFile();
        Files.writeString(tokenFile, token + "\n");
        String cluster = "http://" + System.getProperty("tests.rest.cluster").split(",")[0];
        try (FakeGitlab gitlab = new FakeGitlab(token)) {
            gitlab.add(
                    1, 30, 20, 150, Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60));
            gitlab.every429 = 4;
            gitlab.every500 = 7;
            String out = cli(
                    null,
                    300,
                    "collect",
                    "--url",
                    gitlab.url(),
                    "--token-file",
                    tokenFile.toString(),
                    "--all",
                    "--group",
                    "acme",
                    "--project",
                    "acme/web",
                    "--instance",
                    instance,
                    "--to",
                    cluster,
                    "--since",
                    "2020-01-01T00:00:00Z");
            assertThat(out, containsString("collected 250 events: 200 indexed, 50 duplicates, 0 failed"));
            assertThat(out, containsString("{\"fetched\": 250, \"indexed\": 200, \"duplicates\": 50, \"failed\": 0}"));
            assertThat("200 instance events in pages of 100", out, containsString("instance: done (2 pages)"));
            assertThat(out, containsString("group:acme: done (1 page)"));
            assertThat("429s were served and waited for", gitlab.served429.get(), greaterThan(0));
            assertThat(out, containsString("GitLab answered HTTP 429, waiting 1.0 s"));
            assertEquals(200, stored(instance));
            String again = cli(
                    null,
                    300,
                    "collect",
                    "--url",
                    gitlab.url(),
                    "--token-file",
                    tokenFile.toString(),
                    "--project",
                    "7",
                    "--instance",
                    instance,
                    "--to",
                    cluster);
            assertThat(again, containsString("collected 20 events: 0 indexed, 20 duplicates, 0 failed"));
            assertEquals(200, stored(instance));
            String refused = cliExiting(
                    1,
                    null,
                    120,
                    "collect",
                    "--url",
                    gitlab.url(),
                    "--token-file",
                    tokenFile.toString(),
                    "--group",
                    "nosuch",
                    "--instance",
                    instance,
                    "--to",
                    cluster);
            assertThat(
                    refused,
                    containsString("collect: group:nosuch: HTTP 404: 404 Group Not Found — the group or project "
                            + "does not exist, or the token's user cannot see it"));
            assertFalse("the token is never printed", (out + again + refused).contains(token));
            assertEquals(Set.of(token), new HashSet<>(gitlab.tokensSeen));
        }
    }

    /**
     * A collector's token goes only where it was first sent: after a poll of listener A, pointing the collector at
     * listener B is refused at PUT (and at the poll when the PUT could not tell), also after deleting and re-creating
     * the collector, and B never receives the token; a new token in the keystore may go to B; an origin set beside
     * the token in the keystore overrides the first use.
     */
    @SuppressWarnings("unchecked")
    public void testTheTokenGoesOnlyToTheHostItIsBoundTo() throws Exception {
        SetupIT.setup();
        String name = name();
        String key = "devops_audit.collector." + name + ".token";
        String hostKey = "devops_audit.collector." + name + ".host";
        String first = "glpat-first-" + randomAlphaOfLength(16);
        String second = "glpat-second-" + randomAlphaOfLength(16);
        String instance = name + "-gl";
        Instant since = Instant.now().minus(1, ChronoUnit.DAYS);
        StreamIT.keystoreSet(key, first);
        try (FakeGitlab a = new FakeGitlab(first);
                FakeGitlab b = new FakeGitlab(second)) {
            Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(30);
            a.add(1, 5, 0, 0, at);
            b.add(1000, 0, 4, 0, at);
            call("PUT", BASE + name, config(a.url(), "[{\"instance\":true}]", instance, since));
            assertEquals(5, total(awaitState(name, "ok"), "indexed"));
            assertEquals(Set.of(first), new HashSet<>(a.tokensSeen));

            // re-pointed at B: refused at once, naming where the token is bound and what to do
            ResponseException put = expectThrows(
                    ResponseException.class,
                    () -> call("PUT", BASE + name, config(b.url(), "[{\"instance\":true}]", instance, since)));
            assertEquals(400, put.getResponse().getStatusLine().getStatusCode());
            assertThat(put.getMessage(), containsString("is bound to [" + a.url() + "]"));
            assertThat(put.getMessage(), containsString("it is not sent to [" + b.url() + "]"));
            assertThat(put.getMessage(), containsString("replace the token"));
            assertEquals(
                    "the configuration still points at A",
                    a.url(),
                    ((Map<String, Object>) call("GET", BASE + name, null).get("config")).get("url"));
            // deleting and re-creating the collector does not free its token
            call("DELETE", BASE + name, null);
            ResponseException again = expectThrows(
                    ResponseException.class,
                    () -> call("PUT", BASE + name, config(b.url(), "[{\"instance\":true}]", instance, since)));
            assertEquals(400, again.getResponse().getStatusLine().getStatusCode());

            // a node that cannot tell at PUT (no token in its keystore then) refuses at the poll
            StreamIT.keystoreSet(key, null);
            call("PUT", BASE + name, config(b.url(), "[{\"instance\":true}]", instance, since));
            StreamIT.keystoreSet(key, first);
            Map<String, Object> refused = (Map<String, Object>)
                    call("POST", BASE + name + "/_run", null).get("status");
            assertEquals("host_refused", refused.get("state"));
            Map<String, Object> error = (Map<String, Object>) refused.get("last_error");
            assertThat(error.get("message").toString(), containsString("is bound to [" + a.url() + "]"));
            assertThat(error.get("hint").toString(), containsString(key));
            assertEquals("host_refused", status(name).get("state"));
            assertEquals("B never received a request, so never the token", 0, b.requests.get());

            // the operator replaces the token: it is bound anew, to B, at its first poll
            StreamIT.keystoreSet(key, second);
            Map<String, Object> ok = awaitState(name, "ok");
            assertEquals(4, lastPoll(ok, "indexed"));
            assertEquals(Set.of(second), new HashSet<>(b.tokensSeen));
            assertEquals(9, stored(instance));
            ResponseException back = expectThrows(
                    ResponseException.class,
                    () -> call("PUT", BASE + name, config(a.url(), "[{\"instance\":true}]", instance, since)));
            assertThat(back.getMessage(), containsString("is bound to [" + b.url() + "]"));

            // an origin set beside the token in the keystore decides, whatever the first use was
            StreamIT.keystoreSet(hostKey, a.url());
            ResponseException pinned = expectThrows(
                    ResponseException.class,
                    () -> call("PUT", BASE + name, config(b.url(), "[{\"instance\":true}]", instance, since)));
            assertThat(pinned.getMessage(), containsString("may only be sent to [" + a.url() + "]"));
            assertThat(pinned.getMessage(), containsString(hostKey));
            Map<String, Object> pinnedRun = (Map<String, Object>)
                    call("POST", BASE + name + "/_run", null).get("status");
            assertEquals("the stored collector still points at B", "host_refused", pinnedRun.get("state"));
            assertEquals(
                    "updated",
                    call("PUT", BASE + name, config(a.url(), "[{\"instance\":true}]", instance, since))
                            .get("result"));
            assertFalse(raw("GET", BASE + name).contains(second));
        } finally {
            call("DELETE", BASE + name, null);
            StreamIT.keystoreSet(hostKey, null);
            StreamIT.keystoreSet(key, null);
        }
    }

    /** Plain http carries the token in clear text: refused at PUT for anything but loopback, without a connection. */
    public void testPlainHttpIsRefusedExceptToLoopback() throws Exception {
        Instant since = Instant.parse("2025-01-01T00:00:00Z");
        for (String url : List.of("http://gitlab.example.com", "http://10.1.2.3:8080", "http://[2001:db8::1]")) {
            ResponseException r = expectThrows(
                    ResponseException.class,
                    () -> call("PUT", BASE + "plain", config(url, "[{\"group\":\"acme\"}]", "x", since)));
            assertEquals(url, 400, r.getResponse().getStatusLine().getStatusCode());
            assertThat(r.getMessage(), containsString("[url] plain http://"));
            assertThat(r.getMessage(), containsString("loopback"));
        }
        ResponseException none = expectThrows(ResponseException.class, () -> call("GET", BASE + "plain", null));
        assertEquals(
                "nothing was stored", 404, none.getResponse().getStatusLine().getStatusCode());
        String name = name();
        try {
            for (String url :
                    List.of("http://127.0.0.1:9", "http://127.8.9.10", "http://localhost:9", "http://[::1]:9")) {
                call("PUT", BASE + name, config(url, "[{\"group\":\"acme\"}]", "x", since));
            }
        } finally {
            call("DELETE", BASE + name, null);
        }
    }

    public void testBadConfigurationIs400AndUnknownIs404() throws Exception {
        String good = config(
                "https://gitlab.example.com", "[{\"group\":\"acme\"}]", "x", Instant.parse("2025-01-01T00:00:00Z"));
        Map<String, String> bad = Map.of(
                "[interval]", good.replace("\"1h\"", "\"100ms\""),
                "[scopes.0]", good.replace("{\"group\":\"acme\"}", "{\"team\":\"acme\"}"),
                "[url]", good.replace("https://gitlab.example.com", "gitlab.example.com"),
                "[since]", good.replace("2025-01-01T00:00:00Z", "yesterday"),
                "[type]", good.replace("\"gitlab\"", "\"github\""),
                "[instance]", good.replace("\"x\"", "\"Not Valid\""));
        for (Map.Entry<String, String> e : bad.entrySet()) {
            ResponseException r = expectThrows(ResponseException.class, () -> call("PUT", BASE + "bad", e.getValue()));
            assertEquals(e.getKey(), 400, r.getResponse().getStatusLine().getStatusCode());
            assertThat(r.getMessage(), containsString(e.getKey()));
        }
        ResponseException badName = expectThrows(ResponseException.class, () -> call("PUT", BASE + "Bad.Name", good));
        assertEquals(400, badName.getResponse().getStatusLine().getStatusCode());
        for (String[] m :
                new String[][] {{"GET", BASE + "nope"}, {"DELETE", BASE + "nope"}, {"POST", BASE + "nope/_run"}}) {
            ResponseException r = expectThrows(ResponseException.class, () -> call(m[0], m[1], null));
            assertEquals(m[0], 404, r.getResponse().getStatusLine().getStatusCode());
            assertThat(r.getMessage(), containsString("no collector named [nope]"));
        }
        String name = name();
        assertEquals("created", call("PUT", BASE + name, good).get("result"));
        assertEquals("updated", call("PUT", BASE + name, good).get("result"));
        assertEquals(true, call("DELETE", BASE + name, null).get("acknowledged"));
        ResponseException gone = expectThrows(ResponseException.class, () -> call("GET", BASE + name, null));
        assertEquals(404, gone.getResponse().getStatusLine().getStatusCode());
    }
}
