/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.parse;

import io.devopsaudit.golden.GoldenCases;
import io.devopsaudit.ingest.ProcessorTestAccess;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.test.OpenSearchTestCase;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Random and mutated inputs: the processor either produces a record or throws its documented
 * {@link AuditParseException}; nothing else (no NullPointerException, ClassCastException, stack overflow, ...).
 * Pathological inputs of 1 MiB (deep nesting, long repeated sentences) must finish: every parser is a single pass
 * over the input (Jackson, plain indexOf scans, no regular expressions), so their cost is linear by construction.
 */
public class ParserFuzzTests extends OpenSearchTestCase {

    private static final List<String> FORMATS =
            List.of("auto", "gitlab_api", "gitlab_stream", "gitlab_log", "gitlab_csv", "circleci_json", "circleci_csv");

    private void runExpectingRecordOrParseError(Object input, String format) {
        Map<String, Object> source = new HashMap<>();
        source.put("message", input);
        IngestDocument doc = new IngestDocument("i", "1", null, null, null, source);
        try {
            ProcessorTestAccess.create(Map.of("field", "message", "format", format))
                    .execute(doc);
            assertNotNull(doc.getFieldValue("@timestamp", String.class));
            assertNotNull(doc.getFieldValue("event.action", String.class));
        } catch (AuditParseException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().startsWith("["));
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError(
                    "format [" + format + "] input [" + abbreviate(String.valueOf(input)) + "] threw " + e, e);
        }
    }

    public void testMutatedGoldenInputs() {
        List<GoldenCases.Case> cases = GoldenCases.all();
        assertFalse(cases.isEmpty());
        for (int i = 0; i < 3000; i++) {
            GoldenCases.Case c = randomFrom(cases);
            String mutated = mutate(c.text(), between(1, 4));
            runExpectingRecordOrParseError(mutated, randomBoolean() ? c.format().id() : randomFrom(FORMATS));
        }
    }

    public void testRandomTypesAtKnownKeys() {
        List<String> keys = List.of(
                "id",
                "author_id",
                "entity_id",
                "entity_type",
                "entity_path",
                "details",
                "created_at",
                "time",
                "event_name",
                "event_type",
                "target_id",
                "target_type",
                "target_details",
                "ip_address",
                "custom_message",
                "change",
                "from",
                "to",
                "add",
                "as",
                "remove",
                "with",
                "failed_login",
                "author_class",
                "entries",
                "action",
                "actor",
                "target",
                "scope",
                "payload",
                "metadata",
                "request",
                "occurred_at",
                "success",
                "version",
                "meta.remote_ip",
                "severity",
                "correlation_id",
                "project_id");
        for (int i = 0; i < 3000; i++) {
            Map<String, Object> event = new HashMap<>();
            int n = between(1, 12);
            for (int k = 0; k < n; k++) {
                event.put(randomFrom(keys), randomValue(2));
            }
            if (randomBoolean()) event.put("created_at", "2024-01-01T00:00:00Z");
            if (randomBoolean()) event.put("occurred_at", "2024-01-01T00:00:00Z");
            String format = randomFrom(FORMATS);
            runExpectingRecordOrParseError(randomBoolean() ? event : JsonText.write(event), format);
        }
    }

    public void testPathologicalInputsFinish() {
        int size = 1 << 20;
        runExpectingRecordOrParseError("[".repeat(size), "auto");
        runExpectingRecordOrParseError("{\"a\":".repeat(size / 5), "gitlab_api");
        runExpectingRecordOrParseError("\"".repeat(size), "gitlab_csv");
        String longChange = "Changed " + " from x to y".repeat(size / 12);
        String csv = "1,2,alice,a@example.com,3,Project,acme/web,4,Project,web," + "\"" + longChange + "\""
                + ",192.0.2.1,2024-01-01T00:00:00Z";
        runExpectingRecordOrParseError(csv, "gitlab_csv");
        runExpectingRecordOrParseError("x".repeat(size), "auto");
    }

    private Object randomValue(int depth) {
        switch (between(0, depth > 0 ? 7 : 5)) {
            case 0:
                return null;
            case 1:
                return randomAlphaOfLengthBetween(0, 10);
            case 2:
                return randomInt();
            case 3:
                return randomBoolean();
            case 4:
                return randomDouble();
            case 5:
                return randomFrom(
                        "2024-01-01T00:00:00Z", "192.0.2.1", "-3", "", "Project", "Group", "User", "{\"a\":1}", "'=1");
            case 6: {
                Map<String, Object> m = new HashMap<>();
                for (int i = between(0, 3); i > 0; i--) {
                    m.put(
                            randomFrom("id", "name", "type", "jsonPayload", "change", "ip_address"),
                            randomValue(depth - 1));
                }
                return m;
            }
            default: {
                List<Object> l = new ArrayList<>();
                for (int i = between(0, 3); i > 0; i--) {
                    l.add(randomValue(depth - 1));
                }
                return l;
            }
        }
    }

    private String mutate(String text, int times) {
        StringBuilder sb = new StringBuilder(text);
        for (int i = 0; i < times && sb.length() > 0; i++) {
            int pos = between(0, sb.length() - 1);
            switch (between(0, 5)) {
                case 0 -> sb.deleteCharAt(pos);
                case 1 -> sb.insert(pos, randomFrom(new Character[] {
                    '"', ',', '{', '}', '[', ']', ':', '\n', '\\', '\u00e9', '\uFFFD', 'x', '0'
                }));
                case 2 -> sb.setLength(pos);
                case 3 -> sb.insert(pos, sb.substring(pos, Math.min(sb.length(), pos + between(1, 40))));
                case 4 -> sb.setCharAt(pos, (char) between(0, 0x7ff));
                default -> sb.replace(
                        pos, Math.min(sb.length(), pos + between(1, 20)), randomUnicodeOfLengthBetween(0, 5));
            }
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
