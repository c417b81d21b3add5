/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.golden;

import io.devopsaudit.TestSupport;
import io.devopsaudit.ingest.ProcessorTestAccess;
import io.devopsaudit.parse.SourceFormat;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every golden input through the processor, compared whole with its expected record. Run with
 * {@code -Dgolden.update=true} to (re)write the expected files after a deliberate change, then review the diff.
 */
public class GoldenFileTests extends OpenSearchTestCase {

    public void testThereAreCasesForEveryFormat() {
        List<GoldenCases.Case> cases = GoldenCases.all();
        for (SourceFormat f : SourceFormat.values()) {
            assertTrue("no golden case for " + f.id(), cases.stream().anyMatch(c -> c.format() == f));
        }
    }

    public void testEveryCaseMatchesItsExpectedRecord() throws IOException {
        boolean update = Boolean.getBoolean("golden.update");
        StringBuilder failures = new StringBuilder();
        for (GoldenCases.Case c : GoldenCases.all()) {
            // through JSON and back, so numbers compare by value as they do on a real node
            Map<String, Object> actual = TestSupport.parseJsonOrdered(TestSupport.prettyJson(
                    GoldenCases.stable(run(c.text(), c.format().id()))));
            if (update) {
                Files.writeString(c.expected(), TestSupport.prettyJson(actual) + "\n", StandardCharsets.UTF_8);
                continue;
            }
            assertTrue(
                    "missing " + c.expected() + " (run with -Dgolden.update=true, then review)",
                    Files.exists(c.expected()));
            Map<String, Object> expected = TestSupport.parseJson(GoldenCases.read(c.expected()));
            if (expected.equals(actual) == false) {
                failures.append("\n== ")
                        .append(c)
                        .append(" ==\nexpected: ")
                        .append(TestSupport.prettyJson(expected))
                        .append("\nactual:   ")
                        .append(TestSupport.prettyJson(actual));
            }
        }
        assertEquals("golden mismatches:" + failures, 0, failures.length());
    }

    /** Auto-detection finds the same format, hence the same record, as the explicit option. */
    public void testAutoDetectionAgreesWithTheExplicitFormat() {
        for (GoldenCases.Case c : GoldenCases.all()) {
            Map<String, Object> explicit =
                    GoldenCases.stable(run(c.text(), c.format().id()));
            Map<String, Object> auto = GoldenCases.stable(run(c.text(), "auto"));
            @SuppressWarnings("unchecked")
            Map<String, Object> audit = (Map<String, Object>) auto.get("audit");
            String detected = (String) audit.get("source_format");
            if (c.name().endsWith("_with_stream_keys")) {
                // An API object carrying streaming-only keys (GitLab's own doc example #4) is indistinguishable from a
                // streaming body; both normalize to the same record apart from the provenance field.
                assertEquals(c.toString(), "gitlab_stream", detected);
                audit.put("source_format", c.format().id());
            }
            assertEquals(c.toString(), explicit, auto);
        }
    }

    static Map<String, Object> run(String text, String format) {
        Map<String, Object> source = new HashMap<>();
        source.put("message", text);
        IngestDocument doc = new IngestDocument("devops-audit", "1", null, null, null, source);
        ProcessorTestAccess.create(Map.of("field", "message", "format", format)).execute(doc);
        Map<String, Object> out = new LinkedHashMap<>(doc.getSourceAndMetadata());
        out.keySet().removeIf(k -> k.startsWith("_"));
        return out;
    }
}
