/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.indicators;

import io.devopsaudit.TestSupport;
import io.devopsaudit.normalize.RecordBuilder;
import io.devopsaudit.schema.Fields;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

/** Site rule files in a config directory: loaded after the shipped rules, with the shipped rules' strict errors. */
public class SiteRulesTests extends OpenSearchTestCase {

    private static final Path EXAMPLE =
            Path.of(System.getProperty("project.basedir", "."), "src/test/resources/site-rules/acme.yml");

    private static final String RULE =
            """
              - id: %s
                name: Deploy key added to the payments project
                description: Payments takes deploy keys through change control only.
                class: %s
                severity: high
                risk_score: 73
                mitre: [T1098.004]
                platform: gitlab
                match:
                  action: [deploy_key_added]
                  in: {%s: [payments]}
            """;

    private Path config;

    @Override
    public void setUp() throws Exception {
        super.setUp();
        config = createTempDir();
    }

    private Path write(String name, String content) throws IOException {
        Path dir = config.resolve(SiteRules.DIR);
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static String rules(String... rules) {
        return "version: 1\nrules:\n" + String.join("", rules);
    }

    private static String rule(String id) {
        return rule(id, "persistent_access", "audit.target.name");
    }

    private static String rule(String id, String indicatorClass, String field) {
        return String.format(Locale.ROOT, RULE, id, indicatorClass, field);
    }

    private IllegalStateException fails() {
        return expectThrows(IllegalStateException.class, () -> SiteRules.load(TestSupport.RULES, config));
    }

    public void testNoDirectoryMeansTheShippedRules() throws IOException {
        assertSame(TestSupport.RULES, SiteRules.load(TestSupport.RULES, config));
        Files.createDirectories(config.resolve(SiteRules.DIR));
        write("notes.txt", "not a rule file");
        assertSame("only *.yml files are read", TestSupport.RULES, SiteRules.load(TestSupport.RULES, config));
    }

    public void testSiteRulesFollowTheShippedOnesInFileNameOrderAndTag() throws IOException {
        Files.createDirectories(config.resolve(SiteRules.DIR));
        Files.copy(EXAMPLE, config.resolve(SiteRules.DIR).resolve("b-acme.yml"));
        write("a-payments.yml", rules(rule("PAY-1")));
        RuleSet all = SiteRules.load(TestSupport.RULES, config);
        int shipped = TestSupport.RULES.rules().size();
        assertEquals(shipped + 2, all.rules().size());
        assertEquals(TestSupport.RULES.rules(), all.rules().subList(0, shipped));
        assertEquals("PAY-1", all.rules().get(shipped).id());
        assertEquals("ACME-001", all.rules().get(shipped + 1).id());
        assertEquals(
                "Deploy key added to the payments project", all.rule("PAY-1").name());
        assertEquals(shipped, TestSupport.RULES.rules().size());

        RecordBuilder record = new RecordBuilder();
        record.put(Fields.EVENT_ACTION, "deploy_key_added");
        record.put(Fields.AUDIT_TARGET_NAME, "Payments");
        all.tag("gitlab", record, SitePolicy.DEFAULT);
        // the shipped deploy-key rule fires on every deploy key; the site rule only on the payments project's
        assertEquals(List.of("DA-GL-009", "PAY-1"), record.get(Fields.RULE_ID));
        assertEquals("high", record.get(Fields.AUDIT_SEVERITY));
        assertTrue(((List<?>) record.get(Fields.THREAT_TECHNIQUE_NAME)).contains("SSH Authorized Keys"));

        RecordBuilder other = new RecordBuilder();
        other.put(Fields.EVENT_ACTION, "deploy_key_added");
        other.put(Fields.AUDIT_TARGET_NAME, "website");
        all.tag("gitlab", other, SitePolicy.DEFAULT);
        assertEquals(List.of("DA-GL-009"), other.get(Fields.RULE_ID));
    }

    public void testABadRuleNamesTheFileAndTheRule() throws IOException {
        Path file = write("site.yml", rules(rule("PAY-1"), rule("PAY-2", "persistent_access", "audit.taget.name")));
        assertEquals(
                "site rule file [" + file
                        + "] rule [PAY-2]: [audit.taget.name] is not a field of the record (see docs/schema.md)",
                fails().getMessage());

        write("site.yml", rules(rule("PAY-1", "insider_threat", "audit.target.name")));
        assertEquals(
                "site rule file [" + file + "] rule [PAY-1]: class [insider_threat] is not in [classes]",
                fails().getMessage());

        write("site.yml", rules(rule("PAY-1").replace("T1098.004", "T9999")));
        assertEquals(
                "site rule file [" + file + "] rule [PAY-1]: ATT&CK technique [T9999] is not in attack-techniques.tsv",
                fails().getMessage());

        write("site.yml", rules(rule("PAY-1").replace("severity: high", "severity: severe")));
        assertThat(
                fails().getMessage(),
                startsWith("site rule file [" + file + "] rule [PAY-1]: severity [severe] must be one of"));

        write("site.yml", rules(rule("PAY-1").replace("    platform: gitlab\n", "")));
        assertEquals("site rule file [" + file + "] rule [PAY-1]: [platform] is required", fails().getMessage());
    }

    public void testIdsMustBeUnique() throws IOException {
        Path file = write("site.yml", rules(rule("DA-GL-011")));
        assertEquals(
                "site rule file [" + file + "] rule [DA-GL-011] is already defined in the shipped rules.yml",
                fails().getMessage());

        write("site.yml", rules(rule("DA-SITE-1")));
        assertEquals(
                "site rule file [" + file
                        + "] rule [DA-SITE-1]: ids starting with [DA-] are reserved for shipped rules",
                fails().getMessage());

        write("site.yml", rules(rule("PAY-1"), rule("PAY-1")));
        assertEquals("site rule file [" + file + "] rule [PAY-1] is defined twice", fails().getMessage());

        Path second = write("z-more.yml", rules(rule("PAY-1")));
        write("site.yml", rules(rule("PAY-1")));
        assertEquals(
                "site rule file [" + second + "] rule [PAY-1] is already defined in site rule file [" + file + "]",
                fails().getMessage());
    }

    public void testTheFileItselfIsChecked() throws IOException {
        Path file = write(
                "site.yml", "classes: [insider_threat]\n" + rules(rule("PAY-1")).substring("version: 1\n".length()));
        assertThat(
                fails().getMessage(),
                startsWith("site rule file [" + file
                        + "]: [classes] cannot be extended, rules use the shipped classes ["));

        write("site.yml", "version: 2\nrules: []\n");
        assertEquals("site rule file [" + file + "]: [version] must be 1, found [2]", fails().getMessage());

        write("site.yml", "version: 1\nrule:\n" + rule("PAY-1"));
        assertEquals(
                "site rule file [" + file + "]: unknown key [rule], expected [version, rules]", fails().getMessage());

        write("site.yml", "version: 1\nrules: []\n");
        assertEquals("site rule file [" + file + "] must have a non-empty list [rules]", fails().getMessage());

        write("site.yml", "");
        assertEquals("site rule file [" + file + "] must have a non-empty list [rules]", fails().getMessage());

        write("site.yml", "version: 1\nrules:\n  - id: PAY-1\n    name: [unclosed\n");
        IllegalStateException e = fails();
        assertThat(e.getMessage(), startsWith("site rule file [" + file + "] cannot be read as YAML: "));
        assertThat("the YAML error says where", e.getMessage(), containsString("line"));

        write("site.yml", "rules:\n  - just a string\n");
        assertEquals("site rule file [" + file + "] rule #1 is not an object", fails().getMessage());
    }

    public void testTheRulesDirectoryMustBeADirectory() throws IOException {
        Files.createDirectories(config.resolve("devops-audit"));
        Files.writeString(config.resolve(SiteRules.DIR), "x", StandardCharsets.UTF_8);
        assertEquals(
                "site rules [" + config.resolve(SiteRules.DIR) + "] must be a directory of *.yml files",
                fails().getMessage());
    }
}
