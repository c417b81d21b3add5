/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.classify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitLab's audit message templates ({@code gitlab-csv-messages.tsv}): reads the event name and the interpolated values
 * back out of the sentence GitLab wrote, for the UI CSV export whose rows carry only that sentence.
 *
 * <p>Why a table of its own rather than more rows of {@code gitlab-derived-actions.tsv}: that table names an event from
 * details already read out of it; these sentences carry no details until they are matched, and matching them is the
 * parser's job (as is reading the generic "Added ... as ..." shapes). Once matched, the row has an event name like its
 * API twin, so naming, classification and the indicator rules need no further mechanism. The "Changed X from A to B"
 * sentences GitLab's change auditor writes stay with the generic reading plus gitlab-derived-actions.tsv rows.
 */
public final class GitlabMessages {

    public static final String RESOURCE = "gitlab-csv-messages.tsv";
    public static final List<String> HEADER = List.of("pattern", "event_name", "source");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z][a-z0-9_]*)\\}");
    private static final Pattern EVENT_NAME = Pattern.compile("[a-z][a-z0-9_]*");

    /**
     * One template: the sentence pattern, the names of its placeholders in order, the literal texts around them
     * ({@code names.size() + 1}, the first and last possibly empty, the others never: placeholders are separated by
     * text), and the regular expression that specifies what a match is. Sentences are matched with the literals
     * ({@link #values}), not with {@code regex}: its lazy groups backtrack, in time growing with the sentence length to
     * the power of the number of placeholders (a 2,000-character sentence that almost matches a three-placeholder
     * template took 49 s), and the sentence comes from an untrusted CSV cell.
     */
    public record Template(
            int line,
            String pattern,
            String eventName,
            String source,
            Pattern regex,
            List<String> names,
            List<String> literals) {

        /**
         * The placeholder values of a whole-sentence match, or {@code null}: exactly what {@code regex} gives (each
         * value at least one character, each literal at its leftmost possible place, the last one ending the sentence),
         * in time linear in the sentence. Why leftmost is enough: taking a later occurrence of a literal only leaves a
         * shorter rest of the same sentence for the literals after it, so if any placement matches, the leftmost does.
         */
        public List<String> values(String sentence) {
            String first = literals.get(0);
            String last = literals.get(literals.size() - 1);
            if (sentence.startsWith(first) == false || sentence.endsWith(last) == false) {
                return null;
            }
            if (names.isEmpty()) {
                return sentence.length() == first.length() ? List.of() : null;
            }
            int end = sentence.length() - last.length(); // where the last literal starts
            int at = first.length(); // where the next value starts
            List<String> values = new ArrayList<>(names.size());
            for (int i = 1; i < names.size(); i++) {
                String literal = literals.get(i);
                int found = sentence.indexOf(literal, at + 1);
                if (found < 0 || found + literal.length() >= end) {
                    return null; // no room left for the values after it
                }
                values.add(sentence.substring(at, found));
                at = found + literal.length();
            }
            if (end - at < 1) {
                return null;
            }
            values.add(sentence.substring(at, end));
            return values;
        }
    }

    /** A matched sentence: the event name and the placeholder values (in the order of the pattern). */
    public record Match(String eventName, Map<String, String> details) {}

    private final List<Template> templates;

    private GitlabMessages(List<Template> templates) {
        this.templates = templates;
    }

    public static GitlabMessages load() {
        List<Template> templates = new ArrayList<>();
        for (TsvResource.Row row : TsvResource.read(RESOURCE, HEADER)) {
            templates.add(compile(row.line(), row.get(0), row.get(1), row.get(2)));
        }
        // The most literal text first, so "Destroyed compliance requirement control {x}" is tried before the shorter
        // "Destroyed compliance requirement {x}" that would swallow it; file order breaks ties.
        templates.sort(java.util.Comparator.comparingInt((Template t) -> literalLength(t.pattern()))
                .reversed());
        return new GitlabMessages(List.copyOf(templates));
    }

    /**
     * The anchored regular expression of a pattern (literal text quoted, each placeholder one lazy group) and its
     * literal texts, which {@link Template#values} matches with.
     */
    static Template compile(int line, String pattern, String eventName, String source) {
        if (EVENT_NAME.matcher(eventName).matches() == false) {
            throw fail(line, "event name [" + eventName + "] is not snake_case");
        }
        StringBuilder regex = new StringBuilder("^");
        List<String> names = new ArrayList<>();
        List<String> literals = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(pattern);
        int at = 0;
        while (m.find()) {
            regex.append(literal(line, pattern.substring(at, m.start())));
            literals.add(pattern.substring(at, m.start()));
            if (names.contains(m.group(1))) {
                throw fail(line, "placeholder {" + m.group(1) + "} appears twice in [" + pattern + "]");
            }
            if (m.start() == at && at > 0) {
                throw fail(line, "placeholders must be separated by text in [" + pattern + "]");
            }
            names.add(m.group(1));
            regex.append("(.+?)");
            at = m.end();
        }
        regex.append(literal(line, pattern.substring(at))).append('$');
        literals.add(pattern.substring(at));
        if (PLACEHOLDER.matcher(pattern).replaceAll("").isBlank()) {
            throw fail(line, "pattern [" + pattern + "] has no literal text");
        }
        return new Template(
                line,
                pattern,
                eventName,
                source,
                Pattern.compile(regex.toString(), Pattern.DOTALL),
                List.copyOf(names),
                List.copyOf(literals));
    }

    private static int literalLength(String pattern) {
        return PLACEHOLDER.matcher(pattern).replaceAll("").length();
    }

    private static String literal(int line, String text) {
        if (text.indexOf('{') >= 0 || text.indexOf('}') >= 0) {
            throw fail(line, "unbalanced or malformed placeholder in [" + text + "]");
        }
        return text.isEmpty() ? "" : Pattern.quote(text);
    }

    private static IllegalStateException fail(int line, String why) {
        return new IllegalStateException("data file [" + RESOURCE + "] line " + line + ": " + why);
    }

    public List<Template> templates() {
        return templates;
    }

    /** The first template the whole sentence matches, or {@code null}. */
    public Match match(String sentence) {
        if (sentence == null) {
            return null;
        }
        for (Template t : templates) {
            List<String> values = t.values(sentence);
            if (values != null) {
                Map<String, String> details = new LinkedHashMap<>();
                for (int i = 0; i < t.names().size(); i++) {
                    details.put(t.names().get(i), values.get(i));
                }
                return new Match(t.eventName(), details);
            }
        }
        return null;
    }
}
