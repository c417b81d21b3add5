/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.devopsaudit.dedup.IndexName;
import io.devopsaudit.ingest.IntakeBounds;
import io.devopsaudit.normalize.Timestamps;
import io.devopsaudit.parse.AuditParseException;
import io.devopsaudit.schema.Provider;
import org.junit.jupiter.api.AfterAll;

import java.time.Instant;

/**
 * Fuzz target for event times: the fuzzer's bytes as a date text, and, when they read as a number, as a number (the
 * JSON forms GitLab and CircleCI events carry), through {@link Timestamps#parse}, the intake's time bounds and the
 * index name. Accepted: an {@link AuditParseException} (bounds refusals included), or a time from 1970 to the allowed
 * skew that {@link Timestamps#format} writes and reads back, in an index named with a four-digit year.
 * {@code mvn test} replays the saved inputs; {@code mvn -Pfuzz} fuzzes it (docs/development.md, "Fuzzing").
 */
class EventTimeFuzzTests {

    private static final FuzzSupport.Tally TALLY = new FuzzSupport.Tally("event_time");
    private static final IntakeBounds BOUNDS = new IntakeBounds();
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    @FuzzTest
    void boundedTimeOrParseError(byte[] data) {
        String text = FuzzSupport.text(data);
        TALLY.count(check(text));
        Number number = number(text.strip());
        if (number != null) TALLY.count(check(number));
    }

    private static boolean check(Object value) {
        String formatted;
        try {
            Instant t = Timestamps.parse("f", "created_at", value);
            formatted = Timestamps.format(t);
            BOUNDS.checkTime("f", formatted, NOW);
        } catch (AuditParseException refused) {
            return false;
        }
        Instant back = Timestamps.parseFormatted(formatted);
        if (back.isBefore(IntakeBounds.EARLIEST) || back.isAfter(NOW.plus(java.time.Duration.ofDays(1)))) {
            throw new AssertionError("[" + value + "] passed the bounds as " + formatted);
        }
        for (Provider p : Provider.values()) {
            String index = IndexName.MONTH.of(p, formatted);
            if (index.matches("devops-audit-[a-z]+-[0-9]{4}\\.[0-9]{2}") == false) {
                throw new AssertionError("[" + value + "] gives the index name " + index);
            }
        }
        return true;
    }

    private static Number number(String s) {
        if (s.isEmpty() || s.length() > 40) return null;
        try {
            return s.contains(".") || s.contains("e") || s.contains("E")
                    ? (Number) Double.parseDouble(s)
                    : (Number) Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @AfterAll
    static void report() {
        TALLY.report();
    }
}
