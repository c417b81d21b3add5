/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.parse;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one exception the parsers throw for bad input. Its message always starts with the format in brackets and
 * names the field and, for text, the position — e.g. {@code [gitlab_log] invalid JSON in [message] at offset 41
 * (line 1, column 42): unexpected end-of-input}. It is an IllegalArgumentException so OpenSearch reports it as a
 * client error (400) and the pipeline's on_failure sees it.
 */
public class AuditParseException extends IllegalArgumentException {

    public AuditParseException(String format, String message) {
        super("[" + format + "] " + message);
    }

    public AuditParseException(String format, String message, Throwable cause) {
        super("[" + format + "] " + message, cause);
    }

    /** A field of the event has the wrong type, e.g. {@code details} is a string. */
    public static AuditParseException wrongType(String format, String field, String expected, Object actual) {
        return new AuditParseException(
                format,
                String.format(Locale.ROOT, "field [%s] must be %s, found %s", field, expected, describe(actual)));
    }

    static String describe(Object value) {
        if (value == null) return "null";
        if (value instanceof String) return "a string";
        if (value instanceof Number) return "a number";
        if (value instanceof Boolean) return "a boolean";
        if (value instanceof Map) return "an object";
        if (value instanceof List) return "an array";
        return "a " + value.getClass().getSimpleName();
    }
}
