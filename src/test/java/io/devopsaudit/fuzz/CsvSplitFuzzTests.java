/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.devopsaudit.intake.RawRecords;
import io.devopsaudit.intake.StringBodies;
import io.devopsaudit.parse.AuditParseException;
import io.devopsaudit.parse.CsvText;
import org.junit.jupiter.api.AfterAll;

import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for the CSV splitter of {@code _import} ({@link RawRecords#split} with shape CSV), followed by what
 * {@code _import} does with each record: the processor with format auto. The split either gives records or throws
 * {@link AuditParseException}; each record is the header line plus one data row, and reading it back gives exactly
 * that header and that row as the body had them (a record the processor reads differently from the file would be
 * silent corruption).
 */
class CsvSplitFuzzTests {

    private static final FuzzSupport.Tally TALLY = new FuzzSupport.Tally("csv_split");

    @FuzzTest
    void recordsOrParseError(byte[] data) {
        String body = FuzzSupport.text(data);
        List<RawRecords.Record> records = new ArrayList<>();
        try {
            StringBodies.split("gitlab_csv", RawRecords.Shape.CSV, body, records::add);
        } catch (AuditParseException documented) {
            TALLY.count(false);
            return;
        }
        TALLY.count(true);
        if (records.isEmpty()) {
            return;
        }
        // the split read the body once already, so this whole read cannot fail
        List<List<String>> rows = CsvText.records("gitlab_csv", "body", CsvText.stripBom(body));
        if (rows.size() != records.size() + 1) {
            throw new AssertionError(records.size() + " records from " + rows.size() + " CSV rows");
        }
        for (int i = 0; i < records.size(); i++) {
            RawRecords.Record r = records.get(i);
            if (r.number() != i + 1) {
                throw new AssertionError("record " + (i + 1) + " is numbered " + r.number());
            }
            List<List<String>> back = CsvText.records("gitlab_csv", "message", r.text());
            if (back.size() != 2
                    || back.get(0).equals(rows.get(0)) == false
                    || back.get(1).equals(rows.get(i + 1)) == false) {
                throw new AssertionError("record " + r.number() + " reads back as " + back + ", the body had "
                        + List.of(rows.get(0), rows.get(i + 1)));
            }
            FuzzSupport.process(r.text(), null);
        }
    }

    @AfterAll
    static void report() {
        TALLY.report();
    }
}
