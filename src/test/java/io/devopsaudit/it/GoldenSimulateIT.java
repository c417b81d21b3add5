/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.TestSupport;
import io.devopsaudit.golden.GoldenCases;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The golden files again, through {@code _ingest/pipeline/_simulate} on the real node with the installed plugin. */
public class GoldenSimulateIT extends DevopsAuditRestTestCase {

    @SuppressWarnings("unchecked")
    public void testSimulateGivesTheGoldenRecords() throws Exception {
        List<GoldenCases.Case> cases = GoldenCases.all();
        assertFalse(cases.isEmpty());
        List<String> mismatches = new ArrayList<>();
        for (GoldenCases.Case c : cases) {
            String body = "{\"pipeline\":{\"processors\":[{\"devops_audit\":{\"field\":\"message\",\"format\":\""
                    + c.format().id() + "\"}}]}," + "\"docs\":[{\"_source\":{\"message\":" + quote(c.text()) + "}}]}";
            Map<String, Object> result = call("POST", "/_ingest/pipeline/_simulate", body);
            Map<String, Object> doc =
                    (Map<String, Object>) ((Map<String, Object>) ((List<Object>) result.get("docs")).get(0)).get("doc");
            assertNotNull(c + ": " + result, doc);
            Map<String, Object> actual = GoldenCases.stable((Map<String, Object>) doc.get("_source"));
            Map<String, Object> expected = TestSupport.parseJson(GoldenCases.read(c.expected()));
            if (expected.equals(actual) == false) {
                mismatches.add(c + "\nexpected " + expected + "\nactual   " + actual);
            }
        }
        assertEquals(String.join("\n", mismatches), 0, mismatches.size());
    }

    static String quote(String s) {
        return io.devopsaudit.parse.JsonText.write(s);
    }
}
