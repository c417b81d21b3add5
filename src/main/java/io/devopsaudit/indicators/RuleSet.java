/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.indicators;

import io.devopsaudit.classify.TsvResource;
import io.devopsaudit.normalize.RecordBuilder;
import io.devopsaudit.schema.Fields;
import io.devopsaudit.schema.Provider;
import org.opensearch.common.xcontent.yaml.YamlXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The single-event indicator rules of {@code rules.yml}, validated strictly at node start (errors name the file and
 * the rule), and the tagging they drive: {@code audit.indicators}, {@code rule.*}, {@code event.severity},
 * {@code event.risk_score}, {@code threat.technique.*} and the {@code security_indicator} tag.
 */
public final class RuleSet {
    /** The platform value of a rule that applies to every provider. */
    static final String ANY_PLATFORM = "any";

    public static final String FILE = "rules.yml";
    public static final Map<String, Integer> SEVERITIES = Map.of("low", 1, "medium", 2, "high", 3, "critical", 4);
    public static final String TAG = "security_indicator";
    /**
     * The risk score that goes with each severity in the shipped rules (low 21, medium 47, high 73, critical 99, the
     * convention of Elastic's detection rules); a {@code severity_overrides} entry sets the rule's risk score to it, so
     * a rule turned down to low no longer weighs like a high one in per-actor risk sums.
     */
    public static final Map<String, Integer> RISK_SCORES = Map.of("low", 21, "medium", 47, "high", 73, "critical", 99);

    private static final Set<String> RULE_KEYS =
            Set.of("id", "name", "description", "class", "severity", "risk_score", "mitre", "platform", "match");
    /** Optional rule keys. */
    private static final Set<String> OPTIONAL_RULE_KEYS = Set.of("sources");

    /**
     * The input shapes a rule can claim in {@code sources}: the wire formats, with GitLab's audit_json.log split by
     * generation because the 2018 lines ({@code change}/{@code from}/{@code to}, no event name) carry far less than
     * today's. A rule claims a shape when its event, in that shape, carries every field the rule reads; the build
     * proves each claim with a raw event of that shape (RawRuleCasesTests).
     */
    public static final List<String> SHAPES = List.of(
            "gitlab_api",
            "gitlab_stream",
            "gitlab_log",
            "gitlab_log_2018",
            "gitlab_csv",
            "circleci_json",
            "circleci_csv");

    /** The shapes a rule claims when it names none: every current shape of its platform (not the 2018 log lines). */
    static List<String> defaultSources(String platform) {
        return SHAPES.stream()
                .filter(s -> s.equals("gitlab_log_2018") == false)
                .filter(s -> platform.equals(ANY_PLATFORM) || s.startsWith(platform + "_"))
                .toList();
    }

    private final List<Rule> rules;
    private final Map<String, String> techniqueNames;
    private final Set<String> classes;
    /** The rules an event of each provider can match, looked up by its action; see {@link Candidates}. */
    private final Map<String, Candidates> byProvider;
    /** The same over every rule, for a provider no rule names. */
    private final Candidates anyProvider;

    /**
     * The rules of one provider (its own and those of every platform), indexed so that an event is tested only
     * against rules that can match it: by the actions a rule requires, lower case, each list in file order; a rule
     * that does not require one of a set of actions is in {@code general} and in every list.
     */
    private record Candidates(Map<String, List<Rule>> byAction, List<Rule> general) {
        static Candidates of(List<Rule> rules) {
            List<Rule> general = new ArrayList<>();
            Map<String, List<Rule>> byAction = new HashMap<>();
            for (Rule r : rules) {
                Set<String> actions = requiredActions(r.match());
                if (actions == null) {
                    general.add(r);
                    for (List<Rule> list : byAction.values()) list.add(r); // kept in file order
                } else {
                    for (String a : actions) {
                        byAction.computeIfAbsent(a, k -> new ArrayList<>(general))
                                .add(r);
                    }
                }
            }
            Map<String, List<Rule>> frozen = new HashMap<>();
            byAction.forEach((a, list) -> frozen.put(a, List.copyOf(list)));
            return new Candidates(Map.copyOf(frozen), List.copyOf(general));
        }

