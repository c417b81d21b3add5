/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.fuzz;

import io.devopsaudit.ingest.DevopsAuditProcessor;
import io.devopsaudit.ingest.ProcessorTestAccess;
import io.devopsaudit.parse.AuditParseException;
import io.devopsaudit.parse.SourceFormat;
import org.opensearch.ingest.IngestDocument;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * What the fuzz targets share: the processor as a node builds it, and the one rule every target checks — an input
 * either gives a record or is rejected with the documented {@link AuditParseException}. Any other exception or error
 * escapes the target, and Jazzer reports it as a finding (and saves the input).
 */
final class FuzzSupport {
    private FuzzSupport() {}

    /** One processor per format option, built once per JVM (building one loads no data: the engine is shared). */
    private static final Map<SourceFormat, DevopsAuditProcessor> BY_FORMAT = new EnumMap<>(SourceFormat.class);

    private static final DevopsAuditProcessor AUTO =
            ProcessorTestAccess.create(Map.of("field", "message", "format", SourceFormat.AUTO));

    static {
        for (SourceFormat f : SourceFormat.values()) {
            BY_FORMAT.put(f, ProcessorTestAccess.create(Map.of("field", "message", "format", f.id())));
        }
    }

    /**
     * The fuzzer's bytes as the text of one field. Ingest documents hold Java strings, so bytes that are not UTF-8
     * become U+FFFD here exactly as they would when OpenSearch parsed the request.
     */
    static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    /**
     * Runs the processor on {@code text} in field {@code message} with the given format ({@code null}: auto). Returns
     * the document after the run, or {@code null} when the processor rejected the input with its documented error.
     */
    static IngestDocument process(String text, SourceFormat format) {
        Map<String, Object> source = new HashMap<>();
        source.put("message", text);
        return run(format == null ? AUTO : BY_FORMAT.get(format), source);
    }

    /** The processor without {@code field}: the document's own fields are the event (format auto). */
    static IngestDocument processDocument(Map<String, Object> source) {
        return run(WHOLE_DOCUMENT, source);
    }

    private static final DevopsAuditProcessor WHOLE_DOCUMENT = ProcessorTestAccess.create(Map.of());

    private static IngestDocument run(DevopsAuditProcessor processor, Map<String, Object> source) {
        IngestDocument doc = new IngestDocument("i", "1", null, null, null, source);
        try {
            processor.execute(doc);
        } catch (AuditParseException documented) {
            if (documented.getMessage().startsWith("[") == false) {
                throw new AssertionError("a parse error must name its format first: " + documented.getMessage());
            }
            return null;
        }
        if (doc.getFieldValue("@timestamp", Object.class, true) instanceof String == false
                || doc.getFieldValue("audit.dedup_key", Object.class, true) instanceof String == false) {
            throw new AssertionError("a record without @timestamp or audit.dedup_key: " + doc.getSourceAndMetadata());
        }
        return doc;
    }

    static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
