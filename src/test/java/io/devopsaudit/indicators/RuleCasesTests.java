/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.indicators;

import io.devopsaudit.TestSupport;
import io.devopsaudit.normalize.RecordBuilder;
import io.devopsaudit.schema.Fields;
import org.hamcrest.Matchers;
import org.opensearch.common.xcontent.yaml.YamlXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Data-driven: every rule of rules.yml has positive and negative cases in rule-cases.yml that it must match and
 * must not match. A rule without both fails the build, as does an action name no taxonomy lists (a typo would make
 * a rule silently dead) and a docs/indicators.md that is not the one generated from the rules.
 */
public class RuleCasesTests extends OpenSearchTestCase {

    private static final Path BASE = Path.of(System.getProperty("project.basedir", "."));

    @SuppressWarnings("unchecked")
    static Map<String, Object> cases() throws IOException {
        try (XContentParser p = YamlXContent.yamlXContent.createParser(
                NamedXContentRegistry.EMPTY,
                DeprecationHandler.THROW_UNSUPPORTED_OPERATION,
                Files.newInputStream(BASE.resolve("src/test/resources/indicators/rule-cases.yml")))) {
            return p.map();
        }
    }

    @SuppressWarnings("unchecked")
    public void testEveryRuleMatchesItsPositiveAndNotItsNegativeCases() throws IOException {
        Map<String, Object> cases = cases();
        List<String> problems = new ArrayList<>();
        for (Rule rule : TestSupport.RULES.rules()) {
            Map<String, Object> ruleCases = (Map<String, Object>) cases.get(rule.id());
            if (ruleCases == null
                    || ruleCases.get("positive") instanceof List == false
                    || ruleCases.get("negative") instanceof List == false
                    || ((List<?>) ruleCases.get("positive")).isEmpty()
                    || ((List<?>) ruleCases.get("negative")).isEmpty()) {
                problems.add(rule.id() + ": needs at least one positive and one negative case in rule-cases.yml");
                continue;
            }
            for (String kind : List.of("positive", "negative")) {
                for (Object c : (List<Object>) ruleCases.get(kind)) {
                    Map<String, Object> fields = (Map<String, Object>) c;
                    String provider = String.valueOf(fields.getOrDefault(Fields.EVENT_PROVIDER, "gitlab"));
                    boolean matched = rule.matches(provider, record(fields, problems, rule.id()), policy(fields));
                    if (matched != kind.equals("positive")) {
                        problems.add(rule.id() + ": " + kind + " case " + fields
                                + (matched ? " matched" : " did not match"));
                    }
                }
            }
        }
        List<String> orphanCases = cases.keySet().stream()
                .filter(id -> TestSupport.RULES.rules().stream().noneMatch(r -> r.id().equals(id)))
                .toList();
        assertEquals("cases for rules that do not exist", List.of(), orphanCases);
        assertEquals(String.join("\n", problems), 0, problems.size());
        assertTrue(
                "the rule set covers at least 30 detections",
                TestSupport.RULES.rules().size() >= 30);
    }

    @SuppressWarnings("unchecked")
    public void testEveryActionNamedByARuleIsInTheTaxonomy() {
        List<String> unknown = new ArrayList<>();
        for (Rule rule : TestSupport.RULES.rules()) {
            for (Object action : actions(rule.match())) {
                boolean known = List.of("gitlab", "circleci").stream()
                        .filter(p ->
                                rule.platform().equals("any") || rule.platform().equals(p))
                        .anyMatch(p -> TestSupport.TAXONOMY.actions(p).contains(action.toString()));
                if (known == false) unknown.add(rule.id() + ": " + action);
            }
        }
        assertEquals(List.of(), unknown);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> actions(Map<String, Object> match) {
        List<Object> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : match.entrySet()) {
            if (e.getKey().equals("action")) out.addAll(e.getValue() instanceof List<?> l ? l : List.of(e.getValue()));
            if (e.getKey().equals("any_of"))
                for (Object g : (List<Object>) e.getValue()) out.addAll(actions((Map<String, Object>) g));
        }
        return out;
    }

