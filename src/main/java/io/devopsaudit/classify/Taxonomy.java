/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.classify;

import io.devopsaudit.schema.Provider;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The action taxonomy, loaded from {@code gitlab-taxonomy.tsv} and {@code circleci-taxonomy.tsv}. Adding an event
 * type is one row in those files. An action they do not list is still classified — {@code other}, with its ECS
 * type guessed from its verb — and flagged unmapped, never dropped.
 */
public final class Taxonomy {

    public static final List<String> HEADER = List.of("action", "category", "area", "ecs_category", "ecs_type");
    public static final Set<String> CATEGORIES = Set.of(
            "authentication",
            "authorization",
            "credentials",
            "repository",
            "ci_cd",
            "compliance",
            "configuration",
            "data_export",
            "administration",
            "other");
    public static final Set<String> ECS_CATEGORIES = Set.of(
            "authentication",
            "configuration",
            "database",
            "driver",
            "email",
            "file",
            "host",
            "iam",
            "intrusion_detection",
            "malware",
            "network",
            "package",
            "process",
            "registry",
            "session",
            "threat",
            "vulnerability",
            "web",
            "api",
            "library");
    public static final Set<String> ECS_TYPES = Set.of(
            "access",
            "admin",
            "allowed",
            "change",
            "connection",
            "creation",
            "deletion",
            "denied",
            "end",
            "error",
            "group",
            "indicator",
            "info",
            "installation",
            "protocol",
            "start",
            "user");

    /** Verbs (last word of an action) to the ECS type of an unlisted action. */
    private static final Map<String, String> VERB_TYPES = Map.ofEntries(
            Map.entry("create", "creation"),
            Map.entry("created", "creation"),
            Map.entry("add", "creation"),
            Map.entry("added", "creation"),
            Map.entry("store", "creation"),
            Map.entry("registered", "creation"),
            Map.entry("delete", "deletion"),
            Map.entry("deleted", "deletion"),
            Map.entry("destroy", "deletion"),
            Map.entry("destroyed", "deletion"),
            Map.entry("remove", "deletion"),
            Map.entry("removed", "deletion"),
            Map.entry("update", "change"),
            Map.entry("updated", "change"),
            Map.entry("change", "change"),
            Map.entry("changed", "change"),
            Map.entry("accessed", "access"),
            Map.entry("viewed", "access"),
            Map.entry("downloaded", "access"),
            Map.entry("start", "start"),
            Map.entry("started", "start"),
            Map.entry("finish", "end"),
            Map.entry("finished", "end"));

    private final Map<String, Map<String, Classification>> byProvider;

    private Taxonomy(Map<String, Map<String, Classification>> byProvider) {
        this.byProvider = byProvider;
    }

    /** Loads the shipped files; a malformed file fails here, at node start, naming file and line. */
    public static Taxonomy load() {
        Map<String, Map<String, Classification>> all = new HashMap<>();
        for (Provider p : Provider.values()) {
            all.put(p.id(), read(p.id() + "-taxonomy.tsv"));
        }
        return new Taxonomy(Map.copyOf(all));
    }

    private static Map<String, Classification> read(String file) {
        Map<String, Classification> map = new HashMap<>();
        for (TsvResource.Row row : TsvResource.read(file, HEADER)) {
            String where = "data file [" + file + "] line " + row.line();
            String category = row.get(1);
            if (CATEGORIES.contains(category) == false) {
                throw new IllegalStateException(
                        where + ": unknown category [" + category + "], expected one of " + CATEGORIES);
            }
            List<String> ecsCategory = List.of(row.get(3).split(","));
            List<String> ecsType = List.of(row.get(4).split(","));
            for (String c : ecsCategory) {
                if (ECS_CATEGORIES.contains(c) == false)
                    throw new IllegalStateException(where + ": [" + c + "] is not an ECS event.category");
            }
            for (String t : ecsType) {
                if (ECS_TYPES.contains(t) == false)
                    throw new IllegalStateException(where + ": [" + t + "] is not an ECS event.type");
            }
            if (map.put(row.get(0), new Classification(category, row.get(2), ecsCategory, ecsType, true)) != null) {
                throw new IllegalStateException(where + ": action [" + row.get(0) + "] is listed twice");
            }
        }
        return Map.copyOf(map);
    }

    public Classification classify(String provider, String action) {
        Classification c = byProvider.getOrDefault(provider, Map.of()).get(action);
        if (c != null) return c;
        // an unlisted action recurs on every event of its kind: its guess is kept (a bounded number of them, since
        // actions are input), not split by a regular expression per event
        Map<String, Classification> known = unmappedSeen.computeIfAbsent(provider, p -> new ConcurrentHashMap<>());
        c = known.get(action);
        if (c == null) {
            c = unmapped(provider, action);
            if (known.size() < MAX_UNMAPPED_KEPT) known.put(action, c);
        }
        return c;
    }

    /** How many unlisted actions per provider keep their classification. */
    static final int MAX_UNMAPPED_KEPT = 1024;

    private final Map<String, Map<String, Classification>> unmappedSeen = new ConcurrentHashMap<>();

    /** The actions listed for a provider (for tests and docs). */
    public Set<String> actions(String provider) {
        return byProvider.getOrDefault(provider, Map.of()).keySet();
    }

    /**
     * An unlisted action: {@code other}, with its ECS type guessed from its last word. Dots, hyphens and underscores
     * all separate words ({@code webhook-create}, {@code pipeline.definition.update}, {@code member_destroyed}).
     */
    static Classification unmapped(String provider, String action) {
        String[] words = action.toLowerCase(Locale.ROOT).split("[._\\-]");
        String verb = words.length == 0 ? "" : words[words.length - 1];
        String type = VERB_TYPES.getOrDefault(verb, "info");
        String area = Provider.CIRCLECI.id().equals(provider) ? circleciEntity(action) : null;
        return new Classification(
                "other", area == null ? "other" : area, List.of("configuration"), List.of(type), false);
    }

    /**
     * The entity a CircleCI action names first, the best area we have: the part before the first dot
     * ({@code checkout-key.rotate} → {@code checkout_key}), or in a name without dots the part before the first
     * hyphen ({@code release_integration-token-create} → {@code release_integration}); {@code null} if there is none.
     */
    static String circleciEntity(String action) {
        int end = action.indexOf('.');
        if (end < 0) {
            end = action.indexOf('-');
        }
        return end > 0 ? action.substring(0, end).toLowerCase(Locale.ROOT).replace('-', '_') : null;
    }
}
