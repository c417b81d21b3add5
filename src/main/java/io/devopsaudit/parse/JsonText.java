/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.IOException;
import java.util.Locale;

/**
 * Reads untrusted JSON text with Jackson, with bounds on nesting depth and sizes, and turns Jackson's errors into
 * {@link AuditParseException}s that name the format, the field and the offset.
 */
public final class JsonText {
    private JsonText() {}

    /** Deeper than any real audit event; bounds recursion on hostile input. */
    public static final int MAX_DEPTH = 32;

    public static final int MAX_STRING_LENGTH = 1 << 20;
    public static final long MAX_DOCUMENT_LENGTH = 8L << 20;

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(MAX_STRING_LENGTH)
                            .maxDocumentLength(MAX_DOCUMENT_LENGTH)
                            .maxNumberLength(100)
                            .build())
                    .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                    // the same doubles (both parsers round correctly) without the JDK parser's buffer per number:
                    // request log lines carry ten or so timings each
                    .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The untyped reader, resolved once instead of per event. */
    private static final ObjectReader VALUE_READER = MAPPER.readerFor(Object.class);

    /**
     * A mapper with the nesting-depth and string-length bounds, for callers that read whole bodies (import files,
     * stream batches) and so set no document-length bound of their own here.
     */
    public static ObjectMapper boundedMapper(int maxNestingDepth) {
        return new ObjectMapper(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxNestingDepth)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .build())
                .build());
    }

    /** Parses one JSON value (object, array, ...) of the text of {@code field}. */
    public static Object parse(String format, String field, String text) {
        if (text.isBlank()) {
            throw new AuditParseException(format, "field [" + field + "] is empty");
        }
        try {
            return VALUE_READER.readValue(text);
        } catch (JsonProcessingException e) {
            // No cause: the ingest on_failure message is the ROOT cause's message, and ours already says it all.
            throw new AuditParseException(
                    format,
                    "invalid JSON in field [" + field + "] " + position(e.getLocation()) + ": "
                            + e.getOriginalMessage());
        } catch (IOException e) {
            throw new AuditParseException(format, "cannot read field [" + field + "]: " + e.getMessage());
        }
    }

    static String position(JsonLocation location) {
        if (location == null) {
            return "at an unknown position";
        }
        long offset = location.getCharOffset();
        return String.format(
                Locale.ROOT, "at offset %d (line %d, column %d)", offset, location.getLineNr(), location.getColumnNr());
    }

    /** Serializes a parsed value back to compact JSON (for event.original of structured input and for object cells). */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a parsed event", e);
        }
    }
}
