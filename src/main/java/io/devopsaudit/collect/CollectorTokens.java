/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import org.opensearch.common.settings.SecureSetting;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.settings.SecureString;

import java.util.HashMap;
import java.util.Map;

/**
 * The collectors' GitLab access tokens, from the OpenSearch keystore: {@code devops_audit.collector.<name>.token},
 * reloadable with {@code POST _nodes/reload_secure_settings}. Unlike the streaming token (which is only compared, so
 * only its digest is kept), a collector must send its token, so the value is held in memory — only here, never in
 * the state index, a response, a log line or an exception message.
 */
public final class CollectorTokens {

    public static final Setting.AffixSetting<SecureString> SETTING =
            Setting.affixKeySetting("devops_audit.collector.", "token", key -> SecureSetting.secureString(key, null));
    /**
     * The origin a collector's token may be sent to ({@code https://gitlab.example.com}, a port when it is not the
     * scheme's default), set by the node's operator beside the token; without it the token is bound to the origin it
     * is first sent to ({@link TokenDestination}).
     */
    public static final Setting.AffixSetting<SecureString> HOST_SETTING =
            Setting.affixKeySetting("devops_audit.collector.", "host", key -> SecureSetting.secureString(key, null));

    private volatile Map<String, String> tokens = Map.of();
    private volatile Map<String, String> hosts = Map.of();
    /** Counts reloads, so a collector whose token appears or changes can be polled again at once. */
    private volatile long generation;

    public void load(Settings settings) {
        Map<String, String> next = new HashMap<>();
        for (String name : SETTING.getNamespaces(settings)) {
            try (SecureString token =
                    SETTING.getConcreteSettingForNamespace(name).get(settings)) {
                if (token.length() > 0) next.put(name, token.toString());
            }
        }
        Map<String, String> nextHosts = new HashMap<>();
        for (String name : HOST_SETTING.getNamespaces(settings)) {
            try (SecureString host =
                    HOST_SETTING.getConcreteSettingForNamespace(name).get(settings)) {
                if (host.length() > 0) nextHosts.put(name, host.toString().strip());
            }
        }
        tokens = Map.copyOf(next);
        hosts = Map.copyOf(nextHosts);
        generation++;
    }

    /** The token of a collector, or {@code null} when its keystore entry is missing. */
    String get(String collector) {
        return tokens.get(collector);
    }

    /** The origin the node's operator bound a collector's token to in the keystore, or {@code null}. */
    String host(String collector) {
        return hosts.get(collector);
    }

    long generation() {
        return generation;
    }

    /** The keystore key for a collector's token, for messages that tell an admin what to add. */
    public static String key(String collector) {
        return SETTING.getConcreteSettingForNamespace(collector).getKey();
    }

    /** The keystore key for the origin a collector's token is bound to. */
    public static String hostKey(String collector) {
        return HOST_SETTING.getConcreteSettingForNamespace(collector).getKey();
    }
}
