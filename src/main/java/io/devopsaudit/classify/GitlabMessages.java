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

    /** One template: the sentence pattern, its compiled form and the names of its placeholders in order. */
    public record Template(
            int line, String pattern, String eventName, String source, Pattern regex, List<String> names) {}

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

    /** The anchored regular expression of a pattern: literal text quoted, each placeholder one lazy group. */
    static Template compile(int line, String pattern, String eventName, String source) {
        if (EVENT_NAME.matcher(eventName).matches() == false) {
            throw fail(line, "event name [" + eventName + "] is not snake_case");
        }
        StringBuilder regex = new StringBuilder("^");
        List<String> names = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(pattern);
        int at = 0;
        while (m.find()) {
            regex.append(literal(line, pattern.substring(at, m.start())));
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
        if (PLACEHOLDER.matcher(pattern).replaceAll("").isBlank()) {
            throw fail(line, "pattern [" + pattern + "] has no literal text");
        }
        return new Template(
                line,
                pattern,
                eventName,
                source,
                Pattern.compile(regex.toString(), Pattern.DOTALL),
                List.copyOf(names));
    }

    private static int literalLength(String pattern) {
        return PLACEHOLDER.matcher(pattern).replaceAll("").length();
    }

    /** {@link #compile} for tests, without a data file. */
    public static Template compileForTest(int line, String pattern, String eventName) {
        return compile(line, pattern, eventName, "test");
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
            Matcher m = t.regex().matcher(sentence);
            if (m.matches()) {
                Map<String, String> details = new LinkedHashMap<>();
                for (int i = 0; i < t.names().size(); i++) {
                    details.put(t.names().get(i), m.group(i + 1));
                }
                return new Match(t.eventName(), details);
            }
        }
        return null;
    }
}