        List<Rule> forAction(Object action) {
            if (action == null) return general;
            String text = action.toString();
            List<Rule> list = byAction.get(text);
            if (list == null) {
                String lower = text.toLowerCase(Locale.ROOT);
                list = lower.equals(text) ? null : byAction.get(lower);
            }
            return list != null ? list : general;
        }
    }

    /**
     * The actions (lower case) one of which a {@code match} requires, or {@code null} when it can hold for any action:
     * a top-level {@code action}, or an {@code any_of} every group of which requires actions (then any of theirs).
     * The rule's {@code action} conditions compare without case, as this index does.
     */
    @SuppressWarnings("unchecked")
    static Set<String> requiredActions(Map<String, Object> match) {
        Object action = match.get("action");
        if (action != null) {
            Set<String> out = new HashSet<>();
            for (Object a : action instanceof List<?> l ? l : List.of(action))
                out.add(a.toString().toLowerCase(Locale.ROOT));
            return out;
        }
        if (match.get("any_of") instanceof List<?> groups && groups.isEmpty() == false) {
            Set<String> out = new HashSet<>();
            for (Object g : groups) {
                Set<String> actions = g instanceof Map<?, ?> m ? requiredActions((Map<String, Object>) m) : null;
                if (actions == null) return null;
                out.addAll(actions);
            }
            return out;
        }
        return null;
    }

    private RuleSet(List<Rule> rules, Map<String, String> techniqueNames, Set<String> classes) {
        this.rules = rules;
        this.techniqueNames = techniqueNames;
        this.classes = classes;
        Map<String, Candidates> perProvider = new HashMap<>();
        for (Provider provider : Provider.values()) {
            List<Rule> applicable = new ArrayList<>();
            for (Rule r : rules) {
                if (r.platform().equals(ANY_PLATFORM) || r.platform().equals(provider.id())) applicable.add(r);
            }
            perProvider.put(provider.id(), Candidates.of(applicable));
        }
        this.byProvider = Map.copyOf(perProvider);
        this.anyProvider = Candidates.of(rules);
    }

    public List<Rule> rules() {
        return rules;
    }

    public Set<String> classes() {
        return classes;
    }

    Map<String, String> techniques() {
        return techniqueNames;
    }

    /** The rule with this id, or {@code null}. */
    public Rule rule(String id) {
        for (Rule r : rules) {
            if (r.id().equals(id)) return r;
        }
        return null;
    }

    /** These rules followed by {@code extra} (site rules, already validated against these). */
    RuleSet plus(List<Rule> extra) {
        List<Rule> all = new ArrayList<>(rules);
        all.addAll(extra);
        return new RuleSet(List.copyOf(all), techniqueNames, classes);
    }

    /**
     * The rule set one processor uses: without the {@code disabled} rules, and with the severity (and the risk score
     * that goes with it, {@link #RISK_SCORES}) of the {@code severityOverrides} rules replaced. Built once when the
     * pipeline is created, so tuning costs nothing per event. Ids must be known (the factory checks them).
     */
    public RuleSet tuned(Set<String> disabled, Map<String, String> severityOverrides) {
        if (disabled.isEmpty() && severityOverrides.isEmpty()) return this;
        List<Rule> kept = new ArrayList<>();
        for (Rule r : rules) {
            if (disabled.contains(r.id())) continue;
            String severity = severityOverrides.get(r.id());
            kept.add(severity == null ? r : r.withSeverity(severity));
        }
        return new RuleSet(List.copyOf(kept), techniqueNames, classes);
    }

