/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.normalize;

import io.devopsaudit.parse.AuditParseException;
import org.opensearch.test.OpenSearchTestCase;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The hand-written ISO-8601 fast paths of {@link Timestamps} against java.time on random instants: same instant for
 * every shape the sources write, same text for every instant, and the same errors for values java.time refuses.
 */
public class TimestampsTests extends OpenSearchTestCase {

    private static final DateTimeFormatter JAVA_TIME_OUT = DateTimeFormatter.ofPattern(
                    "uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private static Instant randomInstant() {
        long min = Instant.parse("0000-01-02T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-30T23:59:59Z").getEpochSecond();
        long second = randomBoolean()
                ? randomLongBetween(0L, 4_102_444_800L)
                : randomLongBetween(min, max); // mostly 1970-2100
        return Instant.ofEpochSecond(second, randomIntBetween(0, 999_999_999));
    }

    public void testFormatMatchesJavaTime() {
        for (int i = 0; i < 2_000; i++) {
            Instant instant = randomInstant();
            assertEquals(
                    instant.toString(),
                    JAVA_TIME_OUT.format(instant.truncatedTo(ChronoUnit.MILLIS)),
                    Timestamps.format(instant));
        }
        Instant beyond = Instant.parse("+12345-01-01T00:00:00Z");
        assertEquals(JAVA_TIME_OUT.format(beyond), Timestamps.format(beyond));
    }

    public void testParseMatchesJavaTimeForEveryShape() {
        for (int i = 0; i < 2_000; i++) {
            Instant instant = randomInstant();
            int offsetMinutes = randomBoolean() ? 0 : randomIntBetween(-18 * 60, 18 * 60);
            OffsetDateTime local = instant.atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
            int fractionDigits = randomIntBetween(0, 9);
            String fraction = fractionDigits == 0
                    ? ""
                    : "." + String.format(Locale.ROOT, "%09d", local.getNano()).substring(0, fractionDigits);
            String offset =
                    switch (randomIntBetween(0, 3)) {
                        case 0 -> offsetMinutes == 0 ? "Z" : local.getOffset().getId();
                        case 1 -> offsetMinutes == 0 ? "z" : local.getOffset().getId();
                        case 2 -> local.getOffset().getId().equals("Z")
                                ? "+00:00"
                                : local.getOffset().getId();
                        default -> (local.getOffset().getId().equals("Z")
                                        ? "+00:00"
                                        : local.getOffset().getId())
                                .replace(":", "");
                    };
            String text =
                    local.format(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT)) + fraction + offset;
            Instant expected = OffsetDateTime.parse(text.replace('z', 'Z').replaceAll("([+-]\\d\\d)(\\d\\d)$", "$1:$2"))
                    .toInstant();
            assertEquals(text, expected, Timestamps.parse("test", "time", text));
            assertEquals(text, expected, Timestamps.parseIso(text));
        }
    }

    public void testOtherShapesStillParse() {
        assertEquals(Instant.parse("2024-01-15T09:30:00Z"), Timestamps.parse("test", "time", "2024-01-15 09:30:00"));
        assertEquals(
                Instant.parse("2024-01-15T09:30:00Z"), Timestamps.parse("test", "time", "2024-01-15 09:30:00 UTC"));
        assertEquals(
                Instant.parse("2024-03-08T13:22:05Z"), Timestamps.parse("test", "time", "2024-03-08 14:22:05+01:00"));
        assertEquals(Instant.parse("2024-03-08T13:22:00Z"), Timestamps.parse("test", "time", "2024-03-08T14:22+01:00"));
        assertNull("minutes-only offsets are not the fast shape", Timestamps.parseIso("2024-03-08T14:22+01:00"));
    }

    public void testInvalidValuesAreRefusedLikeJavaTime() {
        for (String bad : new String[] {
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T00:60:00Z",
            "2024-01-01T00:00:00+19:00",
            "2024-01-01T00:00:00+18:30",
            "2024-01-01T00:00:00.1234567891Z",
            "2024-01-01T00:00:00Zjunk",
            "2024-0a-01T00:00:00Z"
        }) {
            AuditParseException e = null;
            try {
                fail("[" + bad + "] parsed as " + Timestamps.parse("gitlab_log", "time", bad));
            } catch (AuditParseException expected) {
                e = expected;
            }
            assertEquals("[gitlab_log] field [time]: cannot parse [" + bad + "] as a date", e.getMessage());
        }
        assertEquals(Instant.parse("2024-02-29T00:00:00Z"), Timestamps.parseIso("2024-02-29T00:00:00Z"));
        assertEquals(Instant.parse("2000-02-29T00:00:00Z"), Timestamps.parseIso("2000-02-29T00:00:00Z"));
        assertNull(Timestamps.parseIso("1900-02-29T00:00:00Z"));
        // what java.time accepts beyond the fast shape is still accepted: end of day 24:00, leap seconds, an empty
        // fraction
        assertNull(Timestamps.parseIso("2024-01-01T00:00:00.Z"));
        assertEquals(Instant.parse("2024-01-01T00:00:00Z"), Timestamps.parse("test", "time", "2024-01-01T00:00:00.Z"));
        assertNull(Timestamps.parseIso("2024-01-01T24:00:00Z"));
        assertEquals(Instant.parse("2024-01-02T00:00:00Z"), Timestamps.parse("test", "time", "2024-01-01T24:00:00Z"));
        assertEquals(Instant.parse("2016-12-31T23:59:59Z"), Timestamps.parse("test", "time", "2016-12-31T23:59:60Z"));
    }
}
