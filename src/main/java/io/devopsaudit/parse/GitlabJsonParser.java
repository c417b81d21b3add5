/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.parse;

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
        if (event.get("entries") instanceof List) {
            return SourceFormat.GITLAB_STREAM;
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
        Object details = event.get("details");
        if (details != null && details instanceof Map == false) {
            throw AuditParseException.wrongType(format.id(), "details", "an object", details);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> detailMap = details == null ? Map.of() : (Map<String, Object>) details;
        return new ParsedEvent(format, event, detailMap, event);
    }

    /** {@code {"entries":[{"jsonPayload": body}]}} as GitLab's Google Cloud Logging destination sends it. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> unwrapCloudLogging(Map<String, Object> raw, String field) {
        Object entries = raw.get("entries");
        if (entries == null) {
            return raw;
        }
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
        Object entry = list.get(0);
        Object payload = entry instanceof Map<?, ?> m ? m.get("jsonPayload") : null;
        if (payload instanceof Map == false) {
            throw AuditParseException.wrongType(format.id(), "entries[0].jsonPayload", "an object", payload);
        }
        return (Map<String, Object>) payload;
    }
}
