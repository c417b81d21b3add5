/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.parse.AuditParseException;
import io.devopsaudit.parse.SourceFormat;
import org.opensearch.common.settings.MockSecureSettings;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.bytes.CompositeBytesReference;
import org.opensearch.test.OpenSearchTestCase;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.hamcrest.Matchers.containsString;

/** The pure parts of intake: strict UTF-8, body shapes, record splitting with record numbers, the streaming token. */
public class IntakeHelpersTests extends OpenSearchTestCase {

    private static List<RawRecords.Record> split(SourceFormat format, String body) {
        List<RawRecords.Record> out = new ArrayList<>();
        StringBodies.split(SourceFormat.idOf(format), StringBodies.shape(format, body), body, out::add);
        return out;
    }

    public void testUtf8IsStrictAndNamesTheOffset() {
        assertEquals("zürich", RawRecords.utf8("gitlab_csv", "zürich".getBytes(StandardCharsets.UTF_8)));
        byte[] body = "ab\u00e9cd".getBytes(StandardCharsets.UTF_8);
        byte[] broken = new byte[body.length + 1];
        System.arraycopy(body, 0, broken, 0, 2);
        broken[2] = (byte) 0xff;
        System.arraycopy(body, 2, broken, 3, body.length - 2);
        AuditParseException e = expectThrows(AuditParseException.class, () -> RawRecords.utf8("gitlab_csv", broken));
        assertThat(e.getMessage(), containsString("[0xff] at byte offset 2"));
        assertThat(e.getMessage(), containsString("gitlab_csv"));
    }

