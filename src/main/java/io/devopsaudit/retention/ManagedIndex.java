/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.retention;

import io.devopsaudit.schema.IndexNames;
import io.devopsaudit.schema.Provider;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * An index whose name says which period of EVENT time it holds: {@code devops-audit-<provider>-<yyyy.MM>} or
 * {@code -<yyyy.MM.dd>}, the dead-letter {@code devops-audit-failed-<yyyy.MM>} (ingest month), the investigation
 * trail {@code devops-audit-activity-<yyyy.MM>} (the month the investigations were made; kept like events) and the
 * health records' {@code devops-audit-health-<yyyy.MM>} (month written), and the GitLab request events'
 * {@code devops-audit-gitlab-requests-<yyyy.MM>} (event time; their own retention days). Anything else does not parse, and retention
 * never touches it.
 */
public record ManagedIndex(
        String name,
        boolean deadLetter,
        boolean activity,
        String provider,
        String period,
        Instant periodStart,
        Instant periodEnd) {

    /** @return the parsed index, or {@code null} when the name is not one retention manages */
    public static ManagedIndex parse(String name) {
        boolean deadLetter = name.startsWith(IndexNames.DEAD_LETTER_PREFIX);
        boolean activity = name.startsWith(IndexNames.ACTIVITY_PREFIX);
        Provider provider = null;
        String period;
        if (deadLetter) {
            period = name.substring(IndexNames.DEAD_LETTER_PREFIX.length());
        } else if (activity) {
            period = name.substring(IndexNames.ACTIVITY_PREFIX.length());
        } else if (name.startsWith(IndexNames.HEALTH_PREFIX)) {
            // health records are kept like events (the events' retention days), by the month they were written
            period = name.substring(IndexNames.HEALTH_PREFIX.length());
        } else if (name.startsWith(IndexNames.REQUESTS_PREFIX)) {
            provider = Provider.GITLAB;
            period = name.substring(IndexNames.REQUESTS_PREFIX.length());
        } else {
            for (Provider p : Provider.values()) {
                if (name.startsWith(IndexNames.eventPrefix(p))) provider = p;
            }
            if (provider == null) {
                return null;
            }
            period = name.substring(IndexNames.eventPrefix(provider).length());
        }
        LocalDate start;
        LocalDate end;
        try {
            if (period.length() == 7 && period.charAt(4) == '.') {
                start = LocalDate.of(
                        Integer.parseInt(period.substring(0, 4)), Integer.parseInt(period.substring(5, 7)), 1);
                end = start.plusMonths(1);
            } else if (period.length() == 10
                    && deadLetter == false
                    && activity == false
                    && period.charAt(4) == '.'
                    && period.charAt(7) == '.') {
                start = LocalDate.of(
                        Integer.parseInt(period.substring(0, 4)),
                        Integer.parseInt(period.substring(5, 7)),
                        Integer.parseInt(period.substring(8, 10)));
                end = start.plusDays(1);
            } else {
                return null;
            }
        } catch (NumberFormatException | DateTimeException e) {
            return null;
        }
        return new ManagedIndex(
                name,
                deadLetter,
                activity,
                provider == null ? null : provider.id(),
                period,
                start.atStartOfDay(ZoneOffset.UTC).toInstant(),
                end.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** Whether it holds GitLab request events (kept {@code request_days}). */
    public boolean requests() {
        return name.startsWith(IndexNames.REQUESTS_PREFIX);
    }

    /**
     * How retention and {@code GET _retention} name it: {@code events}, {@code requests}, {@code dead_letter},
     * {@code activity} or {@code health}.
     */
    public String kind() {
        if (requests()) return "requests";
        return deadLetter
                ? "dead_letter"
                : activity ? "activity" : name.startsWith(IndexNames.HEALTH_PREFIX) ? "health" : "events";
    }

    /** The whole period ended {@code days} ago at this instant (request indices: the default request days). */
    public Instant expiresAt(int days, int deadLetterDays) {
        return expiresAt(
                days,
                deadLetterDays,
                RetentionSettings.REQUEST_DAYS.getDefault(org.opensearch.common.settings.Settings.EMPTY));
    }

    /** The whole period ended {@code days} (dead letters, requests: their own days) ago at this instant. */
    public Instant expiresAt(int days, int deadLetterDays, int requestDays) {
        return periodEnd.plus(Duration.ofDays(deadLetter ? deadLetterDays : requests() ? requestDays : days));
    }

    public boolean expired(Instant now, int days, int deadLetterDays) {
        return now.isBefore(expiresAt(days, deadLetterDays)) == false;
    }

    public boolean expired(Instant now, int days, int deadLetterDays, int requestDays) {
        return now.isBefore(expiresAt(days, deadLetterDays, requestDays)) == false;
    }
}
