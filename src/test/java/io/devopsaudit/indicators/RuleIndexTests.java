/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.indicators;

import io.devopsaudit.TestSupport;
import io.devopsaudit.normalize.RecordBuilder;
import io.devopsaudit.schema.Fields;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The index that picks the rules an event is tested against (by provider and by the actions a rule requires) finds
 * exactly the rules that testing every rule one by one finds.
 */
public class RuleIndexTests extends OpenSearchTestCase {

    private static List<Rule> oneByOne(String provider, RecordBuilder record, SitePolicy policy) {
        List<Rule> hits = new ArrayList<>();
        for (Rule r : TestSupport.RULES.rules()) {
            if (r.matches(provider, record, policy)) hits.add(r);
        }
        return hits;
    }

    /** Every case of rule-cases.yml, as given, with its action upper-cased and without it, for each provider. */
    @SuppressWarnings("unchecked")
    public void testTheIndexFindsWhatTestingEveryRuleFinds() throws IOException {
        int compared = 0;
        int hits = 0;
        for (Object perRule : RuleCasesTests.cases().values()) {
            for (String kind : List.of("positive", "negative")) {
                for (Object c : (List<Object>) ((Map<String, Object>) perRule).get(kind)) {
                    Map<String, Object> fields = (Map<String, Object>) c;
                    if (fields.containsKey("policy")) continue; // the index does not depend on the policy
                    for (String provider : List.of("gitlab", "circleci", "elsewhere")) {
                        Object action = fields.get(Fields.EVENT_ACTION);
                        for (Object variant : new Object[] {
                            action, action == null ? null : action.toString().toUpperCase(Locale.ROOT), null
                        }) {
                            RecordBuilder record = new RecordBuilder();
                            record.put(Fields.EVENT_PROVIDER, provider);
                            for (Map.Entry<String, Object> e : fields.entrySet()) {
                                Object v = e.getValue();
                                record.put(
                                        e.getKey(),
                                        Fields.ARRAYS.contains(e.getKey()) && v instanceof List == false
                                                ? List.of(v)
                                                : v);
                            }
                            record.put(Fields.EVENT_ACTION, variant);
                            List<Rule> expected = oneByOne(provider, record, SitePolicy.DEFAULT);
                            assertEquals(
                                    provider + " " + fields,
                                    expected,
                                    TestSupport.RULES.matching(provider, record, SitePolicy.DEFAULT));
                            compared++;
                            hits += expected.size();
                        }
                    }
                }
            }
        }
        assertTrue(compared > 1000);
        assertTrue("the cases exercise matches, not only misses: " + hits, hits > 200);
    }

    public void testRequiredActions() {
        assertEquals(Set.of("a", "b"), RuleSet.requiredActions(Map.of("action", List.of("A", "b"))));
        assertEquals(
                Set.of("x"), RuleSet.requiredActions(Map.of("action", "x", "any_of", List.of(Map.of("exists", "y")))));
        assertEquals(
                "every group names actions: any of them",
                Set.of("a", "b", "c"),
                RuleSet.requiredActions(Map.of(
                        "any_of",
                        List.of(
                                Map.of("action", "a"),
                                Map.of("any_of", List.of(Map.of("action", List.of("b", "c"))))))));
        assertNull(
                "a group without an action can hold for any action",
                RuleSet.requiredActions(Map.of("any_of", List.of(Map.of("action", "a"), Map.of("exists", "y")))));
        assertNull(RuleSet.requiredActions(Map.of("in", Map.of("event.outcome", "failure"))));
        assertNull(RuleSet.requiredActions(Map.of("not_in", Map.of("event.action", "a"))));
    }

    public void testFewRulesAreTestedAgainstEveryEvent() {
        int general = 0;
        for (Rule r : TestSupport.RULES.rules()) {
            if (RuleSet.requiredActions(r.match()) == null) general++;
        }
        assertTrue("rules tested against every event: " + general, general <= 6);
    }
}
