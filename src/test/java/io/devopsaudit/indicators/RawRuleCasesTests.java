/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.indicators;

import io.devopsaudit.TestSupport;
import io.devopsaudit.ingest.ProcessorTestAccess;
import org.opensearch.common.xcontent.yaml.YamlXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Every rule proven on raw events, run through the real processor exactly as an ingest pipeline runs it: for each input
 * shape the rule claims ({@code sources} in rules.yml, by default every current shape of its platform) at least one
 * raw event of that shape fires it, and at least one raw negative does not. Hand-built records (rule-cases.yml) test
 * a rule's logic; these test that the fields it reads exist in the events platforms really send. A rule whose field
 * is absent in some shape fails here until it stops claiming that shape.
 *
 * <p>Cases live in {@code src/test/resources/indicators/raw/<rule id>.yml}:
 *
 * <pre>
 * positive:
 *   - shape: gitlab_api          # one of RuleSet.SHAPES
 *     options: {trusted_networks: [10.0.0.0/8]}   # optional processor options for this case
 *     event: '{"id": 1, ...}'    # the raw text: a JSON object, an audit_json.log line, or a CSV header + row
 * negative:
 *   - shape: gitlab_stream
 *     event: ...
 * </pre>
 *
 * {@code -Drules.raw.only=DA-CC-} limits the run to ids with that prefix while cases are being written.
 */
public class RawRuleCasesTests extends OpenSearchTestCase {

    private static final Path DIR =
            Path.of(System.getProperty("project.basedir", ".")).resolve("src/test/resources/indicators/raw");

    public void testEveryRuleFiresOnARawEventOfEachShapeItClaims() throws IOException {
        String only = System.getProperty("rules.raw.only", "");
        List<String> problems = new ArrayList<>();
        for (Rule rule : TestSupport.RULES.rules()) {
            if (rule.id().startsWith(only) == false) continue;
            Path file = DIR.resolve(rule.id() + ".yml");
            if (Files.exists(file) == false) {
                problems.add(rule.id() + ": no raw cases (" + DIR.relativize(file) + " is missing)");
                continue;
            }
            Map<String, Object> cases = read(file);
            Set<String> shapesFired = new TreeSet<>();
            for (String kind : List.of("positive", "negative")) {
                List<Map<String, Object>> list = list(cases.get(kind));
                if (list.isEmpty()) problems.add(rule.id() + ": needs at least one " + kind + " raw case");
                int n = 0;
                for (Map<String, Object> c : list) {
                    n++;
                    String where = rule.id() + " " + kind + " #" + n;
                    String shape = String.valueOf(c.get("shape"));
                    if (RuleSet.SHAPES.contains(shape) == false) {
                        problems.add(where + ": shape [" + shape + "] is not one of " + RuleSet.SHAPES);
                        continue;
                    }
                    if (c.get("event") instanceof String == false) {
                        problems.add(where + ": [event] must be the raw text");
                        continue;
                    }
                    String event = (String) c.get("event");
                    if (shape.equals("gitlab_log_2018") && event.contains("\"event_name\"")) {
                        problems.add(where + ": a 2018 audit_json.log line has no event_name");
                    }
                    Map<String, Object> out;
                    try {
                        out = run(event, shape, options(c));
                    } catch (RuntimeException e) {
                        problems.add(where + " (" + shape + "): the processor failed: " + e.getMessage());
                        continue;
                    }
                    Object format = ((Map<?, ?>) out.get("audit")).get("source_format");
                    if (format.equals(formatOf(shape)) == false) {
                        problems.add(where + ": parsed as [" + format + "], not [" + formatOf(shape) + "]");
                    }
                    boolean fired = ruleIds(out).contains(rule.id());
                    if (kind.equals("positive") && fired) shapesFired.add(shape);
                    if (fired != kind.equals("positive")) {
                        problems.add(where + " (" + shape + "): " + (fired ? "fired" : "did not fire") + "; rules: "
                                + ruleIds(out) + "; action: " + ((Map<?, ?>) out.get("event")).get("action"));
                    }
                }
            }
            Set<String> missing = new LinkedHashSet<>(rule.sources());
            missing.removeAll(shapesFired);
            if (missing.isEmpty() == false && list(cases.get("positive")).isEmpty() == false) {
                problems.add(rule.id() + ": claims " + rule.sources() + " but no raw positive fires it for " + missing);
            }
        }
        try (Stream<Path> files = Files.list(DIR)) {
            files.map(p -> p.getFileName().toString().replaceFirst("\\.yml$", ""))
                    .filter(id -> TestSupport.RULES.rules().stream().noneMatch(r -> r.id().equals(id)))
                    .forEach(id -> problems.add(id + ".yml: raw cases for a rule that does not exist"));
        }
        assertEquals(String.join("\n", problems), 0, problems.size());
    }

