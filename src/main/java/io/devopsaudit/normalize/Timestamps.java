/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.normalize;

import io.devopsaudit.parse.AuditParseException;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Event times as the sources write them — {@code 2019-08-22T16:34:25.639Z}, {@code 2024-05-10T17:46:49.058+00:00},
 * {@code 2024-01-15 09:30:00} (UTC by definition in GitLab's old CSV), {@code 2024-03-08 14:22:05+00:00},
 * {@code ... UTC} — to one form: UTC, millisecond precision, {@code yyyy-MM-ddTHH:mm:ss.SSSZ}.
 */
public final class Timestamps {
    private Timestamps() {}

    private static final DateTimeFormatter OUT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public static String format(Instant instant) {
        return OUT.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    public static Instant parse(String format, String field, Object value) {
        if (value instanceof Number n) {
            long v = n.longValue();
            // seconds (GitLab's oldest stream ids were created_at.to_i) or milliseconds
            return v < 100_000_000_000L ? Instant.ofEpochSecond(v) : Instant.ofEpochMilli(v);
        }
        if (value instanceof String == false) {
            throw AuditParseException.wrongType(format, field, "a date text", value);
        }
        String s = ((String) value).trim();
        if (s.length() > 64) {
            throw new AuditParseException(format, "field [" + field + "]: cannot parse [" + s.substring(0, 64) + "...] as a date");
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
                return OffsetDateTime.parse(withColonInOffset(t), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
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