    public void testRequiredIndicatorClassesExist() {
        for (String c : List.of(
                "security_downgrade",
                "data_exposure",
                "privilege_escalation",
                "persistent_access",
                "secret_exposure",
                "data_destruction",
                "credential_risk",
                "untrusted_source")) {
            assertTrue(c, TestSupport.RULES.rules().stream().anyMatch(r -> r.indicatorClass()
                    .equals(c)));
        }
    }

    public void testMalformedRulesFailNamingTheRule() {
        Map<String, String> techniques = Map.of("T1078", "Valid Accounts");
        Map<String, Object> base = Map.of(
                "id",
                "X-1",
                "name",
                "n",
                "description",
                "d",
                "class",
                "c",
                "severity",
                "high",
                "risk_score",
                50,
                "mitre",
                List.of("T1078"),
                "platform",
                "gitlab",
                "match",
                Map.of("action", List.of("a")));
        assertNotNull(RuleSet.parse(Map.of("classes", List.of("c"), "rules", List.of(base)), techniques));
        Map<String, Object> bad = new HashMap<>(base);
        bad.put("match", Map.of("in", Map.of("audit.chnage.to", List.of("x"))));
        IllegalStateException e = expectThrows(
                IllegalStateException.class,
                () -> RuleSet.parse(Map.of("classes", List.of("c"), "rules", List.of(bad)), techniques));
        assertEquals(
                "data file [rules.yml] rule [X-1]: [audit.chnage.to] is not a field of the record (see docs/schema.md)",
                e.getMessage());
        bad.put("match", Map.of("cidr", Map.of("source.ip", List.of("10.0.0.0/33"))));
        e = expectThrows(
                IllegalStateException.class,
                () -> RuleSet.parse(Map.of("classes", List.of("c"), "rules", List.of(bad)), techniques));
        assertEquals(
                "data file [rules.yml] rule [X-1]: [10.0.0.0/33] is not a CIDR network (like 192.0.2.0/24) or an IP address",
                e.getMessage());
        bad.put("match", Map.of("action", List.of("a")));
        bad.put("sources", List.of("circleci_json"));
        e = expectThrows(
                IllegalStateException.class,
                () -> RuleSet.parse(Map.of("classes", List.of("c"), "rules", List.of(bad)), techniques));
        assertThat(
                e.getMessage(),
                Matchers.startsWith(
                        "data file [rules.yml] rule [X-1]: source [circleci_json] is not an input shape of platform [gitlab]"));
        bad.remove("sources");
        bad.put("match", Map.of("action", List.of("a")));
        bad.put("severity", "extreme");
        e = expectThrows(
                IllegalStateException.class,
                () -> RuleSet.parse(Map.of("classes", List.of("c"), "rules", List.of(bad)), techniques));
        assertThat(
                e.getMessage(),
                Matchers.startsWith("data file [rules.yml] rule [X-1]: severity [extreme] must be one of"));
    }

    public void testIndicatorsDocIsGeneratedFromTheRules() throws IOException {
        String expected = indicatorsDoc();
        Path doc = BASE.resolve("docs/indicators.md");
        if (Boolean.getBoolean("indicators.docs.update")) {
            Files.writeString(doc, expected, StandardCharsets.UTF_8);
        }
        assertEquals(
                "docs/indicators.md is out of date: run mvn test -Dtest=RuleCasesTests -Dindicators.docs.update=true",
                expected,
                Files.readString(doc, StandardCharsets.UTF_8));
    }

