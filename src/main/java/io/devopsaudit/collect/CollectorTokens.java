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

    private volatile Map<String, String> tokens = Map.of();
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
        tokens = Map.copyOf(next);
        generation++;
    }

    /** The token of a collector, or {@code null} when its keystore entry is missing. */
    String get(String collector) {
        return tokens.get(collector);
    }

    long generation() {
        return generation;
    }

    /** The keystore key for a collector's token, for messages that tell an admin what to add. */
    public static String key(String collector) {
        return SETTING.getConcreteSettingForNamespace(collector).getKey();
    }
}
