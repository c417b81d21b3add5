/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import org.opensearch.common.settings.SecureSetting;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.settings.SecureString;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * GitLab's streaming verification token, from the OpenSearch keystore ({@code devops_audit.gitlab.streaming_token}),
 * reloadable with {@code POST _nodes/reload_secure_settings}. Only its SHA-256 digest is kept; a candidate is digested
 * and compared with {@link MessageDigest#isEqual}, which takes the same time whatever the input (fixed-length digests
 * also hide the token's length). The token is never logged and never returned.
 */
public final class StreamingToken {

    public static final Setting<SecureString> SETTING =
            SecureSetting.secureString("devops_audit.gitlab.streaming_token", null);

    private volatile byte[] digest;

    public void load(Settings settings) {
        try (SecureString token = SETTING.get(settings)) {
            digest = token.length() == 0 ? null : sha256(token);
        }
    }

    public boolean configured() {
        return digest != null;
    }

    /** Constant-time check; false when nothing is configured or the candidate is missing. */
    public boolean matches(String candidate) {
        byte[] expected = digest;
        if (expected == null || candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(expected, sha256(candidate));
    }

    static byte[] sha256(CharSequence value) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(value));
        byte[] raw = new byte[bytes.remaining()];
        bytes.get(raw);
        try {
            return MessageDigest.getInstance("SHA-256").digest(raw);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }
}
