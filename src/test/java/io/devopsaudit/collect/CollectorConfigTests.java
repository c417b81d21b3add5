/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import org.opensearch.test.OpenSearchTestCase;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

/** A collector's configuration: every field checked, each refusal naming its field, and the stored form read back. */
public class CollectorConfigTests extends OpenSearchTestCase {

    static Map<String, Object> valid() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "gitlab");
        body.put("url", "https://gitlab.example.com/");
        body.put(
                "scopes",
                List.of(
                        Map.of("instance", true),
                        Map.of("group", "acme"),
                        Map.of("project", 7),
                        Map.of("project", "acme/web")));
        body.put("interval", "5m");
        body.put("since", "2025-01-01T00:00:00Z");
        body.put("event_types", List.of("member_updated"));
        body.put("instance", "gitlab-prod");
        return body;
    }

    public void testAValidConfigurationParsesAndRoundTrips() {
        CollectorConfig c = CollectorConfig.parse("prod", valid());
        assertEquals("https://gitlab.example.com", c.url());
        assertEquals(
                List.of("instance", "group:acme", "project:7", "project:acme/web"),
                c.scopes().stream().map(CollectorConfig.Scope::key).toList());
        assertEquals(
                List.of(
                        "/audit_events",
                        "/groups/acme/audit_events",
                        "/projects/7/audit_events",
                        "/projects/acme%2Fweb/audit_events"),
                c.scopes().stream().map(CollectorConfig.Scope::apiPath).toList());
        assertEquals(300_000, c.interval().millis());
        assertEquals(Instant.parse("2025-01-01T00:00:00Z"), c.since());
        assertEquals(c, CollectorConfig.parse("prod", c.toMap()));
        assertTrue(c.wanted("member_updated"));
        assertFalse(c.wanted("user_email_changed"));
        assertFalse("an event without a name passes no filter", c.wanted(null));
        Map<String, Object> noFilter = valid();
        noFilter.remove("event_types");
        noFilter.remove("instance");
        CollectorConfig open = CollectorConfig.parse("prod", noFilter);
        assertTrue(open.wanted(null));
        assertNull(open.instance());
        assertEquals(open, CollectorConfig.parse("prod", open.toMap()));
        assertEquals(
                1000,
                CollectorConfig.parse("prod", with("interval", "1s")).interval().millis());
    }

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> body = valid();
        body.put(key, value);
        return body;
    }

    private static void refused(Map<String, Object> body, String field) {
        IllegalArgumentException e =
                expectThrows(IllegalArgumentException.class, () -> CollectorConfig.parse("prod", body));
        assertThat(e.getMessage(), startsWith(field));
    }

    public void testEveryBadFieldIsRefusedNamingIt() {
        refused(with("type", "github"), "[type]");
        refused(with("url", "ftp://gitlab.example.com"), "[url]");
        refused(with("url", "gitlab.example.com"), "[url]");
        refused(with("url", "https://user:pw@gitlab.example.com"), "[url]");
        refused(with("url", "https://gitlab.example.com/?x=1"), "[url]");
        refused(with("url", 5), "[url]");
        refused(with("scopes", List.of()), "[scopes]");
        refused(with("scopes", "acme"), "[scopes]");
        refused(with("scopes", List.of(Map.of("instance", false))), "[scopes.0]");
        refused(with("scopes", List.of(Map.of("group", "acme"), Map.of("team", "x"))), "[scopes.1]");
        refused(with("scopes", List.of(Map.of("group", ""))), "[scopes.0]");
        refused(with("scopes", List.of(Map.of("group", 0))), "[scopes.0]");
        refused(with("scopes", List.of(Map.of("group", "acme", "project", "x"))), "[scopes.0]");
        refused(with("scopes", List.of(Map.of("group", "acme"), Map.of("group", "acme"))), "[scopes.1]");
        refused(with("interval", "500ms"), "[interval]");
        refused(with("interval", "often"), "[interval]");
        refused(with("interval", 60), "[interval]");
        refused(with("since", "2025-01-01"), "[since]");
        refused(with("since", null), "[since]");
        refused(with("event_types", "member_updated"), "[event_types]");
        refused(with("event_types", List.of(3)), "[event_types]");
        refused(with("instance", "Prod GitLab"), "[instance]");
        refused(with("token", "glpat-secret"), "[token]");
        IllegalArgumentException name =
                expectThrows(IllegalArgumentException.class, () -> CollectorConfig.parse("a.b", valid()));
        assertThat(name.getMessage(), containsString("[name]"));
    }

    public void testWhereATokenMayGo() {
        assertEquals("https://gitlab.example.com:443", TokenDestination.origin("https://GitLab.example.com/gitlab"));
        assertEquals("http://127.0.0.1:8080", TokenDestination.origin("http://127.0.0.1:8080"));
        assertEquals("http://localhost:80", TokenDestination.origin("http://localhost"));
        assertNotEquals(
                TokenDestination.origin("http://127.0.0.1:8080"), TokenDestination.origin("http://127.0.0.1:8081"));
        assertNotEquals(
                TokenDestination.origin("https://gitlab.example.com"),
                TokenDestination.origin("http://gitlab.example.com"));
        for (String url : List.of(
                "http://127.0.0.1:9",
                "http://127.255.0.3",
                "http://localhost:9",
                "http://LOCALHOST",
                "http://[::1]:9")) {
            assertTrue(url, TokenDestination.loopback(url));
            TokenDestination.requireSecureTransport(url);
        }
        for (String url : List.of(
                "http://gitlab.example.com",
                "http://10.0.0.1",
                "http://128.0.0.1",
                "http://[2001:db8::1]",
                "http://localhost.example.com",
                "http://127.0.0.1.example.com")) {
            assertFalse(url, TokenDestination.loopback(url));
            IllegalArgumentException e =
                    expectThrows(IllegalArgumentException.class, () -> TokenDestination.requireSecureTransport(url));
            assertThat(e.getMessage(), startsWith("[url] plain http://"));
        }
        TokenDestination.requireSecureTransport("https://gitlab.example.com");
        String digest = TokenDestination.digest("glpat-a");
        assertEquals(64, digest.length());
        assertFalse("the digest is not the token", digest.contains("glpat"));
        assertNotEquals(digest, TokenDestination.digest("glpat-b"));
    }
}
