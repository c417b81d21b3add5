/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.classify;

import io.devopsaudit.parse.ParsedEvent;

import java.util.List;
import java.util.Locale;

/**
 * Names GitLab events that carry no event name (2018-era log lines, CSV exports) from their details keys, using
 * the rules of {@code gitlab-derived-actions.tsv}.
 */
public final class DerivedActions {

    public static final List<String> HEADER = List.of("key", "value", "entity_type", "action");

    private record Rule(String key, String value, String entityType, String action) {
        /** Values compare in snake form: the CSV export writes "user access" where JSON has "user_access". */
        boolean matches(String actual, String entity) {
            boolean valueOk = value.equals("*")
                    || (value.endsWith("*")
                            ? snake(actual).startsWith(snake(value.substring(0, value.length() - 1)))
                            : snake(actual).equals(snake(value)));
            return valueOk && (entityType.equals("*") || entityType.equalsIgnoreCase(entity));
        }
    }

    private final List<Rule> rules;

    private DerivedActions(List<Rule> rules) {
        this.rules = rules;
    }

    public static DerivedActions load() {
        return new DerivedActions(TsvResource.read("gitlab-derived-actions.tsv", HEADER).stream()
                .map(r -> new Rule(r.get(0), r.get(1).toLowerCase(Locale.ROOT), r.get(2), r.get(3)))
                .toList());
    }

    /** The derived name, or {@code null} when no rule applies. */
    public String derive(ParsedEvent event) {
        String entity = event.text("entity_type");
        for (Rule rule : rules) {
            String value = event.text(rule.key);
            if (value == null && rule.key.equals("custom_message") && event.get("custom_message") != null) {
                value = "*";
            }
            if (value != null && rule.matches(value.toLowerCase(Locale.ROOT), entity == null ? "" : entity)) {
                return rule.action.replace("{value}", snake(value));
            }
        }
        return null;
    }

    static String snake(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        boolean underscore = false;
        for (int i = 0; i < value.length() && sb.length() < 64; i++) {
            char c = Character.toLowerCase(value.charAt(i));
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                sb.append(c);
                underscore = false;
            } else if (underscore == false && sb.length() > 0) {
                sb.append('_');
                underscore = true;
            }
        }
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == '_') end--;
        return end == 0 ? "unknown" : sb.substring(0, end);
    }
}
