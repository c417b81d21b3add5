/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.normalize;

import io.devopsaudit.classify.DerivedActions;
import io.devopsaudit.parse.AuditParseException;
import io.devopsaudit.parse.JsonText;
import io.devopsaudit.parse.ParsedEvent;
import io.devopsaudit.schema.Fields;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** Fills the record from a GitLab event of any of its four shapes (see docs/schema.md, GitLab tables). */
final class GitlabNormalizer {

    /** details.author_class (GitLab 15.3+) to audit.actor.type. */
    private static final Map<String, String> AUTHOR_CLASSES = Map.of(
            "user",
            "user",
            "deploykey",
            "deploy_key",
            "deploytoken",
            "deploy_token",
            "gitlab::audit::deploykeyauthor",
            "deploy_key",
            "gitlab::audit::deploytokenauthor",
            "deploy_token",
            "gitlab::audit::unauthenticatedauthor",
            "unauthenticated",
            "gitlab::audit::nullauthor",
            "system",
            "gitlab::audit::cirunnertokenauthor",
            "ci_runner",
            "serviceaccount",
            "service_account");

    private final DerivedActions derivedActions;

    GitlabNormalizer(DerivedActions derivedActions) {
        this.derivedActions = derivedActions;
    }

    void normalize(ParsedEvent e, RecordBuilder r) {
        String fmt = e.format.id();
        Object createdAt = e.get("created_at");
        Object time = createdAt != null ? createdAt : e.get("time");
        String timeField = createdAt != null ? "created_at" : "time";
        if (time == null) {
            throw new AuditParseException(fmt, "the event has no time: none of [created_at, time] is present");
        }
        r.put(Fields.TIMESTAMP, Timestamps.format(Timestamps.parse(fmt, timeField, time)));
        r.put(Fields.EVENT_ID, ParsedEvent.asText(e.fields.get("id")));
        String action = action(e);
        // the sentence is read for the outcome and stored: built once (a change event's sentence is concatenated)
        String message = message(e);
        r.put(Fields.EVENT_ACTION, action);
        r.put(Fields.EVENT_OUTCOME, outcome(e, action, message));

        String authorId = e.text("author_id");
        r.put(Fields.USER_ID, authorId != null ? authorId : e.text("meta.user_id"));
        String authorName = e.text("author_name");
        r.put(Fields.USER_NAME, authorName != null ? authorName : e.text("meta.user"));
        r.put(Fields.USER_EMAIL, e.text("author_email"));
        r.put(Fields.AUDIT_ACTOR_TYPE, actorType(e.text("author_class"), authorId));
        // GitLab adds impersonated_by to the details of every event recorded during an impersonation session
        // (and "(by <admin>)" to its sentence, which the CSV parser reads back into the same detail).
        r.put(Fields.AUDIT_ACTOR_IMPERSONATED_BY, e.text("impersonated_by"));

        String ip = e.text("ip_address");
        Normalizer.putIp(
                r, e, ip != null ? "ip_address" : "meta.remote_ip", ip != null ? ip : e.text("meta.remote_ip"));
        r.put(Fields.USER_AGENT_ORIGINAL, e.text("user_agent"));

        scope(e, r);
        target(e, r);
        change(e, r);
        r.put(Fields.AUDIT_MESSAGE, message);
        r.put(Fields.AUDIT_CORRELATION_ID, e.text("correlation_id"));
    }

    private String action(ParsedEvent e) {
        for (String key : new String[] {"event_name", "event_type"}) {
            String v = e.text(key);
            if (v != null) {
                return v;
            }
        }
        String derived = derivedActions.derive(e);
        return derived != null ? derived : "audit_operation";
    }

    private static String outcome(ParsedEvent e, String action, String message) {
        // GitLab records an audit event once the action happened; the failures it records say so in the name, or,
        // for tokens (personal_access_token_created / _revoked), only in the message: "Attempted to create personal
        // access token but failed with message: ..." (ee/app/services/ee/personal_access_tokens/create_service.rb).
        if (e.get("failed_login") != null || action.contains("failed")) {
            return Fields.OUTCOME_FAILURE;
        }
        if (message != null && message.startsWith("Attempted to ") && message.contains(" but failed")) {
            return Fields.OUTCOME_FAILURE;
        }
        return Fields.OUTCOME_SUCCESS;
    }

    static String actorType(String authorClass, String authorId) {
        if (authorClass != null) {
            String t = AUTHOR_CLASSES.get(authorClass.toLowerCase(Locale.ROOT));
            return t != null ? t : authorClass.toLowerCase(Locale.ROOT).replace("::", "_");
        }
        if (authorId != null && authorId.startsWith("-")) {
            return switch (authorId) {
                case "-1" -> "unauthenticated";
                case "-2" -> "deploy_token";
                case "-3" -> "deploy_key";
                default -> "system";
            };
        }
        return authorId != null ? "user" : null;
    }

