/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.parse;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CircleCI audit events, as JSON objects ({@code circleci_json}) or as rows of the CSV export
 * ({@code circleci_csv}) whose nested fields are JSON texts inside cells. A CSV row becomes the JSON shape: object
 * cells are parsed, {@code version} becomes a number and {@code success} a boolean; a cell that is plain text where
 * JSON was expected is kept (as the object's {@code name}) and flagged in {@code audit.warnings}.
 */
public final class CircleciParser implements EventParser {

    /** The documented field order: the default header of a CSV record given without one. */
    public static final List<String> HEADER = List.of(
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
            "request");

    /** The fields whose value is a JSON object (a JSON text in a CSV cell). */
    static final List<String> OBJECT_FIELDS = List.of(
            "actor", "target", "payload", "metadata", "scope", "organization", "account", "request", "common_fields");

    private final SourceFormat format;

    public CircleciParser(SourceFormat format) {
        this.format = format;
    }

    /**
     * CircleCI's format for an event object, or {@code null}: its events have an action with an occurred_at or an
     * actor; in a CSV row (keyed by column) actor and target are texts, in the JSON events objects.
     */
    static SourceFormat claim(Map<String, Object> event) {
        if (event.containsKey("action") && (event.containsKey("occurred_at") || event.containsKey("actor"))) {
            return event.get("actor") instanceof String
                            || event.get("occurred_at") instanceof String && event.get("target") instanceof String
                    ? SourceFormat.CIRCLECI_CSV
                    : SourceFormat.CIRCLECI_JSON;
        }
        return null;
    }

    /** Whether these cells are the CSV export's header line. */
    static boolean isCsvHeader(List<String> cells) {
        boolean action = false, occurredAt = false;
        for (String c : cells) {
            String l = c.trim().toLowerCase(Locale.ROOT);
            action |= l.equals("action");
            occurredAt |= l.equals("occurred_at");
        }
        return action && occurredAt;
    }

    /**
     * Whether a CSV record without its header has the export's shape: its column count, an action second (lower-case
     * words separated by dots or hyphens: {@code context.create}, {@code webhook-create}).
     */
    static boolean looksLikeCsvRecord(List<String> record) {
        return record.size() == HEADER.size() && isAction(record.get(1));
    }

    private static boolean isAction(String s) {
        if (s.isEmpty() || s.indexOf('.') < 0 && s.indexOf('-') < 0) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c >= 'a' && c <= 'z') == false
                    && (c >= '0' && c <= '9') == false
                    && c != '.'
                    && c != '_'
                    && c != '-') {
                return false;
            }
        }
        return true;
    }

    @Override
    public ParsedEvent parse(Map<String, Object> raw, String field) {
        if (format == SourceFormat.CIRCLECI_JSON) {
            for (String f : OBJECT_FIELDS) {
                Object v = raw.get(f);
                if (v != null && v instanceof Map == false) {
                    throw AuditParseException.wrongType(format.id(), f, "an object", v);
                }
            }
            return withPayloadAsContent(new ParsedEvent(format, raw, Map.of(), raw));
        }
        Map<String, Object> event = new LinkedHashMap<>();
        ParsedEvent parsed = new ParsedEvent(format, event, Map.of(), event);
        for (Map.Entry<String, Object> cell : raw.entrySet()) {
            String name = cell.getKey().trim().toLowerCase(Locale.ROOT);
            Object value = cell.getValue();
            if (value instanceof String s) {
                value = s.isEmpty() ? null : cellValue(name, s, parsed);
            }
            if (value != null) {
                event.put(name, value);
            }
        }
        return withPayloadAsContent(parsed);
    }

    /** A CircleCI event's own content is its payload (there is no details object). */
    @SuppressWarnings("unchecked")
    private static ParsedEvent withPayloadAsContent(ParsedEvent parsed) {
        return parsed.fields.get("payload") instanceof Map<?, ?> payload
                ? parsed.content((Map<String, Object>) payload)
                : parsed;
    }

    private Object cellValue(String column, String text, ParsedEvent parsed) {
        if (OBJECT_FIELDS.contains(column)) {
            String t = text.trim();
            if (t.startsWith("{")) {
                Object v = JsonText.parse(format.id(), column, t);
                if (v instanceof Map) {
                    return v;
                }
            }
            parsed.warnings.add("column [" + column + "] is not a JSON object; kept as text");
            Map<String, Object> plain = new HashMap<>();
            plain.put("name", text);
            return plain;
        }
        if (column.equals("version")) {
            try {
                return Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                parsed.warnings.add("column [version] is not a number; kept as text");
                return text;
            }
        }
        if (column.equals("success")) {
            String t = text.trim();
            if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(t.toLowerCase(Locale.ROOT));
            }
            parsed.warnings.add("column [success] is not true or false; kept as text");
            return text;
        }
        return text;
    }
}
