/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.dedup;

import io.devopsaudit.normalize.RecordBuilder;
import io.devopsaudit.normalize.Timestamps;
import io.devopsaudit.parse.JsonText;
import io.devopsaudit.schema.Fields;
import io.devopsaudit.schema.Provider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The document id that makes re-ingestion idempotent (see docs/dedup.md):
 * <ul>
 * <li>{@code <provider>:<event.id>} when the source gives a stable id — GitLab's database ids (the same in API pages,
 * streaming bodies, newer log lines and CSV exports) and CircleCI's event UUIDs (which its duplicates share);</li>
 * <li>otherwise {@code <provider>:fp:<sha-256>} over a canonical form of the event's content. GitLab stream-only
 * events are the trap: their {@code id} is a UUID made per delivery by some GitLab versions, or
 * {@code created_at.to_i} (epoch seconds, colliding) by older ones, so for GitLab an id that is not a plain
 * database number — or that equals the event's epoch second — is not trusted and the fingerprint is used.</li>
 * </ul>
 */
public final class DedupKey {
    private DedupKey() {}

    /** Versioned like ingest-common's FingerprintProcessor, so keys stay stable across releases. */
    public static final String METHOD = "SHA-256@1";

    /** The fields hashed for the fingerprint, in this order; each value is length-prefixed. */
    public static final List<String> FINGERPRINT_FIELDS = List.of(
            Fields.EVENT_PROVIDER,
            Fields.EVENT_ACTION,
            Fields.TIMESTAMP,
            Fields.USER_ID,
            Fields.USER_NAME,
            Fields.SOURCE_IP,
            Fields.AUDIT_SCOPE_TYPE,
            Fields.AUDIT_SCOPE_ID,
            Fields.AUDIT_SCOPE_PATH,
            Fields.AUDIT_TARGET_TYPE,
            Fields.AUDIT_TARGET_ID,
            Fields.AUDIT_TARGET_NAME,
            Fields.AUDIT_CHANGE_OPERATION,
            Fields.AUDIT_CHANGE_FIELD,
            Fields.AUDIT_CHANGE_FROM,
            Fields.AUDIT_CHANGE_TO,
            Fields.AUDIT_CHANGE_ROLE,
            Fields.AUDIT_MESSAGE);

    public static String of(RecordBuilder record, Map<String, Object> vendorDetails) {
        String provider = (String) record.get(Fields.EVENT_PROVIDER);
        String id = (String) record.get(Fields.EVENT_ID);
        // two instances (GitLab.com and a self-managed one) both have an event 1001: a named instance keeps them apart
        String instance = (String) record.get(Fields.AUDIT_INSTANCE);
        String prefix = instance == null ? provider : provider + ":" + instance;
        if (id != null && trusted(provider, id, (String) record.get(Fields.TIMESTAMP))) {
            return prefix + ":" + id;
        }
        return prefix + CopyIdentity.FINGERPRINT_MARK + fingerprint(record, vendorDetails);
    }

    /** Whether {@code name} can name an instance: lower-case letters, digits, '.', '_' and '-' (no ':', the id separator). */
    public static boolean validInstance(String name) {
        return name != null && INSTANCE_NAME.matcher(name).matches();
    }

    /** Compiled once: documents from the intake endpoints name their instance, so it is checked per event. */
    private static final Pattern INSTANCE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public static final String INSTANCE_RULE =
            "1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit";

    static boolean trusted(String provider, String id, String timestamp) {
        if (Provider.GITLAB.id().equals(provider) == false) {
            return true;
        }
        if (id.isEmpty() || id.length() > 19 || allDigits(id) == false) {
            return false;
        }
        if (timestamp != null) {
            long epochSecond = Timestamps.parseFormatted(timestamp).getEpochSecond();
            long value = Long.parseLong(id);
            return Math.abs(value - epochSecond) > 1;
        }
        return true;
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        }
        return true;
    }

    static String fingerprint(RecordBuilder record, Map<String, Object> details) {
        Scratch scratch = SCRATCH.get();
        StringBuilder canonical = scratch.canonical;
        canonical.setLength(0);
        canonical.append(METHOD).append('|');
        for (String f : FINGERPRINT_FIELDS) {
            append(canonical, record.get(f));
        }
        append(canonical, details == null || details.isEmpty() ? null : JsonText.write(sorted(details)));
        byte[] hash = scratch.digest(canonical);
        if (canonical.capacity() > Scratch.KEPT_CAPACITY) scratch.canonical = new StringBuilder(Scratch.CAPACITY);
        return HexFormat.of().formatHex(hash);
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * One ingest thread's buffer for the canonical form and its digest, reused from event to event: events without a
     * trusted id (every request line) would otherwise allocate both for each fingerprint.
     */
    private static final class Scratch {
        /** Holds a request line's or a typical audit event's canonical form (300 to 600 characters). */
        static final int CAPACITY = 1024;
        /** A buffer grown beyond this by one large event is not kept for the next. */
        static final int KEPT_CAPACITY = 16 * 1024;

        StringBuilder canonical = new StringBuilder(CAPACITY);
        final MessageDigest digest;
        private byte[] ascii = new byte[CAPACITY];

        Scratch() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * SHA-256 of the text's UTF-8 bytes. An ASCII text (the usual case) is its own UTF-8, copied into the reused
         * buffer; any other goes through {@link String#getBytes}.
         */
        byte[] digest(StringBuilder text) {
            int n = text.length();
            if (n > KEPT_CAPACITY) return digest.digest(text.toString().getBytes(StandardCharsets.UTF_8));
            if (ascii.length < n) ascii = new byte[n];
            for (int i = 0; i < n; i++) {
                char c = text.charAt(i);
                if (c >= 0x80) return digest.digest(text.toString().getBytes(StandardCharsets.UTF_8));
                ascii[i] = (byte) c;
            }
            digest.update(ascii, 0, n);
            return digest.digest();
        }
    }

    private static void append(StringBuilder sb, Object value) {
        if (value == null) {
            sb.append("-;");
        } else {
            String s = value.toString();
            sb.append(s.length()).append(':').append(s).append(';');
        }
    }

    @SuppressWarnings("unchecked")
    private static Object sorted(Object value) {
        if (value instanceof TreeMap<?, ?> t && isSortedFlat(t)) {
            return t; // already in canonical order (a request line's identity): a copy would be the same
        }
        if (value instanceof Map<?, ?> m) {
            TreeMap<String, Object> t = new TreeMap<>();
            m.forEach((k, v) -> t.put(String.valueOf(k), sorted(v)));
            return t;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(DedupKey::sorted).toList();
        }
        return value;
    }

    /** A map sorted by its text keys in their natural order, holding no map or list (nothing {@link #sorted} changes). */
    private static boolean isSortedFlat(TreeMap<?, ?> t) {
        if (t.comparator() != null || t.isEmpty() || t.firstKey() instanceof String == false) return false;
        for (Object v : t.values()) {
            if (v instanceof Map || v instanceof List) return false;
        }
        return true;
    }
}