    public static RuleSet load() {
        Map<String, String> techniques = new HashMap<>();
        for (TsvResource.Row row : TsvResource.read(
                "/io/devopsaudit/indicators/attack-techniques.tsv", List.of("id", "name", "tactics"))) {
            techniques.put(row.get(0), row.get(1));
        }
        Map<String, Object> file;
        try (InputStream in = RuleSet.class.getResourceAsStream(FILE)) {
            if (in == null) throw new IllegalStateException("data file [" + FILE + "] is missing from the plugin");
            try (XContentParser p = YamlXContent.yamlXContent.createParser(
                    NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, in)) {
                file = p.mapOrdered();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read data file [" + FILE + "]", e);
        }
        return parse(file, techniques);
    }

    @SuppressWarnings("unchecked")
    static RuleSet parse(Map<String, Object> file, Map<String, String> techniques) {
        Object classList = file.get("classes");
        Object ruleList = file.get("rules");
        if (classList instanceof List == false || ruleList instanceof List == false) {
            throw new IllegalStateException("data file [" + FILE + "] must have the lists [classes] and [rules]");
        }
        Set<String> classes = new LinkedHashSet<>();
        for (Object c : (List<Object>) classList) classes.add(c.toString());
        List<Rule> rules = parseRules("data file [" + FILE + "]", (List<Object>) ruleList, classes, techniques);
        return new RuleSet(List.copyOf(rules), Map.copyOf(techniques), Set.copyOf(classes));
    }

    /** The rules of one file; {@code file} is how errors name it ("data file [rules.yml]"). */
    @SuppressWarnings("unchecked")
    static List<Rule> parseRules(
            String file, List<Object> ruleList, Set<String> classes, Map<String, String> techniques) {
        List<Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (Object o : ruleList) {
            index++;
            if (o instanceof Map == false) {
                throw new IllegalStateException(file + " rule #" + index + " is not an object");
            }
            Rule rule = parseRule(file, (Map<String, Object>) o, index, classes, techniques);
            if (ids.add(rule.id()) == false) {
                throw new IllegalStateException(file + " rule [" + rule.id() + "] is defined twice");
            }
            rules.add(rule);
        }
        return rules;
    }

    @SuppressWarnings("unchecked")
    private static Rule parseRule(
            String file, Map<String, Object> m, int index, Set<String> classes, Map<String, String> techniques) {
        String id = m.get("id") == null ? "#" + index : m.get("id").toString();
        String where = file + " rule [" + id + "]";
        for (String key : m.keySet()) {
            if (RULE_KEYS.contains(key) == false && OPTIONAL_RULE_KEYS.contains(key) == false)
                throw new IllegalStateException(where + ": unknown key [" + key + "]");
        }
        for (String key : RULE_KEYS) {
            if (m.get(key) == null) throw new IllegalStateException(where + ": [" + key + "] is required");
        }
        String cls = m.get("class").toString();
        if (classes.contains(cls) == false)
            throw new IllegalStateException(where + ": class [" + cls + "] is not in [classes]");
        String severity = m.get("severity").toString();
        if (SEVERITIES.containsKey(severity) == false)
            throw new IllegalStateException(
                    where + ": severity [" + severity + "] must be one of " + SEVERITIES.keySet());
        int risk = m.get("risk_score") instanceof Number n ? n.intValue() : -1;
        if (risk < 0 || risk > 100)
            throw new IllegalStateException(where + ": risk_score must be a number from 0 to 100");
        String platform = m.get("platform").toString();
        if (platform.equals(ANY_PLATFORM) == false && Provider.fromId(platform) == null) {
            throw new IllegalStateException(
                    where + ": platform must be " + Arrays.toString(Provider.values()) + " or " + ANY_PLATFORM);
        }
        List<String> mitre = m.get("mitre") instanceof List<?> l
                ? l.stream().map(Object::toString).toList()
                : List.of(m.get("mitre").toString());
        for (String t : mitre) {
            if (techniques.containsKey(t) == false)
                throw new IllegalStateException(
                        where + ": ATT&CK technique [" + t + "] is not in attack-techniques.tsv");
        }
        List<String> sources = m.get("sources") == null
                ? defaultSources(platform)
                : (m.get("sources") instanceof List<?> l
                        ? l.stream().map(Object::toString).toList()
                        : List.of(m.get("sources").toString()));
        for (String s : sources) {
            if (SHAPES.contains(s) == false
                    || (platform.equals(ANY_PLATFORM) == false && s.startsWith(platform + "_") == false))
                throw new IllegalStateException(where + ": source [" + s + "] is not an input shape of platform ["
                        + platform + "] (one of " + SHAPES + ")");
        }
        if (sources.isEmpty()) throw new IllegalStateException(where + ": [sources] is empty");
        if (m.get("match") instanceof Map == false)
            throw new IllegalStateException(where + ": [match] must be an object");
        Map<String, Object> match = (Map<String, Object>) m.get("match");
        List<Condition> conditions = compile(match, where);
        if (conditions.isEmpty()) throw new IllegalStateException(where + ": [match] has no condition");
        return new Rule(
                id,
                m.get("name").toString(),
                m.get("description").toString(),
                cls,
                severity,
                risk,
                mitre,
                platform,
                sources,
                conditions,
                match);
    }

    @SuppressWarnings("unchecked")
    static List<Condition> compile(Map<String, Object> match, String where) {
        List<Condition> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : match.entrySet()) {
            String op = e.getKey();
            Object arg = e.getValue();
            switch (op) {
                case "action" -> out.add(Condition.in(Fields.EVENT_ACTION, list(arg, where, op), false));
                case "any_of" -> {
                    List<List<Condition>> groups = new ArrayList<>();
                    for (Object g : list(arg, where, op)) {
                        if (g instanceof Map == false)
                            throw new IllegalStateException(where + ": [any_of] entries must be objects");
                        groups.add(compile((Map<String, Object>) g, where));
                    }
                    out.add(Condition.anyOf(groups));
                }
                case "exists", "missing" -> {
                    for (Object f : list(arg, where, op))
                        out.add(Condition.exists(field(f.toString(), where), op.equals("missing")));
                }
                case "privileged_role", "not_privileged_role", "outside_trusted_networks" -> {
                    String f = field(arg.toString(), where);
                    out.add(
                            switch (op) {
                                case "privileged_role" -> Condition.privilegedRole(f, false);
                                case "not_privileged_role" -> Condition.privilegedRole(f, true);
                                default -> Condition.outsideTrustedNetworks(f);
                            });
                }
                case "lt_field", "differs" -> {
                    if (arg instanceof Map == false)
                        throw new IllegalStateException(where + ": [" + op + "] must map a field to another field");
                    for (Map.Entry<String, Object> fe : ((Map<String, Object>) arg).entrySet()) {
                        out.add(Condition.fieldPair(
                                field(fe.getKey(), where), field(String.valueOf(fe.getValue()), where), op));
                    }
                }
                case "in",
                        "not_in",
                        "equals",
                        "contains_any",
                        "not_contains_any",
                        "contains_word",
                        "gt",
                        "gte",
                        "lt",
                        "lte",
                        "cidr",
                        "not_cidr",
                        "list_size_gt" -> {
                    if (arg instanceof Map == false)
                        throw new IllegalStateException(where + ": [" + op + "] must map field names to values");
                    for (Map.Entry<String, Object> fe : ((Map<String, Object>) arg).entrySet()) {
                        String f = field(fe.getKey(), where);
                        Object v = fe.getValue();
                        out.add(
                                switch (op) {
                                    case "in", "equals" -> Condition.in(f, list(v, where, op), false);
                                    case "not_in" -> Condition.in(f, list(v, where, op), true);
                                    case "contains_any" -> Condition.containsAny(f, list(v, where, op));
                                    case "not_contains_any" -> {
                                        Condition c = Condition.containsAny(f, list(v, where, op));
                                        yield (rec, pol) -> c.test(rec, pol) == false;
                                    }
                                    case "contains_word" -> Condition.containsWord(f, list(v, where, op));
                                    case "cidr", "not_cidr" -> {
                                        List<Cidr> nets = new ArrayList<>();
                                        for (Object n : list(v, where, op)) {
                                            try {
                                                nets.add(Cidr.parse(n.toString()));
                                            } catch (IllegalArgumentException ex) {
                                                throw new IllegalStateException(where + ": " + ex.getMessage());
                                            }
                                        }
                                        yield Condition.cidr(f, nets, op.equals("not_cidr"));
                                    }
                                    case "list_size_gt" -> Condition.listSizeGt(
                                            f, number(v, where, op).intValue());
                                    default -> Condition.compare(
                                            f, op, number(v, where, op).doubleValue());
                                });
                    }
                }
                default -> throw new IllegalStateException(where + ": unknown condition [" + op + "]");
            }
        }
        return out;
    }

