/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.ingest.AuditEngine;
import org.opensearch.common.settings.MockSecureSettings;
import org.opensearch.common.settings.Settings;
import org.opensearch.test.OpenSearchTestCase;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/**
 * GitLab streaming destinations without a node: which scope paths a destination covers, which destination a token
 * identifies (every configured token compared, the default one included), and the scope path the stream receiver
 * judges, read by the processor's own reader and normalizer.
 */
public class DestinationTests extends OpenSearchTestCase {

    public void testAGroupPathCoversEverythingBelowIt() {
        DestinationConfig acme = DestinationConfig.parse(
                "acme", Map.of("instance", "gitlab-acme", "scopes", List.of("acme", "Partner/Shared")));
        assertTrue(acme.covers("acme"));
        assertTrue(acme.covers("acme/web"));
        assertTrue(acme.covers("acme/sub/app"));
        assertTrue("GitLab paths are case-insensitive", acme.covers("ACME/Web"));
        assertTrue(acme.covers("partner/shared/tools"));
        assertFalse("a sibling with the same prefix is another group", acme.covers("acme-other/web"));
        assertFalse(acme.covers("partner"));
        assertFalse(acme.covers("partner/other"));
        assertFalse("an instance-level event lies outside every scope list", acme.covers(null));
        assertFalse(acme.covers(""));

        DestinationConfig instance = DestinationConfig.parse("whole", Map.of("instance", "gitlab-acme"));
        assertEquals(List.of(), instance.scopes());
        assertTrue("no scopes: no limit", instance.covers("anything/at/all"));
        assertTrue(instance.covers(null));
    }

    public void testBadConfigurationsNameTheField() {
        assertThat(
                expectThrows(
                                IllegalArgumentException.class,
                                () -> DestinationConfig.parse("x", Map.of("instance", "gitlab", "scopes", "acme")))
                        .getMessage(),
                containsString("[scopes] must be a list"));
        assertThat(
                expectThrows(
                                IllegalArgumentException.class,
                                () -> DestinationConfig.parse(
                                        "x", Map.of("instance", "gitlab", "scopes", List.of("a/"))))
                        .getMessage(),
                containsString("[scopes][0]"));
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> DestinationConfig.parse("x", Map.of()))
                        .getMessage(),
                containsString("[instance]"));
    }

    public void testATokenIdentifiesItsDestinationAndNoOther() {
        MockSecureSettings secure = new MockSecureSettings();
        secure.setString("devops_audit.gitlab.streaming_token", "legacy-token");
        secure.setString("devops_audit.destination.acme.token", "acme-token");
        secure.setString("devops_audit.destination.partner.token", "partner-token");
        secure.setString("devops_audit.destination.default.token", "shadow-token");
        Settings settings = Settings.builder().setSecureSettings(secure).build();
        StreamingToken legacy = new StreamingToken();
        legacy.load(settings);
        DestinationTokens tokens = new DestinationTokens(legacy);
        tokens.load(settings);

        assertTrue(tokens.configured());
        assertEquals("acme", tokens.identify("acme-token"));
        assertEquals("partner", tokens.identify("partner-token"));
        assertEquals(DestinationConfig.DEFAULT, tokens.identify("legacy-token"));
        for (String wrong : new String[] {null, "", "acme-toke", "acme-token ", "ACME-TOKEN", "shadow-token"}) {
            assertNull("[" + wrong + "]", tokens.identify(wrong));
        }
        assertTrue(tokens.hasToken("acme"));
        assertTrue(tokens.hasToken(DestinationConfig.DEFAULT));
        assertFalse(tokens.hasToken("nobody"));
        assertEquals("devops_audit.destination.acme.token", DestinationTokens.key("acme"));
        assertEquals("devops_audit.gitlab.streaming_token", DestinationTokens.key(DestinationConfig.DEFAULT));

        // a reload without the entries: nothing is identified any more
        Settings empty = Settings.EMPTY;
        legacy.load(empty);
        tokens.load(empty);
        assertFalse(tokens.configured());
        assertNull(tokens.identify("acme-token"));
        assertNull(tokens.identify("legacy-token"));
    }

    public void testTheScopePathIsTheProcessors() {
        AuditEngine engine = new AuditEngine();
        String stream = "{\"id\":\"5f0b7d3c-8a6e-4d52-9c1e-2b7a4f6d9e10\",\"author_id\":5,\"author_name\":\"alice\","
                + "\"entity_id\":7,\"entity_type\":\"Project\",\"entity_path\":\"acme/web\","
                + "\"event_type\":\"repository_git_operation\",\"created_at\":\"2024-05-10T17:46:49.058Z\"}";
        assertEquals("acme/web", engine.scopePath(stream));
        expectThrows(IllegalArgumentException.class, () -> engine.scopePath("{\"no\": \"event\"}"));
    }
}
