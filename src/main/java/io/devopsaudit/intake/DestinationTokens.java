/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import org.opensearch.common.settings.SecureSetting;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.settings.SecureString;

import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The verification tokens of the GitLab streaming destinations, from the OpenSearch keystore:
 * {@code devops_audit.destination.<name>.token}, reloadable with {@code POST _nodes/reload_secure_settings}. As for
 * {@link StreamingToken}, only SHA-256 digests are kept, and a candidate is compared with every configured token in
 * constant time ({@link MessageDigest#isEqual}, no early exit), so neither which destination nor how much of a token
 * matched shows in the timing. The keystore's {@code devops_audit.gitlab.streaming_token} is the destination
 * {@value DestinationConfig#DEFAULT}. Tokens are never logged, returned or part of an error.
 */
public final class DestinationTokens {

    public static final Setting.AffixSetting<SecureString> SETTING =
            Setting.affixKeySetting("devops_audit.destination.", "token", key -> SecureSetting.secureString(key, null));

    private final StreamingToken defaultToken;
    private volatile Map<String, byte[]> digests = Map.of();

    public DestinationTokens(StreamingToken defaultToken) {
        this.defaultToken = defaultToken;
    }

    public void load(Settings settings) {
        Map<String, byte[]> next = new LinkedHashMap<>();
        for (String name : SETTING.getNamespaces(settings)) {
            try (SecureString token =
                    SETTING.getConcreteSettingForNamespace(name).get(settings)) {
                if (token.length() > 0) next.put(name, StreamingToken.sha256(token));
            }
        }
        digests = Map.copyOf(next);
    }

    /** Whether any destination can deliver: the default token or a destination token is in the keystore. */
    public boolean configured() {
        return defaultToken.configured() || digests.isEmpty() == false;
    }

    /** The names of the destinations with a token in the keystore (the default one included when it has its token). */
    public Set<String> names() {
        Set<String> out = new java.util.TreeSet<>(digests.keySet());
        if (defaultToken.configured()) out.add(DestinationConfig.DEFAULT);
        return out;
    }

    public boolean hasToken(String destination) {
        return DestinationConfig.DEFAULT.equals(destination)
                ? defaultToken.configured()
                : digests.containsKey(destination);
    }

    /**
     * The destination whose token this is, or {@code null}. Every configured token is compared, whatever matched
     * before; a destination named {@value DestinationConfig#DEFAULT} in the keystore's affix setting is ignored (the
     * default destination's token is {@code devops_audit.gitlab.streaming_token}).
     */
    public String identify(String candidate) {
        if (candidate == null) return null;
        byte[] digest = StreamingToken.sha256(candidate);
        String found = defaultToken.matches(candidate) ? DestinationConfig.DEFAULT : null;
        for (Map.Entry<String, byte[]> e : digests.entrySet()) {
            boolean match = MessageDigest.isEqual(e.getValue(), digest);
            if (match && found == null && DestinationConfig.DEFAULT.equals(e.getKey()) == false) found = e.getKey();
        }
        return found;
    }

    /** The keystore key of a destination's token, for messages that tell an admin what to add. */
    public static String key(String destination) {
        return DestinationConfig.DEFAULT.equals(destination)
                ? StreamingToken.SETTING.getKey()
                : SETTING.getConcreteSettingForNamespace(destination).getKey();
    }
}
