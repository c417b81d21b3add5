/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.parse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three JSON shapes of a GitLab event: REST API objects ({@code gitlab_api}), streaming bodies including the
 * Google Cloud Logging wrapper ({@code gitlab_stream}) and {@code audit_json.log} lines ({@code gitlab_log}).
 * They differ only in where keys live — top level, {@code details}, or both — which {@link ParsedEvent#get}
 * already reconciles, so one class serves all three.
 */
public final class GitlabJsonParser implements EventParser {
    private final SourceFormat format;

    public GitlabJsonParser(SourceFormat format) {
        this.format = format;
    }

    /** Keys only streaming bodies have at the top level (API objects keep them in details). */
    private static final List<String> STREAM_ONLY_KEYS = List.of(
            "event_type",
            "author_name",
            "entity_path",
            "target_id",
            "target_type",
            "target_details",
            "ip_address",
            "project_id",
            "group_id",
            "user_id");

    /**
     * The GitLab JSON shape of an event object, or {@code null}: a Cloud Logging export or streaming body, an
     * audit_json.log line (severity and time, a correlation id or meta.* keys), or an API object.
     */
    static SourceFormat claim(Map<String, Object> event) {
        if (event.get("entries") instanceof List || event.get("jsonPayload") instanceof Map) {
            return SourceFormat.GITLAB_STREAM; // Cloud Logging: a destination batch or a single LogEntry
        }
        if ((event.containsKey("severity") && event.containsKey("time")) || event.containsKey("correlation_id")) {
            return SourceFormat.GITLAB_LOG;
        }
        for (String key : event.keySet()) {
            if (key.startsWith("meta.")) {
                return SourceFormat.GITLAB_LOG;
            }
        }
        for (String key : STREAM_ONLY_KEYS) {
            if (event.containsKey(key)) {
                return SourceFormat.GITLAB_STREAM;
            }
        }
        if (event.containsKey("details") || event.containsKey("entity_type") || event.containsKey("author_id")) {
            return SourceFormat.GITLAB_API;
        }
        return null;
    }

    @Override
    public ParsedEvent parse(Map<String, Object> raw, String field) {
        Map<String, Object> event = format == SourceFormat.GITLAB_STREAM ? unwrapCloudLogging(raw, field) : raw;
        // a request line or another GitLab log shares audit_json.log's envelope: never stored as an audit event
        SourceFormat request = GitlabRequestParser.claim(event);
        String foreign = GitlabRequestParser.foreignLog(event);
        if (request != null || foreign != null) {
            throw new AuditParseException(
                    format.id(),
                    "field [" + field + "] is " + GitlabRequestParser.notA(format, request, foreign)
                            + ", not a GitLab audit event");
        }
        Object details = event.get("details");
        if (details != null && details instanceof Map == false) {
            throw AuditParseException.wrongType(format.id(), "details", "an object", details);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> detailMap = details == null ? Map.of() : (Map<String, Object>) details;
        return new ParsedEvent(format, event, detailMap, event);
    }

    /**
     * Google Cloud Logging: GitLab's destination sends {@code {"entries": [LogEntry]}}, and a log sink exports single
     * LogEntry objects; either way the GitLab event is the entry's {@code jsonPayload}. The entry's own
     * {@code insertId} and {@code logName} are kept beside the event's keys in the vendor original.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> unwrapCloudLogging(Map<String, Object> raw, String field) {
        Object entries = raw.get("entries");
        Map<String, Object> entry = raw;
        String where = "";
        if (entries != null) {
            if (entries instanceof List == false) {
                throw AuditParseException.wrongType(format.id(), "entries", "an array", entries);
            }
            List<?> list = (List<?>) entries;
            if (list.size() != 1) {
                throw new AuditParseException(
                        format.id(),
                        "field [" + field + "] holds " + list.size()
                                + " Cloud Logging entries; a document holds one event (the _import and _stream endpoints split batches)");
            }
            if (list.get(0) instanceof Map == false) {
                throw AuditParseException.wrongType(format.id(), "entries[0]", "an object", list.get(0));
            }
            entry = (Map<String, Object>) list.get(0);
            where = "entries[0].";
        } else if (raw.containsKey("jsonPayload") == false) {
            return raw;
        }
        Object payload = entry.get("jsonPayload");
        if (payload instanceof Map == false) {
            throw AuditParseException.wrongType(format.id(), where + "jsonPayload", "an object", payload);
        }
        Map<String, Object> event = new LinkedHashMap<>((Map<String, Object>) payload);
        for (String key : LOG_ENTRY_KEYS) {
            if (entry.get(key) != null && event.containsKey(key) == false) event.put(key, entry.get(key));
        }
        return event;
    }

    /** The LogEntry keys kept with the event: they identify the entry in Cloud Logging. */
    private static final List<String> LOG_ENTRY_KEYS = List.of("insertId", "logName");
}
