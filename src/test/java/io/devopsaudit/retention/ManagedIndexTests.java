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
