/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One event as a parser hands it to the normalizer: the platform's fields in one canonical shape, whatever wire
 * format they came in. {@code fields} holds the top-level columns and {@code details} GitLab's details object
 * (empty for CircleCI); lookups try fields first, then details. {@code vendor} is what is kept under
 * {@code gitlab.audit} / {@code circleci.audit}.
 */
public final class ParsedEvent {
    public final SourceFormat format;
    public final Map<String, Object> fields;
    public final Map<String, Object> details;
    public final Map<String, Object> vendor;
    public final List<String> warnings = new ArrayList<>(0);
    /** What tells this event apart from another with the same time, actor and action: GitLab's details by default. */
    private Map<String, Object> content;
    /** The human sentence for the event as the source wrote it (GitLab's CSV "Action" column), when it has one. */
    private String sourceMessage;

    public ParsedEvent(
            SourceFormat format, Map<String, Object> fields, Map<String, Object> details, Map<String, Object> vendor) {
        this.format = format;
        this.fields = fields;
        this.details = details;
        this.vendor = vendor;
        this.content = details;
    }

    /** The event's own content, for the dedup fingerprint (a parser whose format keeps it elsewhere sets it). */
    public Map<String, Object> content() {
        return content;
    }

    ParsedEvent content(Map<String, Object> content) {
        this.content = content;
        return this;
    }

    /** The sentence the source wrote for this event, or {@code null}: the normalizer then writes GitLab's own. */
    public String sourceMessage() {
        return sourceMessage;
    }

    ParsedEvent sourceMessage(String sentence) {
        this.sourceMessage = sentence;
        return this;
    }

    /** The value of a key at the top level, else in details; {@code null} when absent. */
    public Object get(String key) {
        Object v = fields.get(key);
        return v != null ? v : details.get(key);
    }

    /** Like {@link #get} but only for non-blank scalars, returned as text (numbers and booleans as written). */
    public String text(String key) {
        return asText(get(key));
    }

    public static String asText(Object v) {
        if (v == null || v instanceof Map || v instanceof List) {
            return null;
        }
        String s = v.toString();
        return s.isBlank() ? null : s;
    }
}