    static String indicatorsDoc() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Security indicator rules\n\n")
                .append(
                        "Generated from `src/main/resources/io/devopsaudit/indicators/rules.yml` by `RuleCasesTests` (do not edit by hand:\n")
                .append(
                        "`mvn test -Dtest=RuleCasesTests -Dindicators.docs.update=true`). Each rule is tested with positive and negative cases in\n")
                .append(
                        "`src/test/resources/indicators/rule-cases.yml`. A matching event gets `audit.indicators` (the class), `rule.id`,\n")
                .append(
                        "`rule.name`, `event.severity` (low 1, medium 2, high 3, critical 4) and `audit.severity` of the most severe match,\n")
                .append(
                        "`audit.indicator_severity` (`<class>:<severity>`, the most severe match of each class; the monitors read this),\n")
                .append(
                        "`event.risk_score` (highest), `threat.technique.id`/`.name`, and the tag `security_indicator`.\n\n")
                .append(
                        "**sources** lists the input shapes on which a rule is proven to fire by a raw event of that shape\n")
                .append(
                        "(`src/test/resources/indicators/raw/<id>.yml`, run through the processor by `RawRuleCasesTests`); a shape\n")
                .append(
                        "that is not listed does not carry what the rule reads (for example GitLab's CSV export has no `details`).\n")
                .append(
                        "Each raw GitLab positive states in `source` where GitLab writes that shape: the `Gitlab::Audit::Auditor` call\n")
                .append(
                        "or the spec pinning its details (repository@commit:path), `Audit::Details` for CSV sentences; a citation of a\n")
                .append(
                        "classification table's file:line must match the event. CircleCI cases carry only CircleCI's documented fields.\n")
                .append("ATT&CK coverage of these rules and of the monitors: [coverage.md](coverage.md).\n")
                .append(
                        "A site can switch rules off, change their severity and add its own rules: [tuning.md](tuning.md).\n\n")
                .append(TestSupport.RULES.rules().size())
                .append(" rules.\n\n")
                .append(
                        "| id | name | platform | sources | class | severity | risk | ATT&CK | match |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Rule r : TestSupport.RULES.rules()) {
            sb.append("| ")
                    .append(r.id())
                    .append(" | ")
                    .append(r.name())
                    .append(" | ")
                    .append(r.platform())
                    .append(" | ")
                    .append(String.join(", ", r.sources()))
                    .append(" | ")
                    .append(r.indicatorClass())
                    .append(" | ")
                    .append(r.severity())
                    .append(" | ")
                    .append(r.riskScore())
                    .append(" | ")
                    .append(r.techniques().stream()
                            .map(t -> t + " " + TestSupport.RULES.techniques().get(t))
                            .collect(Collectors.joining(", ")))
                    .append(" | `")
                    .append(r.match().toString().replace("|", "\\|"))
                    .append("` |\n");
        }
        sb.append("\n## Descriptions\n\n");
        for (Rule r : TestSupport.RULES.rules()) {
            sb.append("- **")
                    .append(r.id())
                    .append("** ")
                    .append(r.description())
                    .append('\n');
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static RecordBuilder record(Map<String, Object> fields, List<String> problems, String ruleId) {
        RecordBuilder b = new RecordBuilder();
        b.put(Fields.EVENT_PROVIDER, "gitlab");
        b.put(Fields.TIMESTAMP, "2024-03-01T00:00:00.000Z");
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            String k = e.getKey();
            if (k.equals("policy")) continue;
            if (Fields.ALL.contains(k) == false
                    && k.equals(Fields.GITLAB_AUDIT) == false
                    && k.equals(Fields.CIRCLECI_AUDIT) == false) {
                problems.add(ruleId + ": case field [" + k + "] is not a field of the record");
            }
            b.put(
                    k,
                    Fields.ARRAYS.contains(k) && e.getValue() instanceof List == false
                            ? List.of(e.getValue())
                            : e.getValue());
        }
        return b;
    }

    @SuppressWarnings("unchecked")
    private static SitePolicy policy(Map<String, Object> fields) {
        Map<String, Object> p = (Map<String, Object>) fields.get("policy");
        if (p == null) return SitePolicy.DEFAULT;
        List<Cidr> nets = ((List<Object>) p.getOrDefault("trusted_networks", List.of()))
                .stream().map(o -> Cidr.parse(o.toString())).toList();
        List<String> roles = ((List<Object>) p.getOrDefault("privileged_roles", SitePolicy.DEFAULT_PRIVILEGED_ROLES))
                .stream().map(Object::toString).toList();
        return new SitePolicy(nets, SitePolicy.lower(roles));
    }
}
