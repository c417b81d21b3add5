/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devopsaudit.intake.StringBodies;
import io.devopsaudit.parse.SourceFormat;
import org.junit.jupiter.api.AfterAll;
import org.opensearch.ingest.IngestDocument;

import java.util.Map;

/**
 * Fuzz target for format detection: the body shape {@code _import} picks ({@link io.devopsaudit.intake.RawRecords#shape}, which never
 * throws), and the processor with format auto, on the text and — when the text is a JSON object — on the document's
 * own fields. When detection picks a format, configuring that format explicitly must give the same record (the same
 * {@code _id}): detection only chooses the reader, it never reads differently.
 */
class FormatDetectFuzzTests {

    private static final FuzzSupport.Tally TALLY = new FuzzSupport.Tally("format_detect");

    private static final ObjectMapper JSON = new ObjectMapper();

    @FuzzTest
    void detectsConsistently(byte[] data) {
        String text = FuzzSupport.text(data);
        StringBodies.shape(null, text);
        for (SourceFormat f : SourceFormat.values()) {
            StringBodies.shape(f, text);
        }
        IngestDocument auto = FuzzSupport.process(text, null);
        TALLY.count(auto != null);
        if (auto != null) {
            String detected = auto.getFieldValue("audit.source_format", String.class);
            IngestDocument explicit = FuzzSupport.process(text, SourceFormat.fromId(detected));
            if (explicit == null) {
                throw new AssertionError("detected as [" + detected + "] but that format rejects it");
            }
            Object autoId = auto.getSourceAndMetadata().get("_id");
            Object explicitId = explicit.getSourceAndMetadata().get("_id");
            if (autoId.equals(explicitId) == false) {
                throw new AssertionError(
                        "detected as [" + detected + "]: _id " + autoId + ", explicitly " + explicitId);
            }
        }
        Map<String, Object> fields = objectOrNull(text);
        if (fields != null) {
            // metadata fields never reach a pipeline inside _source (indexing refuses them)
            for (IngestDocument.Metadata m : IngestDocument.Metadata.values()) {
                fields.remove(m.getFieldName());
            }
            FuzzSupport.processDocument(fields);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> objectOrNull(String text) {
        try {
            return JSON.readValue(text, Object.class) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    @AfterAll
    static void report() {
        TALLY.report();
    }
}
