/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.dedup;

import java.util.Locale;

/**
 * Indices are named by EVENT time, not ingest time — {@code <prefix>-<provider>-<yyyy.MM>} — so a duplicate that
 * arrives weeks later lands on the same {@code _id} in the same index, and retention can expire backfilled history
 * on its own schedule.
 */
public enum IndexName {
    MONTH, DAY, NONE;

    public static final String DEFAULT_PREFIX = "devops-audit";

    public static IndexName fromOption(String value) {
        for (IndexName g : values()) {
            if (g.name().toLowerCase(Locale.ROOT).equals(value)) return g;
        }
        return null;
    }

    /** @param timestamp the record's {@code @timestamp} ({@code yyyy-MM-ddTHH:mm:ss.SSSZ}) */
    public String of(String prefix, String provider, String timestamp) {
        return switch (this) {
            case MONTH -> prefix + "-" + provider + "-" + timestamp.substring(0, 4) + "." + timestamp.substring(5, 7);
            case DAY -> prefix + "-" + provider + "-" + timestamp.substring(0, 4) + "." + timestamp.substring(5, 7) + "." + timestamp.substring(8, 10);
            case NONE -> prefix + "-" + provider;
        };
    }
}
