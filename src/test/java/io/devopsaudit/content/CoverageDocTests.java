/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import io.devopsaudit.TestSupport;
import io.devopsaudit.classify.TsvResource;
import io.devopsaudit.indicators.Rule;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/coverage.md, the ATT&CK coverage matrix (tactic, technique, the rules and monitors that detect it), is generated
 * from rules.yml, attack-techniques.tsv and monitors.json; this test fails when the file is stale. Regenerate with
 * {@code mvn test -Dtest=CoverageDocTests -Dcoverage.docs.update=true}.
 */
public class CoverageDocTests extends OpenSearchTestCase {

    /** The Enterprise tactics in ATT&CK's own order (kill-chain phase names). */
    static final List<String> TACTICS = List.of(
            "reconnaissance",
            "resource-development",
            "initial-access",
            "execution",
            "persistence",
            "privilege-escalation",
            "defense-evasion",
            "credential-access",
            "discovery",
            "lateral-movement",
            "collection",
            "command-and-control",
            "exfiltration",
            "impact");

    private static final Pattern TECHNIQUE = Pattern.compile("\\bT\\d{4}(?:\\.\\d{3})?\\b");

    public void testCoverageDocIsGeneratedFromRulesAndMonitors() throws IOException {
        String expected = coverageDoc();
        Path doc = ContentFiles.base().resolve("docs/coverage.md");
        if (Boolean.getBoolean("coverage.docs.update")) {
            Files.writeString(doc, expected, StandardCharsets.UTF_8);
        }
        assertTrue(
                "docs/coverage.md is missing: run mvn test -Dtest=CoverageDocTests -Dcoverage.docs.update=true",
                Files.exists(doc));
        assertEquals(
                "docs/coverage.md is out of date: run mvn test -Dtest=CoverageDocTests -Dcoverage.docs.update=true",
                expected,
                Files.readString(doc, StandardCharsets.UTF_8));
    }

    public void testEveryTechniqueAMonitorNamesIsKnown() {
        Map<String, String[]> techniques = techniques();
        for (Map.Entry<String, List<String>> e : monitorTechniques().entrySet()) {
            for (String t : e.getValue()) {
                assertTrue(
                        e.getKey() + " names " + t + ", which is not in attack-techniques.tsv",
                        techniques.containsKey(t));
            }
        }
    }

    /** id → {name, tactics} from attack-techniques.tsv. */
    static Map<String, String[]> techniques() {
        Map<String, String[]> out = new TreeMap<>();
        for (TsvResource.Row row : TsvResource.read(
                "/io/devopsaudit/indicators/attack-techniques.tsv", List.of("id", "name", "tactics"))) {
            out.put(row.get(0), new String[] {row.get(1), row.get(2)});
        }
        return out;
    }

    /**
     * Monitor name → techniques: a per-class doc-level monitor covers the techniques of the high and critical rules
     * of its class (what it alerts on); a threshold monitor names its techniques in its message ("(T1110/T1621)").
     */
    @SuppressWarnings("unchecked")
    static Map<String, List<String>> monitorTechniques() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map<String, Object> m : ContentFiles.monitors()) {
            String name = (String) m.get("name");
            TreeSet<String> ids = new TreeSet<>();
            if ("doc_level_monitor".equals(m.get("monitor_type"))) {
                for (Map<String, Object> input : (List<Map<String, Object>>) m.get("inputs")) {
                    for (Map<String, Object> q : (List<Map<String, Object>>)
                            ((Map<String, Object>) input.get("doc_level_input")).get("queries")) {
                        String cls = (String) q.get("name");
                        for (Rule r : TestSupport.RULES.rules()) {
                            if (r.indicatorClass().equals(cls)
                                    && (r.severity().equals("high")
                                            || r.severity().equals("critical"))) {
                                ids.addAll(r.techniques());
                            }
                        }
                    }
                }
            } else {
                Matcher matcher = TECHNIQUE.matcher(TestSupport.prettyJson(Map.of("m", m)));
                while (matcher.find()) ids.add(matcher.group());
            }
            out.put(name, new ArrayList<>(ids));
        }
        return out;
    }

    static String coverageDoc() {
        Map<String, String[]> techniques = techniques();
        Map<String, List<String>> monitors = monitorTechniques();
        StringBuilder sb = new StringBuilder();
        sb.append("# ATT&CK coverage\n\n")
                .append(
                        "Generated by `CoverageDocTests` from `src/main/resources/io/devopsaudit/indicators/rules.yml`,\n")
                .append(
                        "`attack-techniques.tsv` (technique names and tactics of the ATT&CK release named in its header, checked by\n")
                .append(
                        "`tools/attack_techniques.py`) and `src/main/resources/io/devopsaudit/content/monitors.json`; do not edit by hand:\n")
                .append(
                        "`mvn test -Dtest=CoverageDocTests -Dcoverage.docs.update=true`. A technique appears under each of its tactics.\n")
                .append(
                        "A per-class monitor covers the techniques of the high and critical rules of its class; a threshold monitor the\n")
                .append("techniques it names.\n\n")
                .append("| tactic | technique | rules | monitors |\n|---|---|---|---|\n");
        int rows = 0;
        for (String tactic : TACTICS) {
            for (Map.Entry<String, String[]> t : techniques.entrySet()) {
                if (List.of(t.getValue()[1].split(",")).contains(tactic) == false) continue;
                List<String> rules = new ArrayList<>();
                for (Rule r : TestSupport.RULES.rules()) {
                    if (r.techniques().contains(t.getKey())) rules.add(r.id());
                }
                List<String> mons = new ArrayList<>();
                monitors.forEach((name, ids) -> {
                    if (ids.contains(t.getKey())) mons.add(name.replaceFirst("^devops-audit: ", ""));
                });
                if (rules.isEmpty() && mons.isEmpty()) continue;
                sb.append("| ")
                        .append(tactic)
                        .append(" | ")
                        .append(t.getKey())
                        .append(' ')
                        .append(t.getValue()[0])
                        .append(" | ")
                        .append(String.join(", ", rules))
                        .append(" | ")
                        .append(String.join("; ", mons))
                        .append(" |\n");
                rows++;
            }
        }
        sb.append('\n').append(rows).append(" tactic and technique pairs.\n");
        return sb.toString();
    }
}
