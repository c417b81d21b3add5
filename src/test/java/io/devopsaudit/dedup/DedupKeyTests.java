/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.dedup;

import io.devopsaudit.normalize.RecordBuilder;
import io.devopsaudit.parse.JsonText;
import io.devopsaudit.schema.Fields;
import org.opensearch.test.OpenSearchTestCase;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fingerprint is SHA-256 over the UTF-8 bytes of the canonical text docs/dedup.md describes, whatever the text
 * holds (ASCII, other characters, a lone surrogate, a very long details object) and in whatever order events of
 * different sizes come on one thread (the canonical buffer is reused).
 */
public class DedupKeyTests extends OpenSearchTestCase {

    /** The documented canonical text, written out directly: the reference the implementation must agree with. */
    private static String documented(RecordBuilder record, Map<String, Object> details) throws Exception {
        StringBuilder canonical = new StringBuilder("SHA-256@1|");
        for (String f : DedupKey.FINGERPRINT_FIELDS) {
            Object v = record.get(f);
            canonical.append(v == null ? "-;" : v.toString().length() + ":" + v + ";");
        }
        String json = details == null || details.isEmpty() ? null : JsonText.write(sortedKeys(details));
        canonical.append(json == null ? "-;" : json.length() + ":" + json + ";");
        byte[] hash =
                MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash);
    }

    /** Keys sorted at every level, as docs/dedup.md says. */
    private static Object sortedKeys(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> t = new TreeMap<>();
            m.forEach((k, v) -> t.put(k.toString(), sortedKeys(v)));
            return t;
        }
        if (value instanceof List<?> l)
            return l.stream().map(DedupKeyTests::sortedKeys).toList();
        return value;
    }

    private static RecordBuilder record(String user, String message) {
        return new RecordBuilder()
                .put(Fields.EVENT_PROVIDER, "gitlab")
                .put(Fields.EVENT_ACTION, "Projects::IssuesController#show")
                .put(Fields.TIMESTAMP, "2024-05-10T20:05:12.345Z")
                .put(Fields.USER_NAME, user)
                .put(Fields.SOURCE_IP, "203.0.113.77")
                .put(Fields.AUDIT_SCOPE_PATH, "acme/payments")
                .put(Fields.AUDIT_MESSAGE, message);
    }

    public void testTheFingerprintIsTheDocumentedHashForEveryKindOfText() throws Exception {
        Map<String, Object> identity = new TreeMap<>(Map.of("method", "GET", "path", "/acme/payments", "status", 200));
        Map<String, Object> unsorted = new LinkedHashMap<>();
        unsorted.put("z", List.of(Map.of("b", 1, "a", 2)));
        unsorted.put("a", "x");
        List<RecordBuilder> records = List.of(
                record("mallory", null),
                record("Zoë Ångström", "projekt öppnat"), // not ASCII
                record("\ud83d", "a lone surrogate"), // not valid UTF-16: encoded as '?' like String#getBytes
                record("mallory", "x".repeat(40_000)), // beyond the reused buffer's kept size
                record("e", null)); // short again after a long one
        for (Map<String, Object> details : List.of(identity, unsorted, Map.<String, Object>of())) {
            for (RecordBuilder r : records) {
                assertEquals(
                        r.get(Fields.USER_NAME) + " / " + details,
                        documented(r, details),
                        DedupKey.fingerprint(r, details));
            }
        }
        assertNotEquals(DedupKey.fingerprint(records.get(0), identity), DedupKey.fingerprint(records.get(4), identity));
    }
}
