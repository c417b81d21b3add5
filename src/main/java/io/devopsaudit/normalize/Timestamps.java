/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.normalize;

import io.devopsaudit.parse.AuditParseException;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Event times as the sources write them — {@code 2019-08-22T16:34:25.639Z}, {@code 2024-05-10T17:46:49.058+00:00},
 * {@code 2024-01-15 09:30:00} (UTC by definition in GitLab's old CSV), {@code 2024-03-08 14:22:05+00:00},
 * {@code ... UTC} — to one form: UTC, millisecond precision, {@code yyyy-MM-ddTHH:mm:ss.SSSZ}.
 */
public final class Timestamps {
    private Timestamps() {}

    private static final DateTimeFormatter OUT = DateTimeFormatter.ofPattern(
                    "uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    public static String format(Instant instant) {
        long second = instant.getEpochSecond();
        long day = Math.floorDiv(second, 86_400L);
        if (day < MIN_FAST_DAY || day > MAX_FAST_DAY) {
            return OUT.format(instant.truncatedTo(ChronoUnit.MILLIS));
        }
        // Written by hand: reading and writing times through DateTimeFormatter were a sixth of the processor's time
        // (JFR on the benchmark node, docs/benchmarks.md §3);
        // TimestampsTests checks both paths give the same text for random instants.
        LocalDate date = LocalDate.ofEpochDay(day);
        int secondOfDay = (int) Math.floorMod(second, 86_400L);
        char[] c = new char[24];
        digits(c, 0, date.getYear(), 4);
        c[4] = '-';
        digits(c, 5, date.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, date.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, secondOfDay / 3600, 2);
        c[13] = ':';
        digits(c, 14, secondOfDay / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, secondOfDay % 60, 2);
        c[19] = '.';
        digits(c, 20, instant.getNano() / 1_000_000, 3);
        c[23] = 'Z';
        return new String(c);
    }

    /** Years 0000-9999: what the fast path writes and reads; others go through java.time. */
    private static final long MIN_FAST_DAY = LocalDate.of(0, 1, 1).toEpochDay();

    private static final long MAX_FAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** A time this class wrote ({@link #format}), e.g. the record's {@code @timestamp}. */
    public static Instant parseFormatted(String text) {
        Instant fast = parseIso(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /**
     * The shape nearly every event has — {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:MM|±HHMM)} — read without
     * java.time's general parser; {@code null} for anything else (the caller falls back to java.time, which also
     * produces the error for invalid values such as February 30).
     */
    static Instant parseIso(String t) {
        int n = t.length();
        if (n < 20
                || t.charAt(4) != '-'
                || t.charAt(7) != '-'
                || t.charAt(10) != 'T'
                || t.charAt(13) != ':'
                || t.charAt(16) != ':') {
            return null;
        }
        int year = number(t, 0, 4), month = number(t, 5, 2), day = number(t, 8, 2);
        int hour = number(t, 11, 2), minute = number(t, 14, 2), sec = number(t, 17, 2);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || day > 28 && day > Month.of(month).length(Year.isLeap(year))
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || sec < 0
                || sec > 59) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (t.charAt(i) == '.') {
            int start = ++i;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                if (i - start < 9) nanos = nanos * 10 + (t.charAt(i) - '0');
                i++;
            }
            int count = i - start;
            if (count == 0 || count > 9) {
                return null;
            }
            for (int k = count; k < 9; k++) nanos *= 10;
        }
        int offsetSeconds;
        if (i == n - 1 && (t.charAt(i) == 'Z' || t.charAt(i) == 'z')) {
            offsetSeconds = 0;
        } else if (i < n
                && (t.charAt(i) == '+' || t.charAt(i) == '-')
                && (n - i == 6 && t.charAt(i + 3) == ':' || n - i == 5)) {
            int oh = number(t, i + 1, 2);
            int om = number(t, n - 2, 2);
            if (oh < 0 || om < 0 || om > 59 || oh * 60 + om > 18 * 60) {
                return null;
            }
            offsetSeconds = (t.charAt(i) == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        } else {
            return null;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + minute * 60L + sec - offsetSeconds, nanos);
    }

    /** The decimal number of {@code width} ASCII digits at {@code at}, or -1. */
    private static int number(String t, int at, int width) {
        int v = 0;
        for (int i = at; i < at + width; i++) {
            char ch = t.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    /** What java.time can write as a date: Instant reaches year 1,000,000,000, LocalDate only 999,999,999. */
    private static final long MIN_SECOND = LocalDate.MIN.toEpochDay() * 86_400L;

    private static final long MAX_SECOND = LocalDate.MAX.toEpochDay() * 86_400L + 86_399L;

    /**
     * An event time as the sources write it, or an {@link AuditParseException} naming the field; never a time that
     * {@link #format} cannot write.
     */
    public static Instant parse(String format, String field, Object value) {
        Instant t = parseAny(format, field, value);
        if (t.getEpochSecond() < MIN_SECOND || t.getEpochSecond() > MAX_SECOND) {
            throw new AuditParseException(format, "field [" + field + "]: [" + value + "] is not a date");
        }
        return t;
    }

    private static Instant parseAny(String format, String field, Object value) {
        if (value instanceof Number n) {
            // seconds (GitLab's oldest stream ids were created_at.to_i) or milliseconds; a number beyond what a long
            // or an Instant holds (1e300, -9223372036854775808 seconds) is a bad value, not a crash
            double d = n.doubleValue();
            if (Double.isFinite(d) == false || Math.abs(d) >= 9.2e18) {
                throw new AuditParseException(format, "field [" + field + "]: [" + value + "] is not a date");
            }
            long v = n.longValue();
            try {
                return v < 100_000_000_000L ? Instant.ofEpochSecond(v) : Instant.ofEpochMilli(v);
            } catch (DateTimeException | ArithmeticException e) {
                throw new AuditParseException(format, "field [" + field + "]: [" + value + "] is not a date");
            }
        }
        if (value instanceof String == false) {
            throw AuditParseException.wrongType(format, field, "a date text", value);
        }
        String s = ((String) value).trim();
        if (s.length() > 64) {
            throw new AuditParseException(
                    format, "field [" + field + "]: cannot parse [" + s.substring(0, 64) + "...] as a date");
        }
        Instant fast = parseIso(s);
        if (fast != null) {
            return fast;
        }
        String t = s;
        if (t.endsWith(" UTC")) {
            t = t.substring(0, t.length() - 4) + "Z";
        }
        if (t.length() > 10 && t.charAt(10) == ' ') {
            t = t.substring(0, 10) + 'T' + t.substring(11);
        }
        t = t.replace(" ", "");
        try {
            if (hasZone(t)) {
                if (t.endsWith("Z") || t.endsWith("z")) {
                    return Instant.parse(t.substring(0, t.length() - 1) + "Z");
                }
                return OffsetDateTime.parse(withColonInOffset(t), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .toInstant();
            }
            return LocalDateTime.parse(t, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw new AuditParseException(format, "field [" + field + "]: cannot parse [" + s + "] as a date");
        }
    }

    private static boolean hasZone(String t) {
        if (t.endsWith("Z") || t.endsWith("z")) return true;
        int tIdx = t.indexOf('T');
        return tIdx > 0 && (t.indexOf('+', tIdx) > 0 || t.indexOf('-', tIdx) > 0);
    }

    /** {@code +0000} to {@code +00:00}, which ISO_OFFSET_DATE_TIME requires. */
    private static String withColonInOffset(String t) {
        int sign = Math.max(t.lastIndexOf('+'), t.lastIndexOf('-'));
        String offset = t.substring(sign + 1);
        if (offset.length() == 4 && offset.indexOf(':') < 0) {
            return t.substring(0, sign + 1) + offset.substring(0, 2) + ":" + offset.substring(2);
        }
        if (offset.length() == 2) {
            return t + ":00";
        }
        return t;
    }
}
