/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devopsaudit.parse.JsonText;
import org.junit.jupiter.api.AfterAll;
import org.opensearch.ingest.IngestDocument;

import java.util.HashMap;
import java.util.Map;

/**
 * Fuzz target for the way into the dead-letter index: the fuzzer's bytes, when they are a JSON object, as a whole
 * document sent to {@code _bulk?pipeline=devops-audit} (its own {@code event} and {@code error} fields of any type
 * included) and as a log shipper's document (the bytes in {@code message} beside those fields). Accepted: a record,
 * or an {@code AuditParseException} with the document ready for the dead-letter step
 * ({@link FuzzSupport#deadLetterReady}). {@code mvn test} replays the saved inputs; {@code mvn -Pfuzz} fuzzes it.
 */
class DeadLetterFuzzTests {

    private static final FuzzSupport.Tally TALLY = new FuzzSupport.Tally("dead_letter");
    private static final ObjectMapper JSON = JsonText.boundedMapper(JsonText.MAX_DEPTH);

    @FuzzTest
    void recordOrDeadLetterReady(byte[] data) {
        String text = FuzzSupport.text(data);
        Map<String, Object> fields = objectOrNull(text);
        if (fields != null) {
            for (IngestDocument.Metadata m : IngestDocument.Metadata.values()) {
                fields.remove(m.getFieldName());
            }
            TALLY.count(FuzzSupport.processDocument(new HashMap<>(fields)) != null);
            Map<String, Object> shipped = new HashMap<>(fields);
            shipped.remove("message");
            shipped.put("message", text);
            TALLY.count(FuzzSupport.processShipped(shipped) != null);
        } else {
            TALLY.count(FuzzSupport.process(text, null) != null);
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
