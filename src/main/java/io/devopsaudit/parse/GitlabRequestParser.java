/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.parse;

import java.util.List;
import java.util.Map;

/**
 * GitLab's request logs: {@code production_json.log} (Rails, one line per web request), {@code api_json.log} (Grape,
 * one line per API request) and {@code auth_json.log} (Rack::Attack). Their lines share the audit_json.log
 * envelope ({@code severity}, {@code time}, {@code correlation_id}, {@code meta.*}), so this class also says which
 * GitLab log lines are neither requests nor audit events (Sidekiq jobs, application_json.log and the other Rails
 * logs): those are refused, never stored as audit events.
 */
public final class GitlabRequestParser implements EventParser {
    private final SourceFormat format;

    public GitlabRequestParser(SourceFormat format) {
        if (format.isRequest() == false) throw new IllegalArgumentException(format.id() + " is not a request log");
        this.format = format;
    }

    /** Keys every GitLab audit event has in audit_json.log, API objects and streaming bodies (one suffices). */
    static final List<String> AUDIT_KEYS = List.of(
            "author_id", "author_name", "entity_id", "entity_type", "event_name", "event_type", "target_id", "details");

    /**
     * The request log an event object is a line of, or {@code null}: Rack::Attack's {@code message}, Grape's
     * {@code route}, or Rails' {@code controller} with a {@code status} (ActionCable lines have a null method and
     * path). A line that also carries audit keys is an audit event.
     */
    public static SourceFormat claim(Map<String, Object> event) {
        for (String key : AUDIT_KEYS) {
            if (event.containsKey(key)) return null;
        }
        if ("Rack_Attack".equals(event.get("message"))) return SourceFormat.GITLAB_AUTH_LOG;
        if (event.containsKey("status") == false) return null;
        if (event.containsKey("route")) return SourceFormat.GITLAB_API_LOG;
        if (event.containsKey("controller")) return SourceFormat.GITLAB_PRODUCTION_LOG;
        if (event.get("method") instanceof String && event.get("path") instanceof String p && p.startsWith("/api/")) {
            return SourceFormat.GITLAB_API_LOG;
        }
        return null;
    }

    /**
     * What GitLab log a line is when it is neither an audit event nor a request, or {@code null}: a Sidekiq job line
     * (sidekiq.log, sidekiq_client.log) or a line of application_json.log and the other Rails logs that share the
     * {@code severity}/{@code time} envelope but carry no audit keys.
     */
    public static String foreignLog(Map<String, Object> event) {
        for (String key : AUDIT_KEYS) {
            if (event.containsKey(key)) return null;
        }
        if (event.containsKey("jid")
                || event.containsKey("job_status")
                || (event.containsKey("class") && event.containsKey("queue"))) {
            return "a GitLab Sidekiq job log line (sidekiq.log, keys [jid, class, queue])";
        }
        if (event.containsKey("severity") && event.containsKey("time") && claim(event) == null) {
            return "a GitLab application log line (application_json.log or another Rails log: [severity, time] without any of "
                    + AUDIT_KEYS + ")";
        }
        return null;
    }

    /** Why a line is not of {@code format}: the request log it is, or the one it does not resemble. */
    static String notA(SourceFormat format, SourceFormat actual, String foreign) {
        String what = foreign != null
                ? foreign
                : actual == null
                        ? "not a " + logFile(format) + " line (" + marks(format) + ")"
                        : actual.isRequest()
                                ? "a " + logFile(actual) + " line, format [" + actual.id() + "]"
                                : "an audit event";
        return what;
    }

    static String logFile(SourceFormat format) {
        return switch (format) {
            case GITLAB_PRODUCTION_LOG -> "production_json.log";
            case GITLAB_API_LOG -> "api_json.log";
            case GITLAB_AUTH_LOG -> "auth_json.log";
            default -> format.id();
        };
    }

    private static String marks(SourceFormat format) {
        return switch (format) {
            case GITLAB_PRODUCTION_LOG -> "expected keys [controller, status]";
            case GITLAB_API_LOG -> "expected keys [route, status], or [method, status] with a path under /api/";
            default -> "expected [message] \"Rack_Attack\"";
        };
    }

    @Override
    public ParsedEvent parse(Map<String, Object> raw, String field) {
        SourceFormat actual = claim(raw);
        if (actual != format) {
            throw new AuditParseException(
                    format.id(),
                    "field [" + field + "] is " + notA(format, actual, foreignLog(raw)) + ", not a GitLab "
                            + logFile(format) + " request line");
        }
        return new ParsedEvent(format, raw, Map.of(), raw).content(identity(raw));
    }

    /**
     * The keys that tell one request from another beside the record's time, user, client, action and scope (GitLab
     * gives request lines no id): GitLab's per-request correlation id, the request itself and its measured duration.
     * Hashing these instead of the whole line keeps a request line as cheap to fingerprint as an audit event, and a
     * redelivered line gives the same id.
     */
    static final List<String> IDENTITY_KEYS = List.of(
            "correlation_id",
            "method",
            "request_method",
            "path",
            "status",
            "duration_s",
            "duration",
            "env",
            "matched",
            "route",
            "token_id");

    private static Map<String, Object> identity(Map<String, Object> raw) {
        Map<String, Object> identity = new java.util.TreeMap<>();
        for (String key : IDENTITY_KEYS) {
            Object v = raw.get(key);
            if (v != null) identity.put(key, v);
        }
        return identity;
    }
}
