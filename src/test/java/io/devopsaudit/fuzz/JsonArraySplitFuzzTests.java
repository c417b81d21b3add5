/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.devopsaudit.intake.RawRecords;
import io.devopsaudit.intake.StringBodies;
import io.devopsaudit.parse.AuditParseException;
import org.junit.jupiter.api.AfterAll;

import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for the JSON-array splitter of {@code _import} ({@link RawRecords#split} with shape JSON_ARRAY), followed
 * by what {@code _import} does with each element: the processor with format auto. The split either gives records or
 * throws one of its two documented errors: {@link AuditParseException} (400) or
 * {@link RawRecords.LimitExceededException} (413, nesting or a string past the bounds); records are numbered 1, 2, ... (the entries of a Cloud Logging batch 1, 2, ... within their
 * record)
 */
class JsonArraySplitFuzzTests {

    private static final FuzzSupport.Tally TALLY = new FuzzSupport.Tally("json_array_split");

    @FuzzTest
    void recordsOrParseError(byte[] data) {
        String body = FuzzSupport.text(data);
        List<RawRecords.Record> records = new ArrayList<>();
        try {
            StringBodies.split("auto", RawRecords.Shape.JSON_ARRAY, body, records::add);
        } catch (AuditParseException | RawRecords.LimitExceededException documented) {
            TALLY.count(false);
            return;
        }
        TALLY.count(true);
        long number = 0;
        int entry = 0;
        for (RawRecords.Record r : records) {
            // the next element (a whole record, or the first entry of a Cloud Logging batch), or the next entry
            boolean next = r.number() == number + 1 && r.entry() <= 1;
            boolean nextEntry = r.number() == number && entry >= 1 && r.entry() == entry + 1;
            if (next == false && nextEntry == false) {
                throw new AssertionError("record " + r.where() + " follows record " + number + " entry " + entry);
            }
            number = r.number();
            entry = r.entry();
            FuzzSupport.process(r.text(), null);
        }
    }

    @AfterAll
    static void report() {
        TALLY.report();
    }
}
