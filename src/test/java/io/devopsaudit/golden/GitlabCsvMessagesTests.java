/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.golden;

import io.devopsaudit.TestSupport;
import io.devopsaudit.classify.GitlabMessages;
import io.devopsaudit.classify.GitlabMessagesTestAccess;
import org.opensearch.test.OpenSearchTestCase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Every row of gitlab-csv-messages.tsv: the sentence built from its pattern, as a row of the UI CSV export, gives the
 * same event.action, audit.category and indicator classes as the API record of the same event; and the three sample
 * rows that used to be {@code audit_operation} equal their API twins.
 */
public class GitlabCsvMessagesTests extends OpenSearchTestCase {

    private static final String HEADER = "ID,Author ID,Author Name,Author Email,Entity ID,Entity Type,Entity Path,"
            + "Target ID,Target Type,Target Details,Action,IP Address,Created At (UTC)\n";

    public void testEveryTemplateMatchesItsApiTwin() {
        GitlabMessages messages = GitlabMessages.load();
        StringBuilder failures = new StringBuilder();
        for (GitlabMessages.Template t : messages.templates()) {
            String sentence = t.pattern();
            int i = 0;
            for (String name : t.names()) {
                sentence = sentence.replace("{" + name + "}", "v" + (++i) + "x");
            }
            GitlabMessages.Match match = messages.match(sentence);
            if (match == null || match.eventName().equals(t.eventName()) == false) {
                // an earlier row with the same sentence shape wins; its name must then be the same
                failures.append("\nline ")
                        .append(t.line())
                        .append(": [")
                        .append(sentence)
                        .append("] gave ")
                        .append(match);
                continue;
            }
            String csv = HEADER + "1,7,alice,alice@example.com,12,Project,acme/web,12,Project,acme/web,\""
                    + sentence.replace("\"", "\"\"") + "\",192.0.2.17,2024-03-01T09:00:00Z\n";
            String api = "{\"id\":1,\"author_id\":7,\"entity_id\":12,\"entity_type\":\"Project\",\"event_name\":\""
                    + t.eventName() + "\",\"details\":{\"custom_message\":" + json(sentence)
                    + ",\"target_id\":12,\"target_type\":\"Project\",\"target_details\":\"acme/web\",\"author_name\":\"alice\","
                    + "\"entity_path\":\"acme/web\",\"ip_address\":\"192.0.2.17\"},\"created_at\":\"2024-03-01T09:00:00.000Z\"}";
            List<String> a = summary(GoldenFileTests.run(csv, "gitlab_csv"));
            List<String> b = summary(GoldenFileTests.run(api, "gitlab_api"));
            if (a.equals(b) == false) {
                failures.append("\nline ")
                        .append(t.line())
                        .append(": csv ")
                        .append(a)
                        .append(" api ")
                        .append(b);
            }
        }
        assertEquals("templates whose CSV row differs from the API record:" + failures, 0, failures.length());
    }

    public void testEveryTemplateNamesACatalogueEvent() {
        for (GitlabMessages.Template t : GitlabMessages.load().templates()) {
            assertTrue(
                    "line " + t.line() + ": " + t.eventName() + " is not in gitlab-taxonomy.tsv",
                    TestSupport.TAXONOMY.classify("gitlab", t.eventName()).mapped());
        }
    }

    public void testTheSampleRowsEqualTheirApiTwins() {
        String[][] twins = {
            {
                "1005,99,mallory,mallory@example.org,99,User,mallory,4242,PersonalAccessToken,sync,"
                        + "Created personal access token with id 4242,198.51.100.23,2024-03-02T22:12:00Z",
                "personal_access_token_created",
                "credentials",
                "[persistent_access]"
            },
            {
                "1008,88,bob,bob@example.com,14,Project,acme/infra,5,Ci::Variable,AWS_SECRET_ACCESS_KEY,"
                        + "Changed variable protection from true to false,192.0.2.48,2024-03-04T11:00:00Z",
                "ci_variable_updated",
                "credentials",
                "[secret_exposure]"
            },
            {
                "1009,99,mallory,mallory@example.org,14,Project,acme/infra,14,Project,acme/infra,"
                        + "Profile file export was created,198.51.100.23,2024-03-04T23:00:00Z",
                "project_export_created",
                "data_export",
                "[exfiltration]"
            }
        };
        for (String[] twin : twins) {
            List<String> s = summary(GoldenFileTests.run(HEADER + twin[0] + "\n", "gitlab_csv"));
            assertEquals(twin[0], List.of(twin[1], twin[2], twin[3]), s);
        }
    }

    public void testMalformedPatternsFailNamingTheLine() {
        IllegalStateException e = expectThrows(
                IllegalStateException.class, () -> GitlabMessagesTestAccess.compile(7, "Created {a", "x_created"));
        assertTrue(e.getMessage(), e.getMessage().contains("line 7"));
        e = expectThrows(
                IllegalStateException.class, () -> GitlabMessagesTestAccess.compile(9, "{a}{b} x", "x_created"));
        assertTrue(e.getMessage(), e.getMessage().contains("line 9"));
        e = expectThrows(
                IllegalStateException.class, () -> GitlabMessagesTestAccess.compile(3, "Made it", "Not Snake"));
        assertTrue(e.getMessage(), e.getMessage().contains("line 3"));
    }

    public void testPatternTextIsLiteral() {
        GitlabMessages.Template t =
                GitlabMessagesTestAccess.compile(1, "Deleted a security exclusion with type ({t})", "x_deleted");
        assertTrue(t.regex()
                .matcher("Deleted a security exclusion with type (path)")
                .matches());
        assertFalse(
                t.regex().matcher("Deleted a security exclusion with type path").matches());
        assertFalse(t.regex()
                .matcher("Deleted a security exclusion with type (path) twice")
                .matches());
    }

    @SuppressWarnings("unchecked")
    private static List<String> summary(Map<String, Object> record) {
        Map<String, Object> event = (Map<String, Object>) record.get("event");
        Map<String, Object> audit = (Map<String, Object>) record.get("audit");
        Object indicators = audit.get("indicators");
        List<String> classes = new ArrayList<>();
        if (indicators instanceof List<?> l) {
            for (Object o : l) {
                classes.add(o instanceof Map<?, ?> m ? String.valueOf(m.get("class")) : String.valueOf(o));
            }
        }
        return List.of(
                String.valueOf(event.get("action")),
                String.valueOf(audit.get("category")),
                new TreeSet<>(classes).toString());
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