    /** The commit of GitLab's source that gitlab-csv-messages.tsv and gitlab-derived-actions.tsv were copied from. */
    static final String TABLES_SOURCE = "flyisland/gitlab-ee@6714c9136253116b8a4cee79eb063a666df7aa96:";

    /** CircleCI's documented audit log fields (circleci-docs, security/pages/audit-logs.adoc). */
    static final Set<String> CIRCLECI_DOCUMENTED_FIELDS = Set.of(
            "id",
            "action",
            "actor",
            "target",
            "payload",
            "occurred_at",
            "metadata",
            "version",
            "scope",
            "success",
            "request",
            "organization",
            "account",
            "common_fields");

    /**
     * Where each raw event's shape comes from. A GitLab rule has, for every shape it claims, a raw positive whose
     * {@code source} names the GitLab source that writes that shape (the audit call, or the spec pinning its details,
     * as repository@commit:path, or the GitLab class or catalogue entry); a citation of the commit the classification
     * tables were copied from must name a file:line those tables hold. CircleCI cases carry only the fields CircleCI
     * documents.
     */
    @SuppressWarnings("unchecked")
    public void testEveryRawCaseStatesWhereItsShapeComesFrom() throws IOException {
        // file:line of GitLab's source → the event names the classification tables attribute to it
        Map<String, Set<String>> tableLines = new HashMap<>();
        for (io.devopsaudit.classify.TsvResource.Row row : io.devopsaudit.classify.TsvResource.read(
                io.devopsaudit.classify.GitlabMessages.RESOURCE, io.devopsaudit.classify.GitlabMessages.HEADER)) {
            tableLines.computeIfAbsent(row.get(2), k -> new TreeSet<>()).add(row.get(1));
        }
        String comment = null;
        for (String line : Files.readAllLines(Path.of(System.getProperty("project.basedir", "."))
                .resolve("src/main/resources/io/devopsaudit/classify/gitlab-derived-actions.tsv"))) {
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("^# (\\S+\\.rb:\\d+)\\s*$").matcher(line);
            if (m.matches()) {
                comment = m.group(1);
            } else if (line.startsWith("#") == false && comment != null && line.split("\t").length == 4) {
                tableLines.computeIfAbsent(comment, k -> new TreeSet<>()).add(line.split("\t")[3]);
            }
        }
        List<String> problems = new ArrayList<>();
        for (Rule rule : TestSupport.RULES.rules()) {
            Path file = DIR.resolve(rule.id() + ".yml");
            if (Files.exists(file) == false) continue;
            Map<String, Object> cases = read(file);
            Set<String> traced = new TreeSet<>();
            for (String kind : List.of("positive", "negative")) {
                for (Map<String, Object> c : list(cases.get(kind))) {
                    String shape = String.valueOf(c.get("shape"));
                    String source =
                            c.get("source") == null ? "" : c.get("source").toString();
                    if (shape.startsWith("circleci_")) {
                        for (String field : topLevelFields(shape, (String) c.get("event"))) {
                            if (CIRCLECI_DOCUMENTED_FIELDS.contains(field) == false) {
                                problems.add(rule.id() + " " + kind + " (" + shape + "): field [" + field
                                        + "] is not one CircleCI documents");
                            }
                        }
                        continue;
                    }
                    int at = source.indexOf(TABLES_SOURCE);
                    if (at >= 0) {
                        String cited =
                                source.substring(at + TABLES_SOURCE.length()).split("[ ,;)]")[0];
                        Object action = ((Map<?, ?>) run((String) c.get("event"), shape, options(c))
                                        .get("event"))
                                .get("action");
                        if (tableLines.containsKey(cited) == false) {
                            problems.add(rule.id() + " " + kind + " (" + shape + "): cites [" + cited
                                    + "], which no row of the message or derived-action tables names");
                        } else if (tableLines.get(cited).contains(String.valueOf(action)) == false) {
                            problems.add(rule.id() + " " + kind + " (" + shape + "): cites [" + cited
                                    + "], where GitLab" + " writes " + tableLines.get(cited) + ", but the event is ["
                                    + action + "]");
                        }
                    }
                    if (kind.equals("positive") && source.isBlank() == false) traced.add(shape);
                }
            }
            if (rule.platform().equals("gitlab")) {
                Set<String> untraced = new TreeSet<>(rule.sources());
                untraced.removeAll(traced);
                if (untraced.isEmpty() == false) {
                    problems.add(
                            rule.id() + ": no raw positive states the GitLab source of its " + untraced + " shape");
                }
            }
        }
        assertEquals(String.join("\n", problems), 0, problems.size());
    }

