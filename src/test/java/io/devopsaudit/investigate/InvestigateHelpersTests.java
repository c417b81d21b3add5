/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import org.opensearch.common.settings.MockSecureSettings;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.test.OpenSearchTestCase;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;

/** The pure parts of investigation: report parameters, CSV rendering, keyed pseudonyms, context windows. */
public class InvestigateHelpersTests extends OpenSearchTestCase {

    private static Pseudonyms keyed(String key) {
        MockSecureSettings secure = new MockSecureSettings();
        secure.setString(Pseudonyms.KEY.getKey(), key);
        Pseudonyms p = new Pseudonyms();
        p.load(Settings.builder().setSecureSettings(secure).build());
        return p;
    }

    public void testPseudonymsAreStableCaseInsensitiveAndKeyed() {
        Pseudonyms a = keyed("first-key-" + randomAlphaOfLength(8));
        String alice = a.of("user", "alice");
        assertThat(alice, matchesPattern("user-[0-9a-f]{20}"));
        assertEquals(alice, a.of("user", "ALICE"));
        assertNotEquals(alice, a.of("ip", "alice"));
        assertNotEquals(alice, a.of("user", "bob"));
        assertNotEquals(
                "another key, another pseudonym",
                alice,
                keyed("second-key-" + randomAlphaOfLength(8)).of("user", "alice"));
        Pseudonyms none = new Pseudonyms();
        none.load(Settings.EMPTY);
        assertFalse(none.configured());
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> none.of("user", "alice"))
                        .getMessage(),
                containsString("[redact]"));
    }

    public void testReportParametersDefaultsAndErrorsNameTheParameter() {
        Instant now = Instant.parse("2024-03-08T12:00:00Z");
        AccessReport.Params p = AccessReport.parse(Map.of("scope", " acme/web "), now);
        assertEquals(List.of("acme/web"), p.filter().scopes());
        assertEquals("acme/web", p.filter().scopeForAnswer());
        assertEquals(now, p.filter().to());
        assertEquals(now.minus(Duration.ofDays(7)), p.filter().from());
        assertFalse(p.detail());
        assertTrue(p.withDetail().detail());
        assertEquals(p.filter(), p.withDetail().filter());

        assertThat(
                expectThrows(IllegalArgumentException.class, () -> AccessReport.parse(Map.of(), now))
                        .getMessage(),
                containsString("[scope] is required"));
        assertThat(
                expectThrows(
                                IllegalArgumentException.class,
                                () -> AccessReport.parse(Map.of("scope", "a", "colour", 1), now))
                        .getMessage(),
                containsString("unknown parameter [colour]"));
        assertThat(
                expectThrows(
                                IllegalArgumentException.class,
                                () -> AccessReport.parse(
                                        Map.of("scope", "a", "exclude_networks", List.of("10.0.0.0/33")), now))
                        .getMessage(),
                containsString("[exclude_networks]"));
        assertThat(
                expectThrows(
                                IllegalArgumentException.class,
                                () -> AccessReport.parse(
                                        Map.of(
                                                "scope",
                                                "a",
                                                "from",
                                                "2024-03-09T00:00:00Z",
                                                "to",
                                                "2024-03-08T00:00:00Z"),
                                        now))
                        .getMessage(),
                containsString("[from] must not be after [to]"));
        assertThat(
                expectThrows(
                                IllegalArgumentException.class,
                                () -> AccessReport.parse(Map.of("scope", "a", "to", "yesterday"), now))
                        .getMessage(),
                containsString("[to] must be an ISO-8601 time"));
        assertThat(
                expectThrows(
                                IllegalArgumentException.class,
                                () -> AccessReport.parse(Map.of("scope", "a", "detail", "yes"), now))
                        .getMessage(),
                containsString("[detail] must be true or false"));
    }

    public void testCsvHasOneRowPerUserAndAddressQuotedWhereNeeded() {
        List<AccessReportResult.UserRow> users = List.of(new AccessReportResult.UserRow(
                "mallory, the", 3, List.of("203.0.113.9", "198.51.100.1"), List.of("curl/8"), "f1", "l1"));
        List<AccessReportResult.IpRow> ips = List.of(new AccessReportResult.IpRow(
                "203.0.113.9", 2, List.of("mallory, the"), List.of("NL"), List.of(64496L), "f2", "l2"));
        assertEquals(
                "kind,identity,accesses,related,first,last\n"
                        + "user,\"mallory, the\",3,\"203.0.113.9 198.51.100.1\",f1,l1\n"
                        + "ip,203.0.113.9,2,\"mallory, the\",f2,l2\n",
                AccessReport.csv(users, ips));
        assertEquals("kind,identity,accesses,related,first,last\n", AccessReport.csv(List.of(), List.of()));
    }

    public void testContextWindows() {
        assertEquals(TimeValue.timeValueMinutes(15), ChangeContext.duration("before", null));
        assertEquals(TimeValue.timeValueHours(2), ChangeContext.duration("after", "2h"));
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> ChangeContext.duration("before", "400d"))
                        .getMessage(),
                containsString("[before] must be a duration such as 15m, 2h or 1d (at most 366d)"));
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> ChangeContext.duration("after", "soon"))
                        .getMessage(),
                containsString("[after]"));
    }

    public void testIdentitiesJoinOnlyKeysOfTheSameKindPerInstance() {
        Identities.User carol = new Identities.User("gitlab", "gitlab-acme", "70", "carol");
        assertTrue(carol.sameAs(new Identities.User("gitlab", "gitlab-acme", "70", "carol.renamed")));
        assertFalse("another instance", carol.sameAs(new Identities.User("gitlab", "gitlab-other", "70", "carol")));
        assertFalse(
                "ids differ: not the same user",
                carol.sameAs(new Identities.User("gitlab", "gitlab-acme", "71", "carol")));
        assertFalse(
                "an id is joined with ids only, never with a name",
                carol.sameAs(new Identities.User("gitlab", "gitlab-acme", null, "carol")));
        assertFalse(
                "a name equal to another user's id is a name",
                new Identities.User("gitlab", "gitlab-acme", "777", "u777")
                        .sameAs(new Identities.User("gitlab", "gitlab-acme", null, "777")));
        assertTrue(
                "known by name only: by name",
                new Identities.User("gitlab", "gitlab-acme", null, "carol")
                        .sameAs(new Identities.User("gitlab", "gitlab-acme", null, "carol")));
        Identities.User anonymous = new Identities.User("gitlab", null, "-1", "bob");
        assertNull("pseudo-author ids are no identity", anonymous.id());
        assertFalse(anonymous.sameAs(new Identities.User("gitlab", null, "-1", "alice")));
        assertTrue(Identities.inDomains("Carol@Example.COM", List.of("@example.com")));
        assertFalse(Identities.inDomains("carol@notexample.com", List.of("example.com")));
        assertFalse(Identities.inDomains("carol@example.com.evil.net", List.of("example.com")));
    }

    public void testExportParameters() {
        Instant now = Instant.parse("2024-03-08T12:00:00Z");
        Export.Params p = Export.parse(Map.of("scope", List.of("acme/web", " acme/api ")), "csv", now);
        assertEquals(List.of("acme/web", "acme/api"), p.filter().scopes());
        assertTrue(p.csv());
        assertEquals(now.minus(Duration.ofDays(7)), p.filter().from());
        assertEquals(
                List.of("acme"),
                Export.parse(Map.of("scope", "acme"), "ndjson", now).filter().scopes());
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> Export.parse(Map.of("scope", "a"), "xml", now))
                        .getMessage(),
                containsString("[format] must be ndjson or csv, found [xml]"));
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> Export.parse(Map.of("scope", List.of()), "csv", now))
                        .getMessage(),
                containsString("[scope] is required"));
        assertThat(
                expectThrows(
                                IllegalArgumentException.class,
                                () -> Export.parse(Map.of("scope", "a", "detail", true), "csv", now))
                        .getMessage(),
                containsString("unknown parameter [detail]"));
        assertEquals("b", Export.value(Map.of("a", Map.of("x", "b")), "a.x"));
        assertEquals("1 2", Export.value(Map.of("a", List.of(1, 2)), "a"));
        assertNull(Export.value(Map.of("a", "flat"), "a.x"));
    }

    public void testSameObjectOnlyForAnObject() {
        assertNull(
                "no target, no project or group",
                ChangeContext.sameObject(Map.of("event", Map.of("provider", "gitlab"))));
        String q = ChangeContext.sameObject(Map.of(
                        "event", Map.of("provider", "gitlab"),
                        "audit",
                                Map.of(
                                        "scope", Map.of("type", "group", "id", "3", "path", "acme"),
                                        "target", Map.of("type", "User", "id", "3", "name", "dan"))))
                .toString();
        assertThat(q, containsString("audit.target.id"));
        assertFalse("a user target with the group's id is not the group itself", q.contains("audit.scope.path"));
        q = ChangeContext.sameObject(Map.of(
                        "event", Map.of("provider", "gitlab"),
                        "audit",
                                Map.of(
                                        "scope", Map.of("type", "project", "id", "12", "path", "acme/web"),
                                        "target", Map.of("type", "Project", "id", "12", "name", "acme/web"))))
                .toString();
        assertThat(q, containsString("audit.scope.path"));
    }

    public void testIdentityTargetTypesAreAccountsAndCredentials() {
        for (String t : List.of(
                "User",
                "DeployKey",
                "Key",
                "GpgKey",
                "PersonalAccessToken",
                "DeployToken",
                "Clusters::AgentToken",
                "bot")) assertTrue(t, Pseudonyms.identityType(t));
        for (String t :
                List.of("Project", "Group", "MemberRole", "Ci::Variable", "Doorkeeper::Application", "PushRule"))
            assertFalse(t, Pseudonyms.identityType(t));
        assertFalse(Pseudonyms.identityType(null));
    }
}
