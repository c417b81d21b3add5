/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.devopsaudit.parse.AuditParseException;
import io.devopsaudit.parse.CsvText;
import io.devopsaudit.parse.EventReader;
import io.devopsaudit.parse.JsonText;
import io.devopsaudit.parse.SourceFormat;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.common.io.Streams;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.rest.RestStatus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Splits a whole file (an import body) into raw event texts, incrementally: a JSON array element by element with
 * Jackson's streaming parser, NDJSON and audit_json.log line by line, CSV record by record (the header line is put
 * in front of each record, which the processor recognises). Each record keeps its number — line, array position or
 * CSV data row — for error reports.
 */
public final class RawRecords {
    private RawRecords() {}

    /**
     * One raw event and where it came from: its record in the body (line, array position or CSV data row) and, for
     * an entry of a Cloud Logging batch, its position in {@code entries} (from 1; 0 for a whole record).
     */
    public record Record(long number, int entry, String text) {
        public Record(long number, String text) {
            this(number, 0, text);
        }

        /** How a report names it: {@code 12}, or {@code 12 entry 3}. */
        public String where() {
            return entry == 0 ? Long.toString(number) : number + " entry " + entry;
        }
    }

    /** The file shapes an import body can have. */
    public enum Shape {
        JSON_ARRAY,
        /** One JSON object however it is laid out (a Cloud Logging batch, a pretty-printed event). */
        JSON_OBJECT,
        LINES,
        CSV
    }

    /** One level more than an event may have: the array around the events. */
    private static final ObjectMapper JSON = JsonText.boundedMapper(JsonText.MAX_DEPTH + 1);

    private static final ObjectWriter CSV_ROW =
            new CsvMapper().writerFor(String[].class).with(CsvSchema.emptySchema());

    /**
     * A body that can be read as often as needed without a copy: each {@link #open()} decodes it afresh, a leading
     * byte-order mark skipped. An import body is read at most twice (its shape, then its records), never turned into
     * one String, so the memory an import needs beyond its request body is one batch of records.
     */
    @FunctionalInterface
    public interface Text {
        Reader open() throws IOException;
    }

    /** A request body, checked to be UTF-8 first (streaming, in 64 KiB steps) so no record is sent from a bad body. */
    public static Text text(String format, BytesReference body) {
        requireUtf8(format, body);
        return () -> skipBom(new InputStreamReader(body.streamInput(), StandardCharsets.UTF_8));
    }

    private static Reader skipBom(Reader reader) throws IOException {
        PushbackReader r = new PushbackReader(new BufferedReader(reader, 64 * 1024));
        int first = r.read();
        if (first >= 0 && first != '\uFEFF') r.unread(first);
        return r;
    }

    /** Like {@link #utf8(String, byte[])}, without decoding into memory: an invalid byte is an error naming its offset. */
    static void requireUtf8(String format, BytesReference body) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        CharBuffer out = CharBuffer.allocate(64 * 1024);
        long consumed = 0;
        boolean eof = false;
        try (InputStream stream = body.streamInput()) {
            while (true) {
                if (eof == false) {
                    int n = stream.read(in.array(), in.position(), in.remaining());
                    if (n < 0) eof = true;
                    else in.position(in.position() + n);
                }
                in.flip();
                CoderResult result = decoder.decode(in, out, eof);
                if (result.isError()) {
                    long offset = consumed + in.position();
                    throw new AuditParseException(
                            format,
                            "the body is not valid UTF-8: invalid byte [0x"
                                    + Integer.toHexString(body.get((int) offset) & 0xff) + "] at byte offset "
                                    + offset);
                }
                consumed += in.position();
                in.compact();
                out.clear();
                if (eof && result.isUnderflow()) return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes the body strictly: a byte that is not UTF-8 is an error naming its offset, never a silent U+FFFD. */
    public static String utf8(String format, byte[] body) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            int offset = firstInvalid(body);
            throw new AuditParseException(
                    format,
                    "the body is not valid UTF-8: invalid byte [0x" + Integer.toHexString(body[offset] & 0xff)
                            + "] at byte offset " + offset);
        }
    }

