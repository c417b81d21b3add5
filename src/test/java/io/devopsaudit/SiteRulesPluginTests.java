/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit;

import io.devopsaudit.indicators.SiteRules;
import org.opensearch.OpenSearchParseException;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.env.TestEnvironment;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.Processor;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The plugin reads the site rule files from the node's config directory when the ingest service asks for its
 * processors (node start): their rules can be tuned like shipped ones, and a bad file fails the start naming it.
 */
public class SiteRulesPluginTests extends OpenSearchTestCase {

    private static final Path EXAMPLE =
            Path.of(System.getProperty("project.basedir", "."), "src/test/resources/site-rules/acme.yml");

    private Environment environmentWith(String fileName, String content) throws IOException {
        Environment env = TestEnvironment.newEnvironment(
                Settings.builder().put("path.home", createTempDir()).build());
        Path dir = env.configDir().resolve(SiteRules.DIR);
        Files.createDirectories(dir);
        if (content == null) Files.copy(EXAMPLE, dir.resolve(fileName));
        else Files.writeString(dir.resolve(fileName), content, StandardCharsets.UTF_8);
        return env;
    }

    private static Processor.Factory factory(Environment env) throws IOException {
        Processor.Parameters parameters =
                new Processor.Parameters(env, null, null, null, null, null, null, null, null, null);
        try (DevopsAuditPlugin plugin = new DevopsAuditPlugin()) {
            return plugin.getProcessors(parameters).get("devops_audit");
        }
    }

    public void testSiteRulesCanBeTunedLikeShippedOnes() throws Exception {
        Processor.Factory factory = factory(environmentWith("acme.yml", null));
        Map<String, Object> config = new HashMap<>(
                Map.of("disabled_rules", List.of("DA-GL-011"), "severity_overrides", Map.of("ACME-001", "critical")));
        Processor tuned = factory.create(null, "t", null, config);
        assertTrue(config.isEmpty());
        String event = "{\"id\":97001,\"author_id\":5,\"entity_id\":5,\"entity_type\":\"User\","
                + "\"event_type\":\"personal_access_token_created\",\"created_at\":\"2024-05-10T17:46:49.058Z\","
                + "\"details\":{\"author_name\":\"breakglass-site-rule-canary\"}}";
        IngestDocument plain = new IngestDocument("i", "1", null, null, null, new HashMap<>(Map.of("message", event)));
        factory.create(null, "t", null, new HashMap<>(Map.of("field", "message")))
                .execute(plain);
        assertEquals(List.of("DA-GL-011", "ACME-001"), plain.getFieldValue("rule.id", List.class));
        IngestDocument doc =
                new IngestDocument("i", "1", null, null, null, new HashMap<>(TestSupport.parseJson(event)));
        tuned.execute(doc);
        assertEquals(List.of("ACME-001"), doc.getFieldValue("rule.id", List.class));
        assertEquals("critical", doc.getFieldValue("audit.severity", String.class));

        OpenSearchParseException e = expectThrows(OpenSearchParseException.class, () -> factory(
                        environmentWith("other.yml", Files.readString(EXAMPLE).replace("ACME-001", "ACME-002")))
                .create(null, "t", null, new HashMap<>(Map.of("disabled_rules", List.of("ACME-001")))));
        assertThat(e.getMessage(), org.hamcrest.Matchers.startsWith("[disabled_rules] unknown rule id [ACME-001]"));
    }

    public void testABadSiteFileFailsTheStartNamingTheFileAndRule() throws Exception {
        Environment env = environmentWith("acme.yml", null);
        Path file = env.configDir().resolve(SiteRules.DIR).resolve("acme.yml");
        Files.writeString(file, Files.readString(file).replace("user.name", "user.nmae"), StandardCharsets.UTF_8);
        IllegalStateException e = expectThrows(IllegalStateException.class, () -> factory(env));
        assertEquals(
                "site rule file [" + file
                        + "] rule [ACME-001]: [user.nmae] is not a field of the record (see docs/schema.md)",
                e.getMessage());
    }
}
