/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What users commonly change at setup, validated with errors that name the parameter: {@code replicas},
 * {@code shards}, and the processor's site policy ({@code trusted_networks}, {@code privileged_roles}) and rule tuning ({@code disabled_rules}, {@code severity_overrides}), which setup
 * writes into the installed pipeline, so running setup again after an upgrade keeps them.
 *
 * <p>A {@code PUT _setup} body is a change to the stored configuration (kept in the {@code _meta.setup} of the
 * {@code devops-audit} index template): a key left out keeps its stored value, a key sent as {@code null} goes back to
 * the shipped default ({@link #mergedOver}).
 */
public record SetupParameters(
        Integer replicas,
        Integer shards,
        List<String> trustedNetworks,
        List<String> privilegedRoles,
        String notificationChannelId,
        String dashboardsUrl,
        List<String> disabledRules,
        Map<String, String> severityOverrides)
        implements Writeable, ToXContentObject {

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

    /** The keys a body sets to {@code null}: they go back to the shipped default. */
    public static Set<String> resetKeys(Map<String, Object> body) {
        Set<String> reset = new LinkedHashSet<>();
        body.forEach((k, v) -> {
            if (v == null) reset.add(k);
        });
        return reset;
    }

    /** No parameter set: every asset as shipped. */
    public static SetupParameters defaults() {
        return new SetupParameters(null, null, null, null, null, null, null, null);
    }

    /**
     * This change applied to {@code stored}: a parameter this one sets wins, one named in {@code reset} goes back to
     * the default, any other keeps its stored value.
     */
    public SetupParameters mergedOver(SetupParameters stored, Set<String> reset) {
        return new SetupParameters(
                pick(replicas, stored.replicas, reset, "replicas"),
                pick(shards, stored.shards, reset, "shards"),
                pick(trustedNetworks, stored.trustedNetworks, reset, "trusted_networks"),
                pick(privilegedRoles, stored.privilegedRoles, reset, "privileged_roles"),
                pick(notificationChannelId, stored.notificationChannelId, reset, "notification_channel_id"),
                pick(dashboardsUrl, stored.dashboardsUrl, reset, "dashboards_url"),
                pick(disabledRules, stored.disabledRules, reset, "disabled_rules"),
                pick(severityOverrides, stored.severityOverrides, reset, "severity_overrides"));
    }

    private static <T> T pick(T given, T stored, Set<String> reset, String key) {
        if (given != null) return given;
        return reset.contains(key) ? null : stored;
    }

    /** The parameters set, as a {@code PUT _setup} body (what setup stores). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (replicas != null) m.put("replicas", replicas);
        if (shards != null) m.put("shards", shards);
        if (trustedNetworks != null) m.put("trusted_networks", trustedNetworks);
        if (privilegedRoles != null) m.put("privileged_roles", privilegedRoles);
        if (notificationChannelId != null) m.put("notification_channel_id", notificationChannelId);
        if (dashboardsUrl != null) m.put("dashboards_url", dashboardsUrl);
        if (disabledRules != null) m.put("disabled_rules", disabledRules);
        if (severityOverrides != null) m.put("severity_overrides", severityOverrides);
        return m;
    }

    /**
     * Every parameter with the value in effect: the one set, or the shipped default (read from the shipped template
     * and the processor's configuration in the shipped pipeline). Only the notification channel and the Dashboards URL
     * have no default and stay {@code null} when not set.
     */
    @SuppressWarnings("unchecked")
    public SetupParameters effective() {
        Map<String, Object> index = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                                SetupService.resource("index-template.json").get("template"))
                        .get("settings"))
                .get("index");
        Map<String, Object> processor = Map.of();
        for (Object p :
                (List<Object>) SetupService.resource("ingest-pipeline.json").get("processors")) {
            if (((Map<String, Object>) p).get("devops_audit") instanceof Map<?, ?> c)
                processor = (Map<String, Object>) c;
        }
        return new SetupParameters(
                replicas != null ? replicas : ((Number) index.get("number_of_replicas")).intValue(),
                shards != null ? shards : ((Number) index.get("number_of_shards")).intValue(),
                trustedNetworks != null
                        ? trustedNetworks
                        : (List<String>) processor.getOrDefault("trusted_networks", List.of()),
                privilegedRoles != null
                        ? privilegedRoles
                        : (List<String>) processor.getOrDefault("privileged_roles", List.of()),
                notificationChannelId,
                dashboardsUrl,
                disabledRules != null
                        ? disabledRules
                        : (List<String>) processor.getOrDefault("disabled_rules", List.of()),
                severityOverrides != null
                        ? severityOverrides
                        : (Map<String, String>) processor.getOrDefault("severity_overrides", Map.of()));
    }

    public SetupParameters(StreamInput in) throws IOException {
        this(
                in.readOptionalVInt(),
                in.readOptionalVInt(),
                in.readOptionalStringList(),
                in.readOptionalStringList(),
                in.readOptionalString(),
                in.readOptionalString(),
                in.readOptionalStringList(),
                in.readBoolean() ? in.readMap(StreamInput::readString, StreamInput::readString) : null);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeOptionalVInt(replicas);
        out.writeOptionalVInt(shards);
        out.writeOptionalStringCollection(trustedNetworks);
        out.writeOptionalStringCollection(privilegedRoles);
        out.writeOptionalString(notificationChannelId);
        out.writeOptionalString(dashboardsUrl);
        out.writeOptionalStringCollection(disabledRules);
        out.writeBoolean(severityOverrides != null);
        if (severityOverrides != null) {
            out.writeMap(severityOverrides, StreamOutput::writeString, StreamOutput::writeString);
        }
    }

    /** Every parameter as a JSON object, those not set as {@code null} (the answer of {@code PUT _setup}). */
    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject()
                .field("replicas", replicas)
                .field("shards", shards)
                .field("trusted_networks", trustedNetworks)
                .field("privileged_roles", privilegedRoles)
                .field("notification_channel_id", notificationChannelId)
                .field("dashboards_url", dashboardsUrl)
                .field("disabled_rules", disabledRules)
                .field("severity_overrides", severityOverrides)
                .endObject();
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