    @SuppressWarnings("unchecked")
    private static Set<String> topLevelFields(String shape, String event) throws IOException {
        if (shape.equals("circleci_csv")) {
            String header = event.strip().split("\n", 2)[0];
            Set<String> out = new TreeSet<>();
            for (String cell : header.split(",")) out.add(cell.trim());
            return out;
        }
        try (XContentParser p = org.opensearch.common.xcontent.json.JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, event)) {
            return new TreeSet<>(p.map().keySet());
        }
    }

    /** The rule set is large enough to be worth having: at least 80 single-event rules. */
    public void testRuleCount() {
        assertTrue(
                "rules: " + TestSupport.RULES.rules().size(),
                TestSupport.RULES.rules().size() >= 80);
    }

    /**
     * An event two rules of different classes tag: each class is recorded with its own rule's severity, while
     * {@code audit.severity} stays the event's highest; the per-class monitors read the former.
     */
    @SuppressWarnings("unchecked")
    public void testEachIndicatorClassKeepsItsOwnSeverity() {
        // a member added as Owner from outside trusted_networks: DA-GL-006 (high) and DA-GL-005 (medium) are both
        // privilege_escalation, DA-ANY-002 (medium) is untrusted_source
        String event = "{\"id\": 1, \"author_id\": 7, \"entity_id\": 3, \"entity_type\": \"Group\","
                + " \"event_name\": \"member_created\", \"details\": {\"add\": \"user_access\", \"as\":"
                + " \"Default role: Owner\", \"member_id\": 44, \"author_name\": \"alice\", \"target_type\":"
                + " \"User\", \"target_id\": 88, \"target_details\": \"bob\", \"ip_address\": \"198.51.100.23\","
                + " \"entity_path\": \"acme\"}, \"created_at\": \"2025-06-03T10:15:00.000Z\"}";
        Map<String, Object> out = run(event, "gitlab_api", Map.of("trusted_networks", List.of("10.0.0.0/8")));
        Map<String, Object> audit = (Map<String, Object>) out.get("audit");
        assertEquals(Set.of("DA-GL-005", "DA-GL-006", "DA-ANY-002"), Set.copyOf(ruleIds(out)));
        assertEquals(Set.of("privilege_escalation:high", "untrusted_source:medium"), Set.copyOf((List<String>)
                audit.get("indicator_severity")));
        assertEquals("high", audit.get("severity"));
    }

    static String formatOf(String shape) {
        return shape.equals("gitlab_log_2018") ? "gitlab_log" : shape;
    }

    static Map<String, Object> run(String text, String shape, Map<String, Object> options) {
        Map<String, Object> source = new HashMap<>();
        source.put("message", text);
        IngestDocument doc = new IngestDocument("devops-audit", "1", null, null, null, source);
        Map<String, Object> config = new HashMap<>(options);
        config.put("field", "message");
        config.put("format", formatOf(shape));
        ProcessorTestAccess.create(config).execute(doc);
        return doc.getSourceAndMetadata();
    }

    @SuppressWarnings("unchecked")
    static List<String> ruleIds(Map<String, Object> out) {
        Object rule = out.get("rule");
        if (rule instanceof Map == false) return List.of();
        Object ids = ((Map<String, Object>) rule).get("id");
        return ids instanceof List<?> l ? l.stream().map(Object::toString).toList() : List.of(String.valueOf(ids));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> options(Map<String, Object> c) {
        return c.get("options") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return o instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    private static Map<String, Object> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file);
                XContentParser p = YamlXContent.yamlXContent.createParser(
                        NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, in)) {
            return p.map();
        }
    }
}
