/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What users commonly change at setup, validated with errors that name the parameter: {@code replicas},
 * {@code shards}, and the processor's site policy ({@code trusted_networks}, {@code privileged_roles}) and rule tuning ({@code disabled_rules}, {@code severity_overrides}), which setup
 * writes into the installed pipeline, so running setup again after an upgrade keeps them.
 */
public record SetupParameters(
        Integer replicas,
        Integer shards,
        List<String> trustedNetworks,
        List<String> privilegedRoles,
        String notificationChannelId,
        String dashboardsUrl,
        List<String> disabledRules,
        Map<String, String> severityOverrides) {

    static final Set<String> KEYS = Set.of(
            "replicas",
            "shards",
            "trusted_networks",
            "privileged_roles",
            "notification_channel_id",
            "dashboards_url",
            "disabled_rules",
            "severity_overrides");

    public static SetupParameters parse(Map<String, Object> body) {
        for (String key : body.keySet()) {
            if (KEYS.contains(key) == false) {
                throw new IllegalArgumentException("unknown setup parameter [" + key + "], expected one of "
                        + KEYS.stream().sorted().toList());
            }
        }
        SetupParameters p = new SetupParameters(
                integer(body, "replicas"),
                integer(body, "shards"),
                strings(body, "trusted_networks"),
                strings(body, "privileged_roles"),
                body.get("notification_channel_id") == null
                        ? null
                        : body.get("notification_channel_id").toString(),
                body.get("dashboards_url") == null
                        ? null
                        : body.get("dashboards_url").toString(),
                strings(body, "disabled_rules"),
                stringMap(body, "severity_overrides"));
        p.validate();
        return p;
    }

    /** Range checks, also run on a request that arrives over the wire; errors name the parameter. */
    public void validate() {
        range("replicas", replicas, 0, 10);
        range("shards", shards, 1, 64);
        MonitorContent.render(notificationChannelId, dashboardsUrl); // validates both
    }

    private static void range(String key, Integer v, int min, int max) {
        if (v != null && (v < min || v > max)) {
            throw new IllegalArgumentException(
                    "[" + key + "] must be a whole number from " + min + " to " + max + ", found [" + v + "]");
        }
    }

    private static Integer integer(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null || v instanceof Integer) return (Integer) v;
        throw new IllegalArgumentException("[" + key + "] must be a whole number, found [" + v + "]");
    }

    private static List<String> strings(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null) return null;
        if (v instanceof List<?> l && l.stream().allMatch(x -> x instanceof String))
            return l.stream().map(Object::toString).toList();
        throw new IllegalArgumentException("[" + key + "] must be a list of strings, found [" + v + "]");
    }

    /** Rule ids and severities are checked by the processor when the pipeline is put (400 naming them). */
    private static Map<String, String> stringMap(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null) return null;
        if (v instanceof Map<?, ?> m && m.values().stream().allMatch(x -> x instanceof String)) {
            Map<String, String> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k.toString(), x.toString()));
            return out;
        }
        throw new IllegalArgumentException("[" + key + "] must map rule ids to severities, found [" + v + "]");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> applyToTemplate(Map<String, Object> template) {
        Map<String, Object> copy = new LinkedHashMap<>(template);
        Map<String, Object> inner = new LinkedHashMap<>((Map<String, Object>) copy.get("template"));
        Map<String, Object> settings = new LinkedHashMap<>((Map<String, Object>) inner.get("settings"));
        Map<String, Object> index = new LinkedHashMap<>((Map<String, Object>) settings.get("index"));
        if (replicas != null) index.put("number_of_replicas", replicas);
        if (shards != null) index.put("number_of_shards", shards);
        settings.put("index", index);
        inner.put("settings", settings);
        copy.put("template", inner);
        return copy;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> applyToPipeline(Map<String, Object> pipeline) {
        Map<String, Object> copy = new LinkedHashMap<>(pipeline);
        List<Object> processors = new ArrayList<>();
        for (Object p : (List<Object>) pipeline.get("processors")) {
            Map<String, Object> wrapper = new LinkedHashMap<>((Map<String, Object>) p);
            if (wrapper.get("devops_audit") instanceof Map<?, ?> config) {
                Map<String, Object> c = new LinkedHashMap<>((Map<String, Object>) config);
                if (trustedNetworks != null) c.put("trusted_networks", trustedNetworks);
                if (privilegedRoles != null) c.put("privileged_roles", privilegedRoles);
                if (disabledRules != null) c.put("disabled_rules", disabledRules);
                if (severityOverrides != null) c.put("severity_overrides", severityOverrides);
                wrapper.put("devops_audit", c);
            }
            processors.add(wrapper);
        }
        copy.put("processors", processors);
        return copy;
    }
}