    private static List<?> list(Object v, String where, String op) {
        if (v instanceof List<?> l) {
            if (l.isEmpty()) throw new IllegalStateException(where + ": [" + op + "] needs at least one value");
            return l;
        }
        if (v == null) throw new IllegalStateException(where + ": [" + op + "] needs a value");
        return List.of(v);
    }

    private static Number number(Object v, String where, String op) {
        if (v instanceof Number n) return n;
        throw new IllegalStateException(where + ": [" + op + "] needs a number, found [" + v + "]");
    }

    /** Rules may name record fields of the schema, or anything below the vendor originals. */
    private static String field(String name, String where) {
        if (Fields.ALL.contains(name)
                || name.startsWith(Fields.GITLAB_AUDIT + ".")
                || name.startsWith(Fields.CIRCLECI_AUDIT + ".")) {
            return name;
        }
        throw new IllegalStateException(where + ": [" + name + "] is not a field of the record (see docs/schema.md)");
    }

    /**
     * The rules matching a record, in file order; only the rules of the event's provider that require its action, or
     * no particular action, are tested.
     */
    public List<Rule> matching(String provider, RecordBuilder record, SitePolicy policy) {
        Candidates forProvider = byProvider.get(provider);
        List<Rule> candidates =
                (forProvider != null ? forProvider : anyProvider).forAction(record.get(Fields.EVENT_ACTION));
        List<Rule> hits = new ArrayList<>(0);
        for (Rule r : candidates) {
            if (r.matches(provider, record, policy)) hits.add(r);
        }
        return hits;
    }

