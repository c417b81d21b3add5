/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.dedup;

import io.devopsaudit.schema.IndexNames;
import io.devopsaudit.schema.Provider;

import java.util.Locale;

/**
 * Indices are named by EVENT time, not ingest time — {@code devops-audit-<provider>-<yyyy.MM>} — so a duplicate that
 * arrives weeks later lands on the same {@code _id} in the same index, and retention can expire backfilled history
 * on its own schedule.
 */
public enum IndexName {
    MONTH,
    DAY,
    NONE;

    public static IndexName fromOption(String value) {
        for (IndexName g : values()) {
            if (g.name().toLowerCase(Locale.ROOT).equals(value)) return g;
        }
        return null;
    }

    /** @param timestamp the record's {@code @timestamp} ({@code yyyy-MM-ddTHH:mm:ss.SSSZ}) */
    public String of(Provider provider, String timestamp) {
        return of(IndexNames.eventPrefix(provider), timestamp);
    }

    /** @param prefix the family's prefix, ending in '-' (e.g. {@link IndexNames#REQUESTS_PREFIX}) */
    public String of(String prefix, String timestamp) {
        // only years 0000-9999 give a name retention and the index patterns understand (the processor's time bounds
        // keep events to 1970 onwards; this guards every other caller)
        if (timestamp.length() != 24 || timestamp.charAt(4) != '-' || Character.isDigit(timestamp.charAt(0)) == false) {
            throw new IllegalArgumentException(
                    "event time [" + timestamp + "] has no four-digit year: no index for it");
        }
        return switch (this) {
            case MONTH -> prefix + timestamp.substring(0, 4) + "." + timestamp.substring(5, 7);
            case DAY -> prefix + timestamp.substring(0, 4) + "." + timestamp.substring(5, 7) + "."
                    + timestamp.substring(8, 10);
            case NONE -> prefix.substring(0, prefix.length() - 1);
        };
    }
}
