/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.retention;

import org.opensearch.test.OpenSearchTestCase;

import java.time.Instant;

public class ManagedIndexTests extends OpenSearchTestCase {

    public void testParsesEventMonthsDaysAndDeadLetterMonths() {
        ManagedIndex m = ManagedIndex.parse("devops-audit-gitlab-2019.03");
        assertEquals("gitlab", m.provider());
        assertFalse(m.deadLetter());
        assertEquals(Instant.parse("2019-03-01T00:00:00Z"), m.periodStart());
        assertEquals(Instant.parse("2019-04-01T00:00:00Z"), m.periodEnd());
        ManagedIndex d = ManagedIndex.parse("devops-audit-circleci-2024.02.29");
        assertEquals(Instant.parse("2024-03-01T00:00:00Z"), d.periodEnd());
        ManagedIndex f = ManagedIndex.parse("devops-audit-failed-2024.12");
        assertTrue(f.deadLetter());
        assertEquals(Instant.parse("2025-01-01T00:00:00Z"), f.periodEnd());
        assertEquals("dead_letter", f.kind());
        assertEquals("events", m.kind());
    }

    public void testTheInvestigationTrailIsKeptLikeEvents() {
        ManagedIndex a = ManagedIndex.parse("devops-audit-activity-2019.03");
        assertTrue(a.activity());
        assertFalse(a.deadLetter());
        assertNull(a.provider());
        assertEquals("activity", a.kind());
        assertEquals(Instant.parse("2019-04-01T00:00:00Z"), a.periodEnd());
        assertEquals("events' days, not the dead letters'", Instant.parse("2019-04-11T00:00:00Z"), a.expiresAt(10, 1));
        assertFalse(a.expired(Instant.parse("2019-04-10T23:59:59Z"), 10, 1));
        assertTrue(a.expired(Instant.parse("2019-04-11T00:00:00Z"), 10, 1));
        assertNull("months only", ManagedIndex.parse("devops-audit-activity-2019.03.01"));
        assertNull(ManagedIndex.parse("devops-audit-activity-2019.13"));
    }

    public void testRequestIndicesAreKeptTheirOwnDays() {
        ManagedIndex r = ManagedIndex.parse("devops-audit-gitlab-requests-2019.03");
        assertTrue(r.requests());
        assertEquals("gitlab", r.provider());
        assertEquals("requests", r.kind());
        assertEquals("2019.03", r.period());
        assertEquals(Instant.parse("2019-04-01T00:00:00Z"), r.periodEnd());
        assertEquals("request days, not the events'", Instant.parse("2019-04-04T00:00:00Z"), r.expiresAt(10, 1, 3));
        assertFalse(r.expired(Instant.parse("2019-04-03T23:59:59Z"), 10, 1, 3));
        assertTrue(r.expired(Instant.parse("2019-04-04T00:00:00Z"), 10, 1, 3));
        assertEquals("90 days by default", Instant.parse("2019-06-30T00:00:00Z"), r.expiresAt(10, 1));
        ManagedIndex e = ManagedIndex.parse("devops-audit-gitlab-2019.03");
        assertFalse(e.requests());
        assertEquals("events keep theirs", Instant.parse("2019-04-11T00:00:00Z"), e.expiresAt(10, 1, 3));
        assertNull(ManagedIndex.parse("devops-audit-gitlab-requests-2019.13"));
    }

    public void testNamesItCannotParseAreNeverManaged() {
        for (String name : new String[] {
            "devops-audit-gitlab",
            "devops-audit-gitlab-2019.13",
            "devops-audit-gitlab-2019.02.30",
            "devops-audit-jenkins-2019.01",
            "devops-audit-gitlab-2019-01",
            "devops-audit-failed-2019.01.01",
            "audit-gitlab-2019.01",
            "devops-audit-gitlab-2019.01-restored",
            ".devops-audit-state",
            "devops-audit-gitlab-abcd.ef"
        }) {
            assertNull(name, ManagedIndex.parse(name));
        }
    }

    public void testExpiryCountsFromTheEndOfTheWholePeriod() {
        ManagedIndex m = ManagedIndex.parse("devops-audit-gitlab-2019.01");
        // the whole of January 2019 must be older than 30 days: expires 30 days after Feb 1st
        assertEquals(Instant.parse("2019-03-03T00:00:00Z"), m.expiresAt(30, 7));
        assertFalse(m.expired(Instant.parse("2019-03-02T23:59:59Z"), 30, 7));
        assertTrue(m.expired(Instant.parse("2019-03-03T00:00:00Z"), 30, 7));
        ManagedIndex f = ManagedIndex.parse("devops-audit-failed-2019.01");
        assertEquals("dead letters use their own days", Instant.parse("2019-02-08T00:00:00Z"), f.expiresAt(30, 7));
    }
}
