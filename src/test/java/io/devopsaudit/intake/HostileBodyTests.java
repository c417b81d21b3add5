/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.golden.GoldenCases;
import io.devopsaudit.ingest.AuditEngine;
import io.devopsaudit.parse.SourceFormat;
import org.opensearch.test.OpenSearchTestCase;

import java.util.ArrayList;
import java.util.List;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

/**
 * Bodies that are broken or no audit data at all: a header is recognised by its content, headerless rows are read
 * with the named format's columns, a body that is no audit data gets one reason, and limits answer 413.
 */
public class HostileBodyTests extends OpenSearchTestCase {
    private static final AuditEngine ENGINE = new AuditEngine();

    private static List<RawRecords.Record> split(String format, String body) {
        List<RawRecords.Record> out = new ArrayList<>();
        SourceFormat f = SourceFormat.fromId(format);
        StringBodies.split(format, StringBodies.shape(f, body), body, out::add);
        return out;
    }

    private static String[] circleciLines() throws Exception {
        return GoldenCases.read(GoldenCases.root().resolve("circleci_csv/project_env_var_create.csv"))
                .split("\n");
    }

    public void testHeaderlessRowsAreRecordsReadWithTheNamedFormatsColumns() throws Exception {
        String row = circleciLines()[1];
        // one headerless row with an explicit format: one record, indexed with CircleCI's documented columns
        List<RawRecords.Record> one = split("circleci_csv", row + "\n");
        assertEquals(1, one.size());
        AuditEngine.Outcome o = ENGINE.simulate(one.get(0).text(), null);
        assertNull(o.error(), o.error());
        assertThat(o.index(), startsWith("devops-audit-circleci-"));
        // two headerless rows: two records, the first is no header
        List<RawRecords.Record> two =
                split("circleci_csv", row + "\n" + row.replace("000000000040", "000000000041") + "\n");
        assertEquals(2, two.size());
        assertEquals(1, two.get(0).number());
        assertEquals(2, two.get(1).number());
        for (RawRecords.Record r : two)
            assertNull(ENGINE.simulate(r.text(), null).error());
        // auto: a headerless row goes alone and the processor detects the export by its shape
        List<RawRecords.Record> auto = split("auto", row + "\n");
        assertEquals(1, auto.size());
        assertNull(ENGINE.simulate(auto.get(0).text(), null).error());
        // with its header line, the header is no record
        String[] lines = circleciLines();
        assertEquals(1, split("auto", lines[0] + "\n" + lines[1] + "\n").size());
    }

    public void testAJsonEventSentAsCsvIsARefusedRecordOrA400NotASilentDrop() {
        // quoted JSON keys are no valid CSV: the body is refused naming the position
        AuditParseExceptionHolder.expect(
                () -> split("gitlab_csv", "{\"id\":1,\"created_at\":\"2024-01-01T00:00:00Z\"}\n"));
        // a line CSV can read is one record, refused by the processor with its reason (the pipeline dead-letters it)
        List<RawRecords.Record> records = split("gitlab_csv", "{id:1,created_at:2024-01-01}\n");
        assertEquals(1, records.size());
        assertThat(ENGINE.simulate(records.get(0).text(), null).error(), containsString("columns"));
    }

    private static final class AuditParseExceptionHolder {
        static void expect(ThrowingRunnable r) {
            io.devopsaudit.parse.AuditParseException e =
                    expectThrows(io.devopsaudit.parse.AuditParseException.class, r);
            assertThat(e.getMessage(), containsString("[gitlab_csv] invalid CSV in field [body] at offset"));
        }
    }

    public void testABodyThatIsNoAuditDataGetsOneReason() {
        String readme =
                "# devops-audit\n\nTurns GitLab and CircleCI audit logs into one record, with \"quotes\", commas.\n";
        String why = RawRecords.undetectableCsv(StringBodies.text(readme));
        assertThat(why, containsString("cannot detect the format of the body: it is not JSON, so tried [gitlab_csv]"));
        assertThat(
                RawRecords.undetectableCsv(StringBodies.text("root:x:0:0:root:/root:/bin/bash\n")),
                containsString("found 1 columns"));
        assertThat(RawRecords.undetectableCsv(StringBodies.text("hello \"world\n")), containsString("cannot detect"));
        assertNull(RawRecords.undetectableCsv(
                StringBodies.text("junk line\n" + String.join("\n", circleciLinesUnchecked()))));
    }

    private static String[] circleciLinesUnchecked() {
        try {
            return circleciLines();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public void testJsonLimitsAre413NamingTheElement() {
        String deep = "[{\"id\":1},{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}]";
        RawRecords.LimitExceededException e =
                expectThrows(RawRecords.LimitExceededException.class, () -> split("auto", deep));
        assertEquals(413, e.status().getStatus());
        assertThat(e.getMessage(), containsString("array element 2"));
        String longString = "[{\"a\":\"" + "x".repeat((1 << 20) + 1) + "\"}]";
        e = expectThrows(RawRecords.LimitExceededException.class, () -> split("auto", longString));
        assertThat(e.getMessage(), containsString("array element 1"));
    }

    public void testABodyThatBreaksOffPartWaySaysWhatWasStored() {
        IntakeCounts counts = new IntakeCounts(3, 2, 0, 0, 0, 0, 0, 1, 0, List.of(), false);
        RuntimeException e = ImportAction.TransportAction.stopped(
                new io.devopsaudit.parse.AuditParseException("gitlab_api", "the JSON array is not closed"), counts);
        assertThat(e.getMessage(), startsWith("[gitlab_api] the JSON array is not closed; the 3 records before it"));
        assertThat(
                e.getMessage(),
                containsString("indexed 2, upgraded 0, duplicates 0, conflicts 0, late 0, nonconforming 0, failed 1"));
        assertEquals(
                400, ((org.opensearch.OpenSearchStatusException) e).status().getStatus());
        RawRecords.LimitExceededException tooLarge = new RawRecords.LimitExceededException("[auto] too deep");
        assertEquals(
                413,
                ((org.opensearch.OpenSearchStatusException) ImportAction.TransportAction.stopped(tooLarge, counts))
                        .status()
                        .getStatus());
        // nothing read before the error: the error itself
        assertSame(tooLarge, ImportAction.TransportAction.stopped(tooLarge, IntakeCounts.NONE));
    }
}