    /** Evaluates the rules and writes the indicator fields into the record. */
    public void tag(String provider, RecordBuilder out, SitePolicy policy) {
        List<Rule> hits = matching(provider, out, policy);
        if (hits.isEmpty()) {
            return;
        }
        int severity = 0;
        int risk = 0;
        String severityName = null;
        // the highest severity per indicator class, classes in order of first hit: an event has one to three hits, so
        // two short lists instead of a map per event
        List<String> classes = new ArrayList<>(hits.size());
        List<String> classSeverities = new ArrayList<>(hits.size());
        for (Rule r : hits) {
            int at = classes.indexOf(r.indicatorClass());
            if (at < 0) {
                classes.add(r.indicatorClass());
                classSeverities.add(r.severity());
            } else if (SEVERITIES.get(r.severity()) > SEVERITIES.get(classSeverities.get(at))) {
                classSeverities.set(at, r.severity());
            }
            out.add(Fields.AUDIT_INDICATORS, r.indicatorClass());
            out.add(Fields.RULE_ID, r.id());
            out.add(Fields.RULE_NAME, r.name());
            for (String t : r.techniques()) {
                out.add(Fields.THREAT_TECHNIQUE_ID, t);
                out.add(Fields.THREAT_TECHNIQUE_NAME, techniqueNames.get(t));
            }
            int s = SEVERITIES.get(r.severity());
            if (s > severity) {
                severity = s;
                severityName = r.severity();
            }
            risk = Math.max(risk, r.riskScore());
        }
        for (int i = 0; i < classes.size(); i++) {
            out.add(Fields.AUDIT_INDICATOR_SEVERITY, classes.get(i) + ":" + classSeverities.get(i));
        }
        out.put(Fields.EVENT_SEVERITY, severity);
        out.put(Fields.AUDIT_SEVERITY, severityName.toLowerCase(Locale.ROOT));
        out.put(Fields.EVENT_RISK_SCORE, (float) risk);
        out.add(Fields.TAGS, TAG);
    }
}