    /** The offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
    private static int firstInvalid(byte[] b) {
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            int n = c < 0x80
                    ? 0
                    : (c >= 0xC2 && c <= 0xDF) ? 1 : (c >= 0xE0 && c <= 0xEF) ? 2 : (c >= 0xF0 && c <= 0xF4) ? 3 : -1;
            if (n < 0) return i;
            for (int k = 1; k <= n; k++) {
                if (i + k >= b.length || (b[i + k] & 0xC0) != 0x80) return i;
            }
            i += n + 1;
        }
        return Math.max(0, b.length - 1);
    }

    /** The shape of a body: by format, or for {@code auto} by its first character. */
    public static Shape shape(SourceFormat format, Text text) {
        if (format != null) {
            if (format.isCsv()) return Shape.CSV;
            // log files, one JSON object a line: audit_json.log and the request logs
            if (format == SourceFormat.GITLAB_LOG || format.isRequest()) return Shape.LINES;
        }
        int first;
        try (Reader r = text.open()) {
            do {
                first = r.read();
            } while (first >= 0 && Character.isWhitespace(first));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (first == '[') return wholeBodyIsOneJsonValue(text) ? Shape.JSON_ARRAY : Shape.LINES;
        if (first == '{') return wholeBodyIsOneJsonValue(text) ? Shape.JSON_OBJECT : Shape.LINES;
        if (format != null) return Shape.LINES;
        return Shape.CSV;
    }

    /** A body starting with '[' is a JSON array only if that array is all of it; otherwise it is NDJSON whose first line is an array. */
    private static boolean wholeBodyIsOneJsonValue(Text body) {
        try (Reader r = body.open();
                JsonParser p = JSON.getFactory().createParser(r)) {
            p.nextToken();
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return true; // let the array split report the error with its position
        }
    }

    /**
     * Calls {@code sink} for each record. Structural errors that stop the split (a broken JSON array, an unterminated
     * CSV quote) are thrown; a bad single record is passed on, so the pipeline dead-letters it and the report names it.
     */
    public static void split(String format, Shape shape, Text text, Consumer<Record> sink) {
        Consumer<Record> each = r -> cloudLoggingEntries(r, sink);
        try (Reader body = text.open()) {
            switch (shape) {
                case LINES -> lines(body, each);
                case JSON_ARRAY -> jsonArray(format, body, each);
                case JSON_OBJECT -> each.accept(
                        new Record(1, Streams.copyToString(body).strip()));
                case CSV -> csv(format, body, sink);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Cloud Logging batch ({@code {"entries": [...]}}, as GitLab's Google Cloud Logging destination and
     * {@code entries.write} bodies hold them) is one event per entry; anything else passes as it is. Each entry
     * keeps the number of its record and its own position.
     */
    static void cloudLoggingEntries(Record record, Consumer<Record> sink) {
        String t = record.text();
        if (t.startsWith("{") == false || t.contains("\"entries\"") == false) {
            sink.accept(record);
            return;
        }
        List<String> entries = entries(t);
        if (entries == null || entries.size() < 2) {
            sink.accept(record);
            return;
        }
        for (int i = 0; i < entries.size(); i++) {
            sink.accept(new Record(record.number(), i + 1, entries.get(i)));
        }
    }

    /** The entries of a Cloud Logging batch as JSON texts, or {@code null} when the text is not one (the pipeline then says why). */
    public static List<String> entries(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            JsonNode entries = node == null ? null : node.get("entries");
            if (entries == null || entries.isArray() == false) return null;
            List<String> out = new ArrayList<>(entries.size());
            for (JsonNode entry : entries) {
                out.add(JSON.writeValueAsString(entry));
            }
            return out;
        } catch (IOException e) {
            return null;
        }
    }

    private static void lines(Reader body, Consumer<Record> sink) {
        try (BufferedReader r = new BufferedReader(body)) {
            long n = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                n++;
                if (line.isBlank() == false) sink.accept(new Record(n, line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void jsonArray(String format, Reader body, Consumer<Record> sink) {
        long[] elements = new long[1];
        try (JsonParser p = JSON.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new AuditParseException(format, "the body must be a JSON array of events");
            }
            long n = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() == null) throw new AuditParseException(format, "the JSON array is not closed");
                n++;
                elements[0] = n - 1;
                JsonNode node = JSON.readTree(p);
                sink.accept(new Record(n, JSON.writeValueAsString(node)));
            }
            if (p.nextToken() != null) {
                throw new AuditParseException(format, "content after the end of the JSON array " + location(p));
            }
        } catch (StreamConstraintsException e) {
            throw new LimitExceededException("[" + format + "] array element " + (elements[0] + 1) + " "
                    + positionOf(e) + ": " + e.getOriginalMessage()
                    + " (JSON limits: strings up to 1 MiB, nesting up to " + (JsonText.MAX_DEPTH + 1) + " levels)");
        } catch (JsonProcessingException e) {
            throw new AuditParseException(format, "invalid JSON " + positionOf(e) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String location(JsonParser p) {
        return "at offset " + p.currentTokenLocation().getCharOffset() + " (line "
                + p.currentTokenLocation().getLineNr() + ")";
    }

    private static String positionOf(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : "at offset " + e.getLocation().getCharOffset() + " (line "
                        + e.getLocation().getLineNr() + ")";
    }

    /**
     * A header is recognised by its content (a known export's column names), never by its position: a first line
     * that is no known header is a record like the others. A record without a header goes alone (the processor
     * detects its export by its shape) or, when the request names a CSV format, after that format's documented
     * header, as the processor's {@code csv_header} default reads it.
     */
    private static void csv(String format, Reader body, Consumer<Record> sink) {
        Iterator<List<String>> rows = CsvText.iterate(format, "body", body);
        if (rows.hasNext() == false) return;
        List<String> first = rows.next();
        SourceFormat named = SourceFormat.fromId(format);
        SourceFormat csvFormat = named != null && named.isCsv() ? named : null;
        String headerLine = EventReader.knownHeader(first) != null ? csvRow(first) : null;
        long n = 0;
        if (headerLine == null) sink.accept(headerless(++n, csvFormat, first));
        while (rows.hasNext()) {
            n++;
            List<String> row = rows.next();
            sink.accept(headerLine != null ? new Record(n, headerLine + csvRow(row)) : headerless(n, csvFormat, row));
        }
    }

    private static Record headerless(long n, SourceFormat csvFormat, List<String> row) {
        return csvFormat == null
                ? new Record(n, csvRow(row))
                : new Record(n, csvRow(EventReader.defaultHeader(csvFormat, row.size())) + csvRow(row));
    }

    /**
     * For a body read as CSV without a named format: {@code null} when some line is a known header or a record of a
     * known export, else why the body is no audit data (the detection message of its first line, or the CSV error
     * that stopped the reading before any line was recognised).
     */
    public static String undetectableCsv(Text text) {
        String firstReason = null;
        try (Reader body = text.open()) {
            Iterator<List<String>> rows = CsvText.iterate(SourceFormat.AUTO, "body", body);
            while (rows.hasNext()) {
                List<String> row = rows.next();
                if (EventReader.knownHeader(row) != null || EventReader.detectCsvRecord(row) != null) return null;
                if (firstReason == null)
                    firstReason = EventReader.csvNotDetected("the body", row.size()) + " in its first line";
            }
        } catch (AuditParseException e) {
            return firstReason != null
                    ? firstReason
                    : "cannot detect the format of the body: it is not JSON, and not CSV: " + e.getMessage();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return firstReason != null ? firstReason : "the body holds no record";
    }

    public static String csvRow(List<String> cells) {
        try {
            return CSV_ROW.writeValueAsString(cells.toArray(new String[0]));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Thrown when the body goes past a limit: 413. */
    public static final class LimitExceededException extends OpenSearchStatusException {
        public LimitExceededException(String message) {
            super(message, RestStatus.REQUEST_ENTITY_TOO_LARGE);
        }
    }
}
