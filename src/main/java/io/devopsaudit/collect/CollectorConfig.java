/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import io.devopsaudit.dedup.DedupKey;
import org.opensearch.common.unit.TimeValue;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One named collector's configuration, as {@code PUT _collectors/<name>} takes it: {@code {"type": "gitlab", "url",
 * "scopes": [{"instance": true} | {"group": id-or-path} | {"project": id-or-path}], "interval", "since",
 * "event_types", "instance"}}. Parsing refuses anything else with a message naming the field, so a typo never becomes
 * a collector that silently collects nothing.
 */
public record CollectorConfig(
        String name,
        String url,
        List<Scope> scopes,
        TimeValue interval,
        Instant since,
        List<String> eventTypes,
        String instance) {

    public static final String TYPE = "gitlab";
    static final Set<String> KEYS = Set.of("type", "url", "scopes", "interval", "since", "event_types", "instance");
    static final TimeValue MIN_INTERVAL = TimeValue.timeValueSeconds(1);
    /**
     * A collector's name is the middle of its keystore setting {@code devops_audit.collector.<name>.token}, so it may
     * not hold a dot, and it is a document id in the state index.
     */
    public static final String NAME_RULE =
            "1 to 64 lower-case letters, digits, '_' or '-', starting with a letter or digit";

    public CollectorConfig {
        scopes = List.copyOf(scopes);
        eventTypes = eventTypes == null ? null : List.copyOf(eventTypes);
    }

    public static boolean validName(String name) {
        return name != null && name.matches("[a-z0-9][a-z0-9_-]{0,63}");
    }

    /** What every collector request and the configuration say about a name that is not {@link #validName}. */
    public static String invalidName(String name) {
        return "[name] must be " + NAME_RULE + ", found [" + name + "]";
    }

    /** One thing to collect: the whole instance, a group or a project (by numeric id or full path). */
    public record Scope(String kind, String id) {
        public static final String INSTANCE = "instance";
        public static final String GROUP = "group";
        public static final String PROJECT = "project";

        /** How status names it: {@code instance}, {@code group:acme}, {@code project:acme/web}. */
        public String key() {
            return kind.equals(INSTANCE) ? INSTANCE : kind + ":" + id;
        }

        /** The API path below {@code /api/v4}: ids and full paths alike are URL-encoded ({@code acme%2Fweb}). */
        public String apiPath() {
            if (kind.equals(INSTANCE)) return "/audit_events";
            return "/" + kind + "s/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8)
                    + "/audit_events";
        }

        Map<String, Object> toMap() {
            return Map.of(kind, kind.equals(INSTANCE) ? (Object) Boolean.TRUE : id);
        }
    }

    /** From a REST body (or its stored copy). */
    public static CollectorConfig parse(String name, Map<String, Object> body) {
        if (validName(name) == false) {
            throw new IllegalArgumentException(invalidName(name));
        }
        for (String key : body.keySet()) {
            if (KEYS.contains(key) == false) {
                throw new IllegalArgumentException(
                        "[" + key + "] is not a collector parameter, expected one of " + new java.util.TreeSet<>(KEYS));
            }
        }
        Object type = body.get("type");
        if (TYPE.equals(type) == false) {
            throw new IllegalArgumentException("[type] must be [" + TYPE + "], found [" + type + "]");
        }
        String url = url(body.get("url"));
        List<Scope> scopes = scopes(body.get("scopes"));
        TimeValue interval = interval(body.get("interval"));
        Instant since = since(body.get("since"));
        List<String> eventTypes = eventTypes(body.get("event_types"));
        Object instance = body.get("instance");
        if (instance != null && (instance instanceof String s && DedupKey.validInstance(s)) == false) {
            throw new IllegalArgumentException(
                    "[instance] must be " + DedupKey.INSTANCE_RULE + ", found [" + instance + "]");
        }
        return new CollectorConfig(name, url, scopes, interval, since, eventTypes, (String) instance);
    }

    private static String url(Object value) {
        if (value instanceof String s) {
            try {
                URI uri = new URI(s);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https"))
                        && uri.getHost() != null
                        && uri.getRawQuery() == null
                        && uri.getRawFragment() == null
                        && uri.getRawUserInfo() == null) {
                    // the API lives below the instance's root: "https://gitlab.example.com/" and without the slash
                    // agree
                    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
                }
            } catch (URISyntaxException e) {
                // falls through to the message below
            }
        }
        throw new IllegalArgumentException(
                "[url] must be the GitLab instance's http(s) address without user, query or fragment, e.g. "
                        + "https://gitlab.example.com, found [" + value + "]");
    }

    private static List<Scope> scopes(Object value) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("[scopes] must be a non-empty list of {\"instance\": true}, "
                    + "{\"group\": <id or full path>} or {\"project\": <id or full path>}, found [" + value + "]");
        }
        List<Scope> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Scope scope = scope(i, list.get(i));
            if (seen.add(scope.key()) == false) {
                throw new IllegalArgumentException("[scopes." + i + "] repeats [" + scope.key() + "]");
            }
            out.add(scope);
        }
        return out;
    }

    private static Scope scope(int i, Object value) {
        String where = "[scopes." + i + "]";
        if (value instanceof Map<?, ?> m && m.size() == 1) {
            Map.Entry<?, ?> e = m.entrySet().iterator().next();
            Object kind = e.getKey();
            Object v = e.getValue();
            if (Scope.INSTANCE.equals(kind)) {
                if (Boolean.TRUE.equals(v)) return new Scope(Scope.INSTANCE, null);
                throw new IllegalArgumentException(
                        where + " {\"instance\": true} is the only instance scope, found [" + v + "]");
            }
            if (Scope.GROUP.equals(kind) || Scope.PROJECT.equals(kind)) {
                String id = v instanceof Integer || v instanceof Long ? v.toString() : v instanceof String s ? s : null;
                if (id != null
                        && id.isBlank() == false
                        && id.strip().equals(id)
                        && (id.chars().allMatch(Character::isDigit) == false || Long.parseLong(id) > 0)) {
                    return new Scope((String) kind, id);
                }
                throw new IllegalArgumentException(where + " [" + kind
                        + "] must be a positive numeric id or a full path such as acme/web, found [" + v + "]");
            }
        }
        throw new IllegalArgumentException(
                where + " must be one of {\"instance\": true}, {\"group\": <id or full path>}, "
                        + "{\"project\": <id or full path>}, found [" + value + "]");
    }

    private static TimeValue interval(Object value) {
        if (value instanceof String s) {
            TimeValue t;
            try {
                t = TimeValue.parseTimeValue(s, "interval");
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "[interval] must be a time value such as 30s or 5m, found [" + s + "]");
            }
            if (t.compareTo(MIN_INTERVAL) >= 0) return t;
        }
        throw new IllegalArgumentException(
                "[interval] must be a time value of at least 1s, such as 30s or 5m, found [" + value + "]");
    }

    private static Instant since(Object value) {
        if (value instanceof String s) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                // below
            }
        }
        throw new IllegalArgumentException(
                "[since] must be an ISO-8601 instant such as 2025-01-01T00:00:00Z, found [" + value + "]");
    }

    private static List<String> eventTypes(Object value) {
        if (value == null) return null;
        if (value instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                if (o instanceof String s && s.isBlank() == false) out.add(s);
                else
                    throw new IllegalArgumentException(
                            "[event_types] must be a list of GitLab event names (strings), found [" + o + "] in it");
            }
            return out;
        }
        throw new IllegalArgumentException("[event_types] must be a list of GitLab event names, found [" + value + "]");
    }

    /** The body as {@code PUT} takes it and {@code GET} shows it. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", TYPE);
        out.put("url", url);
        out.put("scopes", scopes.stream().map(Scope::toMap).toList());
        out.put("interval", interval.getStringRep());
        out.put("since", since.toString());
        if (eventTypes != null) out.put("event_types", eventTypes);
        if (instance != null) out.put("instance", instance);
        return out;
    }

    /** Whether an API object passes the {@code event_types} filter (events without an event name pass no filter). */
    public boolean wanted(String eventName) {
        return eventTypes == null || (eventName != null && eventTypes.contains(eventName));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CollectorConfig c && toMap().equals(c.toMap()) && name.equals(c.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, toMap());
    }
}
