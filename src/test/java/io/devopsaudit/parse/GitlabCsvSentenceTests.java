/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.parse;

import org.opensearch.test.OpenSearchTestCase;

import java.util.HashMap;
import java.util.Map;

/**
 * The CSV export's Action sentence read back into GitLab's details, for the sentences Audit::Details.humanize writes
 * around the access-level change (its spec, ee/spec/lib/audit/details_spec.rb, pins these exact texts) and the clauses
 * it adds for impersonation and system jobs.
 */
public class GitlabCsvSentenceTests extends OpenSearchTestCase {

    private static Map<String, Object> details(String sentence) {
        Map<String, Object> wrapper = new HashMap<>();
        Map<String, Object> d = GitlabCsvParser.humanizedDetails(GitlabCsvParser.unwrap(sentence, wrapper));
        d.putAll(wrapper);
        return d;
    }

    public void testAccessLevelWithExpiryChanging() {
        Map<String, Object> d = details(
                "Changed access level from Maintainer to Reporter with expiry changing from 2020-01-03 to 2020-01-04");
        assertEquals("access_level", d.get("change"));
        assertEquals("Maintainer", d.get("from"));
        assertEquals("Reporter", d.get("to"));
        assertEquals("2020-01-03", d.get("expiry_from"));
        assertEquals("2020-01-04", d.get("expiry_to"));
    }

    public void testAccessLevelWithExpiryUnchangedAndLabels() {
        Map<String, Object> d = details("Changed access level from Default role: Developer to Default role: Maintainer"
                + " with expiry remaining unchanged at never expires");
        assertEquals("access_level", d.get("change"));
        assertEquals("Default role: Developer", d.get("from"));
        assertEquals("Default role: Maintainer", d.get("to"));
        assertTrue(d.containsKey("expiry_to"));
        assertNull("never expires is no date", d.get("expiry_to"));
    }

    public void testAccessLevelToNeverExpires() {
        Map<String, Object> d = details(
                "Changed access level from Maintainer to Reporter with expiry changing from 2020-01-03 to never expires");
        assertEquals("Reporter", d.get("to"));
        assertEquals("2020-01-03", d.get("expiry_from"));
        assertNull(d.get("expiry_to"));
    }

    public void testAccessLevelWithoutExpiryClause() {
        // events recorded before GitLab wrote expiry details
        Map<String, Object> d = details("Changed access level from Developer to Custom role: Security Admin");
        assertEquals("Developer", d.get("from"));
        assertEquals("Custom role: Security Admin", d.get("to"));
    }

    public void testImpersonationAndSystemJobClauses() {
        Map<String, Object> d = details("Added user access as Default role: Owner (by root)");
        assertEquals("root", d.get("impersonated_by"));
        assertEquals("Default role: Owner", d.get("as"));
        d = details("Removed user access via system job. Reason: membership expired");
        assertEquals("true", d.get("system_event"));
        assertEquals("membership expired", d.get("reason"));
        assertEquals("user access", d.get("remove"));
        // a sentence that merely ends in parentheses is not an impersonation
        d = details("Changed name from a (b) to c (d e)");
        assertNull(d.get("impersonated_by"));
    }
}
