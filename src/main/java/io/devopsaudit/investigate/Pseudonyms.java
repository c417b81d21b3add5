/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import org.opensearch.common.settings.SecureSetting;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.settings.SecureString;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Stable pseudonyms for redacted reports: HMAC-SHA256 of the identity under a per-cluster secret from the keystore
 * ({@code devops_audit.redaction.key}, reloadable). The same identity always gets the same pseudonym on one cluster,
 * so counts and joins still work; without the key nobody can map a pseudonym back, and another cluster's key gives
 * other pseudonyms.
 */
public final class Pseudonyms {
    public static final Setting<SecureString> KEY = SecureSetting.secureString("devops_audit.redaction.key", null);

    private volatile SecretKeySpec key;

    public void load(Settings settings) {
        try (SecureString value = KEY.get(settings)) {
            key = value.length() == 0
                    ? null
                    : new SecretKeySpec(value.toString().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        }
    }

    /**
     * Whether an {@code audit.target.type} names an account or a credential that acts like one: users, and non-human
     * actors (deploy keys, SSH and GPG keys, access and deploy tokens, agent tokens, bots, service accounts). Redaction
     * treats such a target as an identity, the same as an actor: a deploy key named {@code release-bot} gets one
     * pseudonym whether it pushed or was added.
     */
    public static boolean identityType(String targetType) {
        if (targetType == null) return false;
        String t = targetType.toLowerCase(Locale.ROOT);
        int sep = t.lastIndexOf(':');
        String last = sep < 0 ? t : t.substring(sep + 1);
        return last.equals("user")
                || last.endsWith("token")
                || last.endsWith("key")
                || last.endsWith("bot")
                || last.contains("serviceaccount")
                || last.equals("service_account");
    }

    public boolean configured() {
        return key != null;
    }

    /** {@code user-1a2b3c4d5e6f7a8b9c0d} / {@code ip-...}; identities compare case-insensitively. */
    public String of(String kind, String identity) {
        SecretKeySpec k = key;
        if (k == null) {
            throw new IllegalArgumentException(
                    "[redact] needs devops_audit.redaction.key in the OpenSearch keystore (then POST _nodes/reload_secure_settings)");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(k);
            byte[] h = mac.doFinal((kind + ":" + identity.toLowerCase(Locale.ROOT)).getBytes(StandardCharsets.UTF_8));
            return kind + "-" + HexFormat.of().formatHex(h, 0, 10);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
