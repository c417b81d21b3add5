/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.normalize;

import io.devopsaudit.parse.AuditParseException;
import io.devopsaudit.parse.ParsedEvent;
import io.devopsaudit.schema.Fields;

import java.util.Locale;
import java.util.Map;

/** Fills the record from a CircleCI audit event (see docs/schema.md, CircleCI table). */
final class CircleciNormalizer {

    void normalize(ParsedEvent e, RecordBuilder r) {
        String fmt = e.format.id();
        // common_fields repeats occurred_at, success and request.ip_address under SIEM names: a fallback only.
        Map<?, ?> common = object(e, "common_fields");
        Object time = e.get("occurred_at");
        String timeField = "occurred_at";
        if (time == null && common != null && common.get("timestamp") != null) {
            time = common.get("timestamp");
            timeField = "common_fields.timestamp";
        }
        if (time == null) {
            throw new AuditParseException(
                    fmt, "the event has no time: [occurred_at] and [common_fields.timestamp] are missing");
        }
        r.put(Fields.TIMESTAMP, Timestamps.format(Timestamps.parse(fmt, timeField, time)));
        r.put(Fields.EVENT_ID, e.text("id"));
        String action = e.text("action");
        if (action == null) {
            throw new AuditParseException(fmt, "the event has no [action]");
        }
        r.put(Fields.EVENT_ACTION, action);
        Object success = e.get("success");
        if (success instanceof Boolean == false) {
            String outcome = text(common, "outcome");
            success = Fields.OUTCOME_SUCCESS.equalsIgnoreCase(outcome)
                    ? Boolean.TRUE
                    : Fields.OUTCOME_FAILURE.equalsIgnoreCase(outcome) ? Boolean.FALSE : null;
        }
        r.put(
                Fields.EVENT_OUTCOME,
                success instanceof Boolean b
                        ? (b ? Fields.OUTCOME_SUCCESS : Fields.OUTCOME_FAILURE)
                        : Fields.OUTCOME_UNKNOWN);

        Map<?, ?> actor = object(e, "actor");
        Map<?, ?> target = object(e, "target");
        Map<?, ?> scope = object(e, "scope");
        Map<?, ?> organization = object(e, "organization");
        Map<?, ?> account = object(e, "account");
        Map<?, ?> request = object(e, "request");

        r.put(Fields.USER_ID, text(actor, "id"));
        r.put(Fields.USER_NAME, text(actor, "name"));
        String actorType = text(actor, "type");
        r.put(Fields.AUDIT_ACTOR_TYPE, actorType == null ? null : actorType.toLowerCase(Locale.ROOT));

        String targetType = text(target, "type");
        r.put(Fields.AUDIT_TARGET_TYPE, targetType);
        r.put(Fields.AUDIT_TARGET_ID, text(target, "id"));
        r.put(Fields.AUDIT_TARGET_NAME, text(target, "name"));
        if (targetType != null && targetType.equalsIgnoreCase("user")) {
            r.put(Fields.USER_TARGET_ID, text(target, "id"));
            r.put(Fields.USER_TARGET_NAME, text(target, "name"));
        }

        // The scope is the account that owns the target (an organization); events that name their organization but
        // no scope are scoped by it; with neither the event is instance-wide (server installs).
        Map<?, ?> owner = scope != null ? scope : organization;
        r.put(Fields.AUDIT_SCOPE_TYPE, owner == null ? "instance" : "organization");
        r.put(Fields.AUDIT_SCOPE_ID, text(owner, "id"));
        r.put(Fields.AUDIT_SCOPE_PATH, text(owner, "name"));
        // organization.* is the CircleCI organization: the event's own `organization` field, else (older events
        // without it) the scope. The `account` field is kept apart in audit.account.*.
        Map<?, ?> org = organization != null ? organization : scope;
        r.put(Fields.ORGANIZATION_ID, text(org, "id"));
        r.put(Fields.ORGANIZATION_NAME, text(org, "name"));
        r.put(Fields.AUDIT_ACCOUNT_ID, text(account, "id"));
        r.put(Fields.AUDIT_ACCOUNT_NAME, text(account, "name"));

        String ip = text(request, "ip_address");
        String ipField = "request.ip_address";
        if (ip == null) {
            ip = text(request, "ip");
            ipField = "request.ip";
        }
        if (ip == null) {
            ip = text(common, "source_ip");
            ipField = "common_fields.source_ip";
        }
        Normalizer.putIp(r, e, ipField, ip);
        r.put(Fields.USER_AGENT_ORIGINAL, text(request, "user_agent"));
        r.put(Fields.AUDIT_CORRELATION_ID, text(request, "id"));
        r.put(Fields.TRACE_ID, text(request, "client_trace_id"));
        r.put(Fields.AUDIT_MESSAGE, message(action, actor, target, success));
    }

    private static Map<?, ?> object(ParsedEvent e, String key) {
        return e.get(key) instanceof Map<?, ?> m ? m : null;
    }

    private static String text(Map<?, ?> m, String key) {
        return m == null ? null : ParsedEvent.asText(m.get(key));
    }

    /** CircleCI has no message field: "jdoe: context.env_var.store on context prod-deploy" (+ " (failed)"). */
    static String message(String action, Map<?, ?> actor, Map<?, ?> target, Object success) {
        StringBuilder sb = new StringBuilder();
        String who = text(actor, "name") != null ? text(actor, "name") : text(actor, "id");
        if (who != null) sb.append(who).append(": ");
        sb.append(action);
        String what = text(target, "name") != null ? text(target, "name") : text(target, "id");
        if (what != null) {
            sb.append(" on ");
            if (text(target, "type") != null) sb.append(text(target, "type")).append(' ');
            sb.append(what);
        }
        if (Boolean.FALSE.equals(success)) sb.append(" (failed)");
        return sb.toString();
    }
}
