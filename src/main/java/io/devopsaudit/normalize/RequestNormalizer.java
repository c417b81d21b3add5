/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.normalize;

import io.devopsaudit.parse.AuditParseException;
import io.devopsaudit.parse.ParsedEvent;
import io.devopsaudit.parse.SourceFormat;
import io.devopsaudit.schema.Fields;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/** Fills the record from a line of GitLab's request logs (docs/schema.md, request events). */
final class RequestNormalizer {
    private RequestNormalizer() {}

    /** Rack::Attack entries that stopped the request; {@code track} only records it. */
    private static final List<String> BLOCKING_ENVS = List.of("blocklist", "throttle");

    static void normalize(ParsedEvent e, RecordBuilder r) {
        String fmt = e.format.id();
        Object time = e.get("time");
        if (time == null) {
            throw new AuditParseException(fmt, "the request has no time: [time] is missing");
        }
        r.put(Fields.TIMESTAMP, Timestamps.format(Timestamps.parse(fmt, "time", time)));

        // each key is looked up once: numbers (user_id, status) would be turned into text again on every lookup
        String method = e.text("method");
        if (method == null) method = e.text("request_method");
        r.put(Fields.HTTP_REQUEST_METHOD, method == null ? null : method.toUpperCase(Locale.ROOT));
        String path = e.text("path");
        if (path != null) {
            // auth_json.log writes the path with its query; GitLab has already replaced secret values by [FILTERED]
            int q = path.indexOf('?');
            r.put(Fields.URL_PATH, q < 0 ? path : path.substring(0, q));
            r.put(Fields.URL_QUERY, q < 0 ? null : path.substring(q + 1));
        }
        Long status = status(e);
        r.put(Fields.HTTP_RESPONSE_STATUS_CODE, status);

        String remote = e.text("remote_ip");
        if (remote != null) {
            // api_json.log may list the proxy chain ("81.2.69.144, 127.0.0.1"): the client is the first address
            int comma = remote.indexOf(',');
            Normalizer.putIp(r, e, "remote_ip", comma < 0 ? remote : remote.substring(0, comma));
        } else {
            Normalizer.putIp(r, e, "meta.remote_ip", e.text("meta.remote_ip"));
        }
        String userId = e.text("user_id");
        if (userId == null) userId = e.text("meta.user_id");
        String username = e.text("username");
        r.put(Fields.USER_ID, userId);
        r.put(Fields.USER_NAME, username != null ? username : e.text("meta.user"));
        r.put(Fields.AUDIT_ACTOR_TYPE, userId != null || username != null ? "user" : "unauthenticated");
        r.put(Fields.USER_AGENT_ORIGINAL, e.text("ua"));
        r.put(Fields.EVENT_DURATION, durationNanos(e));
        r.put(Fields.AUDIT_CORRELATION_ID, e.text("correlation_id"));

        String project = e.text("meta.project");
        String scope = project != null ? project : e.text("meta.root_namespace");
        if (scope != null) {
            r.put(Fields.AUDIT_SCOPE_TYPE, project != null ? "project" : "group");
            r.put(Fields.AUDIT_SCOPE_PATH, scope);
            int slash = scope.indexOf('/');
            r.put(Fields.ORGANIZATION_NAME, slash < 0 ? scope : scope.substring(0, slash));
        }
        r.put(Fields.AUDIT_TOKEN_TYPE, e.text("token_type"));
        r.put(Fields.AUDIT_TOKEN_ID, e.text("token_id"));

        String env = e.text("env");
        r.put(Fields.EVENT_ACTION, action(e, env));
        String outcome;
        if (e.format == SourceFormat.GITLAB_AUTH_LOG) {
            outcome = env != null && BLOCKING_ENVS.contains(env) ? Fields.OUTCOME_FAILURE : Fields.OUTCOME_UNKNOWN;
        } else if (status == null) {
            outcome = Fields.OUTCOME_UNKNOWN;
        } else {
            outcome = status >= 400 ? Fields.OUTCOME_FAILURE : Fields.OUTCOME_SUCCESS;
        }
        r.put(Fields.EVENT_OUTCOME, outcome);
        if (e.format == SourceFormat.GITLAB_AUTH_LOG) {
            String matched = e.text("matched");
            r.put(
                    Fields.AUDIT_MESSAGE,
                    "Rack::Attack " + (env == null ? "entry" : env) + (matched == null ? "" : " " + matched));
        }
    }

    /** Rails' Controller#action, the API route (Grape), or rack_attack_<env> for Rack::Attack entries. */
    private static String action(ParsedEvent e, String env) {
        if (e.format == SourceFormat.GITLAB_AUTH_LOG) {
            return "rack_attack_" + (env == null ? "entry" : env.toLowerCase(Locale.ROOT));
        }
        String controller = e.text("controller");
        String action = e.text("action");
        String caller = e.text("meta.caller_id");
        if (controller != null && action != null) {
            // Rails lines carry the same text as meta.caller_id: reuse it rather than build it again
            return isJoined(caller, controller, action) ? caller : controller + "#" + action;
        }
        String route = e.text("route");
        if (route != null) return route;
        return caller != null ? caller : "http_request";
    }

    /** Whether {@code text} is {@code controller#action}. */
    private static boolean isJoined(String text, String controller, String action) {
        return text != null
                && text.length() == controller.length() + 1 + action.length()
                && text.startsWith(controller)
                && text.charAt(controller.length()) == '#'
                && text.endsWith(action);
    }

    private static Long status(ParsedEvent e) {
        // GitLab writes the status as a JSON integer: read it as one, without a detour through text
        if (e.get("status") instanceof Integer i) return (long) i;
        String s = e.text("status");
        if (s == null) return null;
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException ex) {
            throw new AuditParseException(
                    e.format.id(), "field [status] must be an HTTP status code, found [" + s + "]");
        }
    }

    /** {@code duration_s} (seconds, current GitLab) or {@code duration} (milliseconds, older api_json.log) in ns. */
    private static Long durationNanos(ParsedEvent e) {
        String seconds = e.text("duration_s");
        String millis = seconds == null ? e.text("duration") : null;
        String value = seconds != null ? seconds : millis;
        if (value == null) return null;
        try {
            BigDecimal d = new BigDecimal(value.strip());
            return d.movePointRight(seconds != null ? 9 : 6)
                    .setScale(0, java.math.RoundingMode.HALF_UP)
                    .longValueExact();
        } catch (NumberFormatException | ArithmeticException ex) {
            e.warnings.add("field [" + (seconds != null ? "duration_s" : "duration")
                    + "] is not a number; not copied to event.duration");
            return null;
        }
    }
}