    /**
     * The import body is checked and split from its bytes in 64 KiB steps, never decoded whole: a character that
     * straddles a step is fine, an invalid byte far into the body is named by its offset, and the records come out
     * as from a String, from a body in several pieces (as the REST layer hands it over).
     */
    public void testStreamedBodyIsCheckedAcrossStepsAndSplitLikeAString() {
        StringBuilder sb = new StringBuilder("\uFEFF");
        int n = 0;
        while (sb.length() < 200_000) {
            n++;
            sb.append("{\"id\":").append(n).append(",\"city\":\"z\u00fcrich \u20ac\"}\n");
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        int cut = 65_535; // inside a multi-byte character or not: either way the pieces are one body
        BytesReference body = CompositeBytesReference.of(
                new BytesArray(bytes, 0, cut), new BytesArray(bytes, cut, bytes.length - cut));
        RawRecords.Text text = RawRecords.text("gitlab_api", body);
        assertEquals(RawRecords.Shape.LINES, RawRecords.shape(null, text));
        List<RawRecords.Record> streamed = new ArrayList<>();
        RawRecords.split("gitlab_api", RawRecords.Shape.LINES, text, streamed::add);
        List<RawRecords.Record> fromString = new ArrayList<>();
        StringBodies.split("gitlab_api", RawRecords.Shape.LINES, sb.toString(), fromString::add);
        assertEquals(n, streamed.size());
        assertEquals(fromString, streamed);

        byte[] broken = bytes.clone();
        int at = 150_001;
        while ((broken[at] & 0xC0) == 0x80) at++; // on a character start, so the invalid byte is the one reported
        broken[at] = (byte) 0xff;
        int offset = at;
        AuditParseException e =
                expectThrows(AuditParseException.class, () -> RawRecords.text("gitlab_api", new BytesArray(broken)));
        assertThat(e.getMessage(), containsString("[0xff] at byte offset " + offset));
    }

    public void testShapeByFormatAndByFirstCharacter() {
        assertEquals(RawRecords.Shape.CSV, StringBodies.shape(SourceFormat.CIRCLECI_CSV, "[not json"));
        assertEquals(RawRecords.Shape.LINES, StringBodies.shape(SourceFormat.GITLAB_LOG, "[{\"a\":1}]"));
        assertEquals(RawRecords.Shape.JSON_ARRAY, StringBodies.shape(null, " [{\"id\":1},{\"id\":2}]\n"));
        assertEquals(
                "an array on the first line of NDJSON",
                RawRecords.Shape.LINES,
                StringBodies.shape(null, "[{\"id\":1}]\n{\"id\":2}\n"));
        assertEquals(RawRecords.Shape.LINES, StringBodies.shape(null, "\uFEFF{\"id\":1}\n{\"id\":2}\n"));
        assertEquals(
                "one object, however laid out",
                RawRecords.Shape.JSON_OBJECT,
                StringBodies.shape(null, "{\n  \"id\": 1\n}\n"));
        assertEquals(RawRecords.Shape.CSV, StringBodies.shape(null, "id,action\n1,x\n"));
    }

    public void testLinesKeepTheirLineNumbersAndSkipBlankLines() {
        List<RawRecords.Record> records = split(null, "{\"id\":1}\n\n  \n{\"id\":2}\n");
        assertEquals(List.of(new RawRecords.Record(1, "{\"id\":1}"), new RawRecords.Record(4, "{\"id\":2}")), records);
    }

    public void testJsonArrayRecordsAndStructuralErrorsWithPosition() {
        List<RawRecords.Record> records = split(SourceFormat.GITLAB_API, "[{\"id\":1}, {\"id\": 2, \"x\": [1,2]}]");
        assertEquals(
                List.of(new RawRecords.Record(1, "{\"id\":1}"), new RawRecords.Record(2, "{\"id\":2,\"x\":[1,2]}")),
                records);
        AuditParseException e = expectThrows(
                AuditParseException.class,
                () -> StringBodies.split(
                        "gitlab_api", RawRecords.Shape.JSON_ARRAY, "[{\"id\":1}] {\"id\":2}", r -> {}));
        assertThat(e.getMessage(), containsString("content after the end of the JSON array at offset 11 (line 1)"));
        e = expectThrows(
                AuditParseException.class,
                () -> StringBodies.split("gitlab_api", RawRecords.Shape.JSON_ARRAY, "[{\"id\":1},", r -> {}));
        assertThat(e.getMessage(), containsString("gitlab_api"));
    }

    public void testCsvRecordsCarryTheirHeaderAndQuotedNewlinesStayInOneRecord() {
        // a header is known by its content (CircleCI's names action and occurred_at), not by being the first line
        List<RawRecords.Record> records =
                split(SourceFormat.CIRCLECI_CSV, "action,occurred_at\n1,\"two\nlines\"\n2,plain\n");
        assertEquals(2, records.size());
        assertEquals(new RawRecords.Record(1, "action,occurred_at\n1,\"two\nlines\"\n"), records.get(0));
        assertEquals(new RawRecords.Record(2, "action,occurred_at\n2,plain\n"), records.get(1));
        assertEquals("a,\"b,c\",\"d\"\"e\"\n", RawRecords.csvRow(List.of("a", "b,c", "d\"e")));
    }

    public void testCloudLoggingBatchesAreOneRecordPerEntryWhereverTheyStand() {
        String entry1 = "{\"insertId\":\"a\",\"jsonPayload\":{\"id\":1}}";
        String entry2 = "{\"insertId\":\"b\",\"jsonPayload\":{\"id\":2}}";
        String batch = "{\"entries\":[" + entry1 + "," + entry2 + "]}";
        List<RawRecords.Record> expected =
                List.of(new RawRecords.Record(1, 1, entry1), new RawRecords.Record(1, 2, entry2));
        assertEquals("a whole pretty-printed body", expected, split(null, batch.replace(",", ",\n  ")));
        List<RawRecords.Record> lines = split(null, "{\"id\":0}\n" + batch + "\n");
        assertEquals(
                List.of(
                        new RawRecords.Record(1, "{\"id\":0}"),
                        new RawRecords.Record(2, 1, entry1),
                        new RawRecords.Record(2, 2, entry2)),
                lines);
        assertEquals("2 entry 1", lines.get(1).where());
        String single = "{\"entries\":[" + entry1 + "]}";
        assertEquals(
                "a batch of one is left whole (the processor reads it)",
                List.of(new RawRecords.Record(1, single)),
                split(null, single));
    }

    public void testStreamingTokenMatchesOnlyItself() {
        StreamingToken token = new StreamingToken();
        token.load(Settings.EMPTY);
        assertFalse(token.configured());
        assertFalse("nothing matches an unset token", token.matches(""));
        String secret = randomAlphaOfLengthBetween(20, 40);
        MockSecureSettings secure = new MockSecureSettings();
        secure.setString(StreamingToken.SETTING.getKey(), secret);
        token.load(Settings.builder().setSecureSettings(secure).build());
        assertTrue(token.configured());
        assertTrue(token.matches(secret));
        for (String wrong : List.of("", secret.substring(1), secret + "x", secret.toUpperCase(Locale.ROOT) + "!")) {
            assertFalse(wrong, token.matches(wrong));
        }
        assertFalse(token.matches(null));
    }
}
