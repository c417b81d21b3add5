/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import com.fasterxml.jackson.databind.JsonNode;
import org.opensearch.test.OpenSearchTestCase;

import java.net.http.HttpClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;

import static org.hamcrest.Matchers.containsString;

/**
 * The HTTP side against the fake GitLab on 127.0.0.1: paging by Link to the end (rewritten to the configured origin),
 * the token in PRIVATE-TOKEN, 429 and 500 waited through, and 401/403/404 with GitLab's message and a hint.
 */
public class GitlabClientTests extends OpenSearchTestCase {

    private final List<Long> waits = new ArrayList<>();

    private GitlabClient client(HttpClient http, int maxRetries) {
        return new GitlabClient(
                http, new Semaphore(2), maxRetries, 100, (ms, status) -> waits.add(ms), GitlabClient.Advice.COLLECTOR);
    }

    private static List<JsonNode> all(GitlabClient c, String origin, String uri, String token) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        c.forEachPage(origin, uri, token, page -> out.addAll(page.items()));
        return out;
    }

    public void testPagesNewestFirstThroughFaultsToTheEnd() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (FakeGitlab gitlab = new FakeGitlab("tok-1");
                HttpClient http = GitlabClient.newHttpClient()) {
            gitlab.add(1, 40, 30, 180, now);
            gitlab.every429 = 3;
            gitlab.every500 = 5;
            gitlab.externalUrl =
                    "https://gitlab.example.com"; // links name another host: they must not be followed there
            GitlabClient c = client(http, 6);
            List<JsonNode> items = all(c, gitlab.url(), gitlab.url() + "/api/v4/audit_events?per_page=100", "tok-1");
            assertEquals(250, items.size());
            Set<Long> ids = new HashSet<>();
            for (int i = 0; i < items.size(); i++) {
                ids.add(items.get(i).get("id").asLong());
                if (i > 0) {
                    assertFalse(
                            "newest first",
                            Instant.parse(items.get(i).get("created_at").asText())
                                    .isAfter(Instant.parse(
                                            items.get(i - 1).get("created_at").asText())));
                }
            }
            assertEquals(250, ids.size());
            assertEquals("3 pages of 100", 3, gitlab.served200.get());
            assertTrue(gitlab.served429.get() + gitlab.served500.get() > 0);
            assertEquals(gitlab.served429.get() + gitlab.served500.get(), c.retries);
            assertTrue("429 waits Retry-After: 1 s", waits.contains(1000L));
            assertEquals(Set.of("tok-1"), new HashSet<>(gitlab.tokensSeen));

            String group = gitlab.url() + "/api/v4/groups/acme/audit_events?per_page=100";
            assertEquals(40, all(c, gitlab.url(), group, "tok-1").size());
            assertEquals(
                    30,
                    all(
                                    c,
                                    gitlab.url(),
                                    gitlab.url() + "/api/v4/projects/acme%2Fweb/audit_events?per_page=100",
                                    "tok-1")
                            .size());
            assertEquals(
                    30,
                    all(c, gitlab.url(), gitlab.url() + "/api/v4/projects/7/audit_events?per_page=100", "tok-1")
                            .size());
            String window = gitlab.url() + "/api/v4/audit_events?per_page=100&created_after="
                    + now.minusSeconds(10).truncatedTo(ChronoUnit.SECONDS) + "&created_before=" + now;
            assertEquals(
                    "inclusive bounds: the events 1 to 10 s back",
                    10,
                    all(c, gitlab.url(), window, "tok-1").size());
        }
    }

    public void testErrorsCarryGitlabsMessageAndAHintButNeverTheToken() throws Exception {
        try (FakeGitlab gitlab = new FakeGitlab("right-token");
                HttpClient http = GitlabClient.newHttpClient()) {
            GitlabClient c = client(http, 2);
            GitlabApiException unauthorized = expectThrows(
                    GitlabApiException.class,
                    () -> c.get(gitlab.url(), gitlab.url() + "/api/v4/audit_events", "wrong-token"));
            assertEquals(401, unauthorized.status());
            assertEquals("401 Unauthorized", unauthorized.gitlabMessage());
            assertThat(unauthorized.hint(), containsString("read_api"));
            assertFalse(unauthorized.getMessage().contains("wrong-token"));

            gitlab.forbidden = Set.of("acme");
            GitlabApiException forbidden = expectThrows(
                    GitlabApiException.class,
                    () -> c.get(gitlab.url(), gitlab.url() + "/api/v4/groups/acme/audit_events", "right-token"));
            assertEquals(403, forbidden.status());
            assertEquals("403 Forbidden", forbidden.gitlabMessage());
            assertThat(forbidden.hint(), containsString("license tier"));

            GitlabApiException missing = expectThrows(
                    GitlabApiException.class,
                    () -> c.get(gitlab.url(), gitlab.url() + "/api/v4/groups/nope/audit_events", "right-token"));
            assertEquals(404, missing.status());
            assertEquals("404 Group Not Found", missing.gitlabMessage());

            GitlabApiException badToken = expectThrows(
                    GitlabApiException.class,
                    () -> c.get(gitlab.url(), gitlab.url() + "/api/v4/audit_events", "glpat-secret\nX-Injected: 1"));
            assertEquals(0, badToken.status());
            assertFalse("the token is not quoted", badToken.getMessage().contains("glpat-secret"));

            gitlab.every500 = 1; // every request fails: bounded retries, then the error
            GitlabApiException down = expectThrows(
                    GitlabApiException.class,
                    () -> c.get(gitlab.url(), gitlab.url() + "/api/v4/audit_events", "right-token"));
            assertEquals(500, down.status());
            assertEquals(2, c.retries);
        }
        // nothing listens any more: no answer, after the retries
        String closed;
        try (FakeGitlab gone = new FakeGitlab("t")) {
            closed = gone.url();
        }
        try (HttpClient http = GitlabClient.newHttpClient()) {
            GitlabClient c = client(http, 1);
            GitlabApiException none =
                    expectThrows(GitlabApiException.class, () -> c.get(closed, closed + "/api/v4/audit_events", "t"));
            assertEquals(0, none.status());
            assertThat(none.gitlabMessage(), containsString("no answer"));
        }
    }
}
