/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.fuzz;

import io.devopsaudit.ingest.DevopsAuditProcessor;
import io.devopsaudit.ingest.ProcessorTestAccess;
import io.devopsaudit.parse.AuditParseException;
import io.devopsaudit.parse.SourceFormat;
import org.opensearch.ingest.IngestDocument;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

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

    /** The shipped pipeline's processor: the raw event in {@code message}, or the document when it has none. */
    private static final DevopsAuditProcessor SHIPPED =
            ProcessorTestAccess.create(Map.of("field", "message", "use_document_if_missing", true));

    /** A document as a log shipper sends it: the raw event in {@code message} beside the shipper's own fields. */
    static IngestDocument processShipped(Map<String, Object> source) {
        return run(SHIPPED, source);
    }

    private static IngestDocument run(DevopsAuditProcessor processor, Map<String, Object> source) {
        IngestDocument doc = new IngestDocument("i", "1", null, null, null, source);
        try {
            processor.execute(doc);
        } catch (AuditParseException documented) {
            if (documented.getMessage().startsWith("[") == false) {
                throw new AssertionError("a parse error must name its format first: " + documented.getMessage());
            }
            // the processor refuses any failure at the record, wrapping what is not a parse error: a wrapped runtime
            // exception is still a bug in the reader (it keeps the node up, but the fuzzer must see it)
            if (documented.getCause() instanceof RuntimeException bug) {
                throw new AssertionError("the processor failed with " + bug, bug);
            }
            deadLetterReady(doc);
            return null;
        }
        if (doc.getFieldValue("@timestamp", Object.class, true) instanceof String == false
                || doc.getFieldValue("audit.dedup_key", Object.class, true) instanceof String == false) {
            throw new AssertionError("a record without @timestamp or audit.dedup_key: " + doc.getSourceAndMetadata());
        }
        return doc;
    }

    /**
     * A refused document is ready for the pipeline's dead-letter step, whatever fields it came with: {@code event} is
     * an object with the raw event in {@code original} and a {@code kind}, and no {@code error} field is in the way of
     * {@code error.message} and the other fields the step sets.
     */
    static void deadLetterReady(IngestDocument doc) {
        Map<String, Object> source = doc.getSourceAndMetadata();
        Map<?, ?> event = source.get("event") instanceof Map<?, ?> m ? m : null;
        if (event == null
                || event.get("original") instanceof String == false
                || event.get("kind") instanceof String == false) {
            throw new AssertionError("a refused document without event.original and event.kind: " + source);
        }
        if (source.containsKey("error")) {
            throw new AssertionError("a refused document keeps a field error in the dead-letter step's way: " + source);
        }
    }

    static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /**
     * What one target saw: inputs run, accepted (a record, or a split that gave records) and rejected with the
     * documented error. Reported after the target's run (JUnit {@code @AfterAll}); with {@code -Dfuzz.summary=FILE}
     * (set by the fuzz profile) also appended to that file as one tab-separated line per target.
     */
    static final class Tally {
        private final String target;
        private final long started = System.nanoTime();
        private long runs, accepted, rejected;

        Tally(String target) {
            this.target = target;
        }

        /** Counts one input; {@code true} when it was accepted. */
        void count(boolean wasAccepted) {
            runs++;
            if (wasAccepted) accepted++;
            else rejected++;
        }

        void report() {
            double seconds = (System.nanoTime() - started) / 1e9;
            String line = String.format(
                    Locale.ROOT,
                    "%s\t%d\t%d\t%d\t%.0f\t%.0f",
                    target,
                    runs,
                    accepted,
                    rejected,
                    seconds,
                    runs / Math.max(seconds, 1e-9));
            Logger.getLogger(FuzzSupport.class.getName())
                    .info("fuzz target " + target + ": " + runs + " inputs (" + accepted + " accepted, " + rejected
                            + " rejected with the documented error) in " + Math.round(seconds) + " s");
            String file = System.getProperty("fuzz.summary", "");
            if (file.isEmpty() == false) {
                try {
                    Files.createDirectories(Path.of(file).toAbsolutePath().getParent());
                    Files.writeString(
                            Path.of(file),
                            line + "\n",
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
