/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.parse;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the format of one raw event (unless it is configured) and hands it to that format's parser. Input is
 * either a text (JSON, an audit_json.log line, or one CSV record, optionally preceded by its header line) or an
 * object (the document's own fields).
 */
public final class EventReader {

    private final Map<SourceFormat, EventParser> parsers = new EnumMap<>(SourceFormat.class);

    public EventReader() {
        for (SourceFormat f : List.of(SourceFormat.GITLAB_API, SourceFormat.GITLAB_STREAM, SourceFormat.GITLAB_LOG)) {
            parsers.put(f, new GitlabJsonParser(f));
        }
        parsers.put(SourceFormat.GITLAB_CSV, new GitlabCsvParser());
        parsers.put(SourceFormat.CIRCLECI_JSON, new CircleciParser(SourceFormat.CIRCLECI_JSON));
        parsers.put(SourceFormat.CIRCLECI_CSV, new CircleciParser(SourceFormat.CIRCLECI_CSV));
        for (SourceFormat f : SourceFormat.values()) {
            if (f.isRequest()) parsers.put(f, new GitlabRequestParser(f));
        }
    }

    /**
     * @param format    the configured format, or {@code null} to detect it
     * @param csvHeader column names for a CSV record given without its header, or {@code null} for the format's default
     */
    public ParsedEvent read(Object input, SourceFormat format, String field, List<String> csvHeader) {
        if (input instanceof String text) {
            return readText(text, format, field, csvHeader);
        }
        if (input instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> event = (Map<String, Object>) map;
            return readObject(event, format, field);
        }
        String name = SourceFormat.idOf(format);
        throw AuditParseException.wrongType(name, field, "a JSON object or a text", input);
    }

    private ParsedEvent readObject(Map<String, Object> event, SourceFormat format, String field) {
        SourceFormat f = format != null ? format : detect(event);
        if (f == null || f == SourceFormat.GITLAB_LOG) {
            String foreign = GitlabRequestParser.foreignLog(event);
            if (foreign != null) {
                throw new AuditParseException(
                        SourceFormat.AUTO,
                        "field [" + field + "] is " + foreign
                                + ", neither an audit event nor a request of production_json.log, api_json.log or auth_json.log");
            }
        }
        if (f == null) {
            throw new AuditParseException(
                    SourceFormat.AUTO,
                    "cannot detect the format of field [" + field + "]: tried [" + SourceFormat.ids()
                            + "] and none matches its keys " + keysForMessage(event));
        }
        return parsers.get(f).parse(event, field);
    }

    private ParsedEvent readText(String raw, SourceFormat format, String field, List<String> csvHeader) {
        String text = CsvText.stripBom(raw);
        String trimmed = text.strip();
        String name = SourceFormat.idOf(format);
        if (trimmed.isEmpty()) {
            throw new AuditParseException(name, "field [" + field + "] is empty");
        }
        boolean json = trimmed.charAt(0) == '{' || trimmed.charAt(0) == '[';
        if (format != null && format.isCsv() == false && json == false) {
            throw new AuditParseException(
                    name, "field [" + field + "] is not a JSON text: it starts with [" + preview(trimmed) + "]");
        }
        if (json && (format == null || format.isCsv() == false)) {
            Object value = JsonText.parse(name, field, trimmed);
            if (value instanceof List<?> list) {
                if (list.size() != 1) {
                    throw new AuditParseException(
                            name,
                            "field [" + field + "] holds a JSON array of " + list.size()
                                    + " events; a document holds one event (the _import and _stream endpoints split batches)");
                }
                value = list.get(0);
            }
            if (value instanceof Map == false) {
                throw AuditParseException.wrongType(name, field, "a JSON object", value);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> event = (Map<String, Object>) value;
            return readObject(event, format, field);
        }
        return readCsv(text, format, field, csvHeader);
    }

    private ParsedEvent readCsv(String text, SourceFormat format, String field, List<String> csvHeader) {
        String name = SourceFormat.idOf(format);
        List<List<String>> records = CsvText.records(name, field, text);
        List<String> header = csvHeader;
        List<String> record;
        if (records.size() == 2 && knownHeader(records.get(0)) != null) {
            header = records.get(0);
            record = records.get(1);
        } else if (records.size() == 1) {
            record = records.get(0);
        } else {
            throw new AuditParseException(
                    name,
                    "field [" + field + "] must hold one CSV record (optionally after its header line), found "
                            + records.size() + " records");
        }
        SourceFormat f = format;
        if (f == null) {
            f = header != null ? knownHeader(header) : detectCsvRecord(record);
            if (f == null) {
                throw new AuditParseException(
                        SourceFormat.AUTO, csvNotDetected("field [" + field + "]", record.size()));
            }
        }
        if (header == null) {
            header = defaultHeader(f, record.size());
        }
        if (header.size() != record.size()) {
            throw new AuditParseException(
                    f.id(),
                    "the CSV record in field [" + field + "] has " + record.size() + " columns, its header has "
                            + header.size() + " " + header);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            row.put(header.get(i), record.get(i));
        }
        return parsers.get(f).parse(row, field);
    }

    /**
     * Which format an event object is, by its keys; {@code null} if none fits. Each reader knows its own format's
     * marks; they are asked from the most specific to the least (a GitLab API object has the fewest).
     */
    public static SourceFormat detect(Map<String, Object> event) {
        SourceFormat f = CircleciParser.claim(event);
        if (f == null && GitlabCsvParser.looksLike(event)) f = SourceFormat.GITLAB_CSV;
        if (f == null) f = GitlabRequestParser.claim(event);
        return f != null ? f : GitlabJsonParser.claim(event);
    }

    /** Why a text that is not JSON is no CSV record of a known export (also said of a whole import body). */
    public static String csvNotDetected(String what, int columns) {
        return "cannot detect the format of " + what + ": it is not JSON, so tried "
                + "[gitlab_csv] (12 or 13 columns) and [circleci_csv] (11 columns, a dotted or hyphenated action second), found "
                + columns + " columns";
    }

    /** Which export a header line belongs to, or {@code null}. */
    public static SourceFormat knownHeader(List<String> cells) {
        if (GitlabCsvParser.isHeader(cells)) return SourceFormat.GITLAB_CSV;
        return CircleciParser.isCsvHeader(cells) ? SourceFormat.CIRCLECI_CSV : null;
    }

    /** Which export a record without its header line belongs to, by its shape, or {@code null}. */
    public static SourceFormat detectCsvRecord(List<String> record) {
        if (CircleciParser.looksLikeCsvRecord(record)) return SourceFormat.CIRCLECI_CSV;
        return GitlabCsvParser.looksLikeRecord(record) ? SourceFormat.GITLAB_CSV : null;
    }

    public static List<String> defaultHeader(SourceFormat format, int columns) {
        return format == SourceFormat.GITLAB_CSV ? GitlabCsvParser.defaultHeader(columns) : CircleciParser.HEADER;
    }

    private static String keysForMessage(Map<String, Object> event) {
        List<String> keys = event.keySet().stream()
                .sorted()
                .limit(10)
                .map(k -> k.length() > 40 ? k.substring(0, 40) + "..." : k)
                .toList();
        return keys.toString() + (event.size() > 10 ? " (and " + (event.size() - 10) + " more)" : "");
    }

    private static String preview(String text) {
        String p = text.length() > 20 ? text.substring(0, 20) + "..." : text;
        return p.replace('\n', ' ');
    }
}
