/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.classify;

import org.opensearch.test.OpenSearchTestCase;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Template matching reads the sentence of a GitLab CSV row, an untrusted cell. It is done with the template's literal
 * texts, in one pass, and must give exactly what the template's regular expression gives.
 */
public class GitlabMessagesMatchTests extends OpenSearchTestCase {

    private static final GitlabMessages MESSAGES = GitlabMessages.load();

    /** The regular expression's answer: the groups of a whole match, or null. */
    private static List<String> byRegex(GitlabMessages.Template t, String sentence) {
        Matcher m = t.regex().matcher(sentence);
        if (m.matches() == false) {
            return null;
        }
        List<String> groups = new ArrayList<>();
        for (int i = 1; i <= m.groupCount(); i++) {
            groups.add(m.group(i));
        }
        return groups;
    }

    /**
     * Sentences made of the template's own literals, pieces of them and short fillers, in random order and number, so
     * that many almost match and many match in more than one way.
     */
    public void testLiteralMatchingAgreesWithTheRegex() {
        int matched = 0;
        for (int i = 0; i < 20_000; i++) {
            GitlabMessages.Template t = randomFrom(MESSAGES.templates());
            List<String> literals = t.literals();
            StringBuilder sb = new StringBuilder();
            if (randomBoolean()) sb.append(literals.get(0));
            for (int k = between(0, 2 * literals.size() + 1); k > 0; k--) {
                String literal = randomFrom(literals);
                switch (between(0, 3)) {
                    case 0 -> sb.append(literal);
                    case 1 -> sb.append(literal, 0, between(0, literal.length()));
                    case 2 -> sb.append(randomFrom("a", "/", " ", "x y", "\n", "from", " to "));
                    default -> sb.append(randomAlphaOfLengthBetween(0, 3));
                }
            }
            if (randomBoolean()) sb.append(literals.get(literals.size() - 1));
            String sentence = sb.toString();
            List<String> expected = byRegex(t, sentence);
            assertEquals(t.pattern() + " on [" + sentence + "]", expected, t.values(sentence));
            if (expected != null) matched++;
        }
        assertTrue("too few matching sentences to compare groups: " + matched, matched > 1000);
    }

    public void testEveryTemplateReadsBackItsOwnFilledSentence() {
        for (GitlabMessages.Template t : MESSAGES.templates()) {
            StringBuilder sb = new StringBuilder(t.literals().get(0));
            List<String> values = new ArrayList<>();
            for (int i = 1; i < t.literals().size(); i++) {
                String v = "v" + i;
                values.add(v);
                sb.append(v).append(t.literals().get(i));
            }
            assertEquals(t.pattern(), values, t.values(sb.toString()));
            assertEquals(t.pattern(), values, byRegex(t, sb.toString()));
        }
    }

    /**
     * A 1 MiB sentence that almost matches the three-placeholder template "Self-hosted model {model_name}/{model}/
     * {endpoint} created". The regular expression backtracks over every split of the slashes (cubic: 2,000 characters
     * took 49 s), so this test would not finish; matched with the literals it is one scan per template.
     */
    public void testAlmostMatchingLongSentenceIsOnePass() {
        int n = 1 << 20;
        assertNull(MESSAGES.match("Self-hosted model " + "/".repeat(n) + " create"));
        assertNull(MESSAGES.match("Changed DAST scanner profile " + " from".repeat(n / 5) + " t"));
        GitlabMessages.Match m = MESSAGES.match("Self-hosted model " + "/".repeat(n) + " created");
        assertNotNull(m);
        assertEquals("/", m.details().get("model_name"));
        assertEquals("/", m.details().get("model"));
        assertEquals("/".repeat(n - 4), m.details().get("endpoint"));
    }
}
