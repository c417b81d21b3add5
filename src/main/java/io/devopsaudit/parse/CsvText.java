/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * CSV records read with Jackson's CSV module (RFC 4180 quoting, embedded newlines and doubled quotes). Records
 * come back as raw cell lists so the caller checks the column count against the header itself and can name
 * the record in its error.
 */
public final class CsvText {
    private CsvText() {}

    private static final CsvMapper MAPPER =
            CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();
    private static final ObjectReader CELLS = MAPPER.readerFor(String[].class).with(CsvSchema.emptySchema());

    /** Parses text that must hold exactly one CSV record (a trailing line end is allowed). */
    public static List<String> oneRecord(String format, String field, String text) {
        List<List<String>> records = records(format, field, stripBom(text));
        if (records.size() != 1) {
            throw new AuditParseException(
                    format, "field [" + field + "] must hold exactly one CSV record, found " + records.size());
        }
        return records.get(0);
    }

    /** Parses all records of a CSV text. */
    public static List<List<String>> records(String format, String field, String text) {
        List<List<String>> out = new ArrayList<>();
        Iterator<List<String>> it = iterate(format, field, new StringReader(text));
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    /**
     * Iterates the records of a CSV stream lazily (for whole-file imports). Blank lines are skipped. Errors are
     * {@link AuditParseException}s naming the line.
     */
    public static Iterator<List<String>> iterate(String format, String field, Reader reader) {
        final MappingIterator<String[]> rows;
        try {
            rows = CELLS.readValues(reader);
        } catch (IOException e) {
            throw error(format, field, e);
        }
        return new Iterator<>() {
            List<String> next;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    try {
                        if (rows.hasNextValue() == false) {
                            return false;
                        }
                        String[] cells = rows.nextValue();
                        if (cells.length == 0 || (cells.length == 1 && cells[0].isEmpty())) {
                            continue;
                        }
                        next = List.of(cells);
                    } catch (IOException e) {
                        throw error(format, field, e);
                    }
                }
                return true;
            }

            @Override
            public List<String> next() {
                if (hasNext() == false) {
                    throw new NoSuchElementException();
                }
                List<String> r = next;
                next = null;
                return r;
            }
        };
    }

    /** Drops a leading UTF-8 byte order mark (exports written on Windows carry one). */
    public static String stripBom(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static AuditParseException error(String format, String field, IOException e) {
        String where = e instanceof JsonProcessingException jpe ? " " + JsonText.position(jpe.getLocation()) : "";
        String reason = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        // no cause: the ingest on_failure message is the root cause's message
        return new AuditParseException(format, "invalid CSV in field [" + field + "]" + where + ": " + reason);
    }
}
