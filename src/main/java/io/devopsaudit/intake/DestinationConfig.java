/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.dedup.DedupKey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One GitLab streaming destination, as {@code PUT _destinations/<name>} takes it: {@code {"instance": "gitlab-acme",
 * "scopes": ["acme", "partner/shared"]}}. GitLab sets up one destination per top-level group or per instance, each
 * with its own verification token ({@code devops_audit.destination.<name>.token} in the keystore): the token tells
 * which destination delivered an event, the destination says which instance its events come from and which scope
 * paths it may deliver. No scopes: no limit.
 */
public record DestinationConfig(String name, String instance, List<String> scopes) {

    /** The destination of the keystore's {@code devops_audit.gitlab.streaming_token}: no configuration, no scope limit. */
    public static final String DEFAULT = "default";

    static final Set<String> KEYS = Set.of("instance", "scopes");
    /** The name is the middle of the keystore setting {@code devops_audit.destination.<name>.token}: no dot. */
    public static final String NAME_RULE =
            "1 to 64 lower-case letters, digits, '_' or '-', starting with a letter or digit";

    static final int MAX_SCOPES = 1000;

    public DestinationConfig {
        scopes = List.copyOf(scopes);
    }

    public static boolean validName(String name) {
        return name != null && name.matches("[a-z0-9][a-z0-9_-]{0,63}");
    }

    public static String invalidName(String name) {
        return "[name] must be " + NAME_RULE + ", found [" + name + "]";
    }

    /** From a REST body (or its stored copy); anything unknown or malformed is refused naming the field. */
    public static DestinationConfig parse(String name, Map<String, Object> body) {
        if (validName(name) == false) {
            throw new IllegalArgumentException(invalidName(name));
        }
        if (DEFAULT.equals(name)) {
            throw new IllegalArgumentException(
                    "[name] [" + DEFAULT + "] is the destination of the keystore's " + StreamingToken.SETTING.getKey()
                            + " (no scope limit, instance from the request): choose another name");
        }
        for (String key : body.keySet()) {
            if (KEYS.contains(key) == false) {
                throw new IllegalArgumentException(
                        "[" + key + "] is not a destination parameter, expected one of " + new TreeSet<>(KEYS));
            }
        }
        Object instance = body.get("instance");
        if ((instance instanceof String s && DedupKey.validInstance(s)) == false) {
            throw new IllegalArgumentException(
                    "[instance] must be " + DedupKey.INSTANCE_RULE + ", found [" + instance + "]");
        }
        return new DestinationConfig(name, (String) instance, scopes(body.get("scopes")));
    }

    private static List<String> scopes(Object value) {
        if (value == null) return List.of();
        if (value instanceof List<?> == false) {
            throw new IllegalArgumentException(
                    "[scopes] must be a list of GitLab group or project paths, found [" + value + "]");
        }
        List<?> list = (List<?>) value;
        if (list.size() > MAX_SCOPES) {
            throw new IllegalArgumentException("[scopes] has " + list.size() + " paths, at most " + MAX_SCOPES);
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (item instanceof String s && validPath(s)) {
                out.add(s);
            } else {
                throw new IllegalArgumentException("[scopes][" + i + "] must be a GitLab full path (for example "
                        + "[acme] or [acme/web]: no leading, trailing or double '/', no spaces), found [" + item + "]");
            }
        }
        return new ArrayList<>(out);
    }

    private static boolean validPath(String s) {
        return s.length() <= 1024 && s.matches("[^/\\s]+(/[^/\\s]+)*");
    }

    /**
     * Whether an event of this scope path may come from this destination: no scopes means no limit; otherwise the path
     * is one of the scopes or lies below one ({@code acme} covers {@code acme/web} and {@code acme/sub/app}, not
     * {@code acme-other}). GitLab treats paths case-insensitively, so this does too. An event without a scope path
     * (an instance-level event) lies outside every scope list.
     */
    public boolean covers(String scopePath) {
        if (scopes.isEmpty()) return true;
        if (scopePath == null || scopePath.isEmpty()) return false;
        String path = scopePath.toLowerCase(Locale.ROOT);
        for (String scope : scopes) {
            String s = scope.toLowerCase(Locale.ROOT);
            if (path.equals(s) || path.startsWith(s + "/")) return true;
        }
        return false;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("instance", instance);
        out.put("scopes", scopes);
        return out;
    }
}
