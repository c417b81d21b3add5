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

    public ParsedEvent(
            SourceFormat format, Map<String, Object> fields, Map<String, Object> details, Map<String, Object> vendor) {
        this.format = format;
        this.fields = fields;
        this.details = details;
        this.vendor = vendor;
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