    private static void scope(ParsedEvent e, RecordBuilder r) {
        String entityType = e.text("entity_type");
        String scopeType;
        String scopeId = e.text("entity_id");
        if (entityType != null) {
            String t = entityType.toLowerCase(Locale.ROOT);
            scopeType = switch (t) {
                case "project" -> "project";
                case "group", "namespace" -> "group";
                case "user" -> "user";
                case "gitlab::audit::instancescope", "instance" -> "instance";
                default -> t.startsWith("namespaces::") ? "group" : t.replace("::", "_");};
        } else if (e.text("project_id") != null) {
            scopeType = "project";
            scopeId = e.text("project_id");
        } else if (e.text("group_id") != null) {
            scopeType = "group";
            scopeId = e.text("group_id");
        } else if (e.text("user_id") != null) {
            scopeType = "user";
            scopeId = e.text("user_id");
        } else {
            scopeType = "instance";
        }
        String path = e.text("entity_path");
        r.put(Fields.AUDIT_SCOPE_TYPE, scopeType);
        r.put(Fields.AUDIT_SCOPE_ID, scopeId);
        r.put(Fields.AUDIT_SCOPE_PATH, path);
        if (path != null && (scopeType.equals("project") || scopeType.equals("group"))) {
            int slash = path.indexOf('/');
            r.put(Fields.ORGANIZATION_NAME, slash < 0 ? path : path.substring(0, slash));
        }
    }

    private static void target(ParsedEvent e, RecordBuilder r) {
        String type = e.text("target_type");
        String id = e.text("target_id");
        Object details = e.get("target_details");
        String name = details instanceof Map<?, ?> m
                ? (m.get("name") != null ? m.get("name").toString() : JsonText.write(details))
                : ParsedEvent.asText(details);
        r.put(Fields.AUDIT_TARGET_TYPE, type);
        r.put(Fields.AUDIT_TARGET_ID, id);
        r.put(Fields.AUDIT_TARGET_NAME, name);
        if (type != null && type.equalsIgnoreCase("User")) {
            r.put(Fields.USER_TARGET_ID, id);
            r.put(Fields.USER_TARGET_NAME, name);
        }
    }

    /**
     * The label GitLab writes for a default role since custom roles exist (Member#human_access_labeled,
     * lib/gitlab/access.rb): "Default role: Maintainer". A custom role is written "Custom role: name" and keeps its
     * label, so that no rule reads a custom role named like a default one as that default role.
     */
    static final String DEFAULT_ROLE_LABEL = "Default role: ";

    /** The bare role of a role label ("Default role: Owner" is Owner); any other text unchanged. */
    static String bareRole(String label) {
        return label != null && label.startsWith(DEFAULT_ROLE_LABEL)
                ? label.substring(DEFAULT_ROLE_LABEL.length())
                : label;
    }

    private static void change(ParsedEvent e, RecordBuilder r) {
        String role = bareRole(e.text("as"));
        if (e.text("change") != null) {
            boolean accessLevel = "access_level".equals(e.text("change"));
            r.put(Fields.AUDIT_CHANGE_OPERATION, "change");
            r.put(Fields.AUDIT_CHANGE_FIELD, e.text("change"));
            String from = scalar(e.get("from"));
            String to = scalar(e.get("to"));
            r.putKeepEmpty(Fields.AUDIT_CHANGE_FROM, accessLevel ? bareRole(from) : from);
            r.putKeepEmpty(Fields.AUDIT_CHANGE_TO, accessLevel ? bareRole(to) : to);
        } else if (e.text("add") != null) {
            r.put(Fields.AUDIT_CHANGE_OPERATION, "add");
            r.put(Fields.AUDIT_CHANGE_FIELD, e.text("add"));
        } else if (e.text("remove") != null) {
            r.put(Fields.AUDIT_CHANGE_OPERATION, "remove");
            r.put(Fields.AUDIT_CHANGE_FIELD, e.text("remove"));
        }
        r.put(Fields.AUDIT_CHANGE_ROLE, role);
    }

    /** from/to as GitLab's API writes them (to_s): booleans and numbers as text, objects as JSON. */
    private static String scalar(Object v) {
        if (v == null) return null;
        if (v instanceof Map || v instanceof List) return JsonText.write(v);
        return v.toString();
    }

    /** custom_message when it is a sentence, else the sentence GitLab's Audit::Details.humanize would write. */
    static String message(ParsedEvent e) {
        if (e.sourceMessage() != null) {
            return e.sourceMessage();
        }
        Object custom = e.get("custom_message");
        if (custom instanceof String s && s.isBlank() == false) {
            return s;
        }
        String with = e.text("with");
        if (with != null) return "Signed in with " + with.toUpperCase(Locale.ROOT) + " authentication";
        String add = e.text("add");
        if (add != null) return "Added " + add + (e.text("as") != null ? " as " + e.text("as") : "");
        String remove = e.text("remove");
        if (remove != null) return "Removed " + remove;
        String failed = e.text("failed_login");
        if (failed != null) return "Failed to login with " + failed.toUpperCase(Locale.ROOT) + " authentication";
        String change = e.text("change");
        if (change != null) {
            String from = scalar(e.get("from"));
            String to = scalar(e.get("to"));
            return "Changed " + change + (from != null ? " from " + from : "") + (to != null ? " to " + to : "");
        }
        if (custom instanceof Map<?, ?> m) {
            StringJoiner j = new StringJoiner(", ");
            m.forEach((k, v) -> j.add(k + ": " + v));
            return j.toString();
        }
        return null;
    }
}
