/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.schema;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every field name of the normalized record, in one place. docs/schema.md documents each one and the index
 * template maps exactly these; {@code SchemaDocTests} keeps the three in agreement.
 */
public final class Fields {
    private Fields() {}

    public static final String TIMESTAMP = "@timestamp";

    public static final String EVENT_KIND = "event.kind";
    public static final String EVENT_ID = "event.id";
    public static final String EVENT_PROVIDER = "event.provider";
    public static final String EVENT_DATASET = "event.dataset";
    public static final String EVENT_ACTION = "event.action";
    public static final String EVENT_CATEGORY = "event.category";
    public static final String EVENT_TYPE = "event.type";
    public static final String EVENT_OUTCOME = "event.outcome";
    public static final String EVENT_ORIGINAL = "event.original";
    public static final String EVENT_INGESTED = "event.ingested";

    public static final String USER_ID = "user.id";
    public static final String USER_NAME = "user.name";
    public static final String USER_EMAIL = "user.email";
    public static final String USER_TARGET_ID = "user.target.id";
    public static final String USER_TARGET_NAME = "user.target.name";
    public static final String USER_AGENT_ORIGINAL = "user_agent.original";
    public static final String SOURCE_IP = "source.ip";
    public static final String RELATED_USER = "related.user";
    public static final String RELATED_IP = "related.ip";
    public static final String ORGANIZATION_ID = "organization.id";
    public static final String ORGANIZATION_NAME = "organization.name";
    public static final String TRACE_ID = "trace.id";

    /** Request events (GitLab's request logs): the HTTP exchange. */
    public static final String HTTP_REQUEST_METHOD = "http.request.method";

    public static final String HTTP_RESPONSE_STATUS_CODE = "http.response.status_code";
    public static final String URL_PATH = "url.path";
    public static final String URL_QUERY = "url.query";
    /** The request's duration in nanoseconds (ECS). */
    public static final String EVENT_DURATION = "event.duration";
    /** The API token a request authenticated with (api_json.log token_type, token_id). */
    public static final String AUDIT_TOKEN_TYPE = "audit.token.type";

    public static final String AUDIT_TOKEN_ID = "audit.token.id";

    public static final String AUDIT_ACTOR_TYPE = "audit.actor.type";
    /** The administrator who was impersonating the author when the event was recorded (GitLab impersonated_by). */
    public static final String AUDIT_ACTOR_IMPERSONATED_BY = "audit.actor.impersonated_by";

    public static final String AUDIT_ACCOUNT_ID = "audit.account.id";
    public static final String AUDIT_ACCOUNT_NAME = "audit.account.name";
    public static final String AUDIT_CATEGORY = "audit.category";
    public static final String AUDIT_AREA = "audit.area";
    public static final String AUDIT_UNMAPPED = "audit.unmapped";
    public static final String AUDIT_SCOPE_TYPE = "audit.scope.type";
    public static final String AUDIT_SCOPE_ID = "audit.scope.id";
    public static final String AUDIT_SCOPE_PATH = "audit.scope.path";
    public static final String AUDIT_TARGET_TYPE = "audit.target.type";
    public static final String AUDIT_TARGET_ID = "audit.target.id";
    public static final String AUDIT_TARGET_NAME = "audit.target.name";
    public static final String AUDIT_CHANGE_OPERATION = "audit.change.operation";
    public static final String AUDIT_CHANGE_FIELD = "audit.change.field";
    public static final String AUDIT_CHANGE_FROM = "audit.change.from";
    public static final String AUDIT_CHANGE_TO = "audit.change.to";
    public static final String AUDIT_CHANGE_ROLE = "audit.change.role";
    public static final String AUDIT_MESSAGE = "audit.message";
    public static final String AUDIT_CORRELATION_ID = "audit.correlation_id";
    public static final String AUDIT_SOURCE_FORMAT = "audit.source_format";
    public static final String AUDIT_INSTANCE = "audit.instance";
    public static final String AUDIT_DESTINATION = "audit.destination";
    public static final String AUDIT_WARNINGS = "audit.warnings";
    public static final String AUDIT_DEDUP_KEY = "audit.dedup_key";

    public static final String AUDIT_INDICATORS = "audit.indicators";
    public static final String AUDIT_SEVERITY = "audit.severity";
    /**
     * The severity each indicator class was raised with, as {@code <class>:<severity>} (the highest of that class's
     * matching rules): monitors alert per class on it, so a medium rule does not alert as high because another class's
     * rule on the same event is high.
     */
    public static final String AUDIT_INDICATOR_SEVERITY = "audit.indicator_severity";

    public static final String EVENT_SEVERITY = "event.severity";
    public static final String EVENT_RISK_SCORE = "event.risk_score";
    public static final String RULE_ID = "rule.id";
    public static final String RULE_NAME = "rule.name";
    public static final String THREAT_TECHNIQUE_ID = "threat.technique.id";
    public static final String THREAT_TECHNIQUE_NAME = "threat.technique.name";
    public static final String TAGS = "tags";

    /** The vendor's own event, kept whole (mapped as flat_object: unknown keys can never grow the mapping). */
    public static final String GITLAB_AUDIT = "gitlab.audit";

    public static final String CIRCLECI_AUDIT = "circleci.audit";
    /** A GitLab request log line, kept whole like {@link #GITLAB_AUDIT}. */
    public static final String GITLAB_REQUEST = "gitlab.request";

    /** Fields that hold a list of values. */
    public static final List<String> ARRAYS = List.of(
            EVENT_CATEGORY,
            EVENT_TYPE,
            RELATED_USER,
            RELATED_IP,
            AUDIT_WARNINGS,
            AUDIT_INDICATORS,
            AUDIT_INDICATOR_SEVERITY,
            RULE_ID,
            RULE_NAME,
            THREAT_TECHNIQUE_ID,
            THREAT_TECHNIQUE_NAME,
            TAGS);

    /** Every field name above (not the value constants below). */
    public static final Set<String> ALL = allFieldNames();

    public static final String KIND_EVENT = "event";
    public static final String OUTCOME_SUCCESS = "success";
    public static final String OUTCOME_FAILURE = "failure";
    public static final String OUTCOME_UNKNOWN = "unknown";

    private static Set<String> allFieldNames() {
        Set<String> names = new TreeSet<>();
        for (Field f : Fields.class.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod)
                    && Modifier.isPublic(mod)
                    && f.getType() == String.class
                    && f.getName().startsWith("KIND_") == false
                    && f.getName().startsWith("OUTCOME_") == false) {
                try {
                    names.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Collections.unmodifiableSet(names);
    }
}
