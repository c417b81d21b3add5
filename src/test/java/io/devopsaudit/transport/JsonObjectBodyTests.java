/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.test.OpenSearchTestCase;

import java.util.Map;

import static org.hamcrest.Matchers.startsWith;

public class JsonObjectBodyTests extends OpenSearchTestCase {
    private static Map<String, Object> read(String body) {
        return JsonObjectBody.read(new BytesArray(body), XContentType.JSON);
    }

    public void testAnObjectIsItsParameters() {
        assertEquals(Map.of("scope", "acme"), read("{\"scope\": \"acme\"}"));
    }

    public void testJsonThatIsNoObjectNamesWhatWasFound() {
        for (String body : new String[] {"null", "[1]", "5", "\"x\""}) {
            IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> read(body));
            assertThat(body, e.getMessage(), startsWith("the request body must be a JSON object, found "));
        }
    }

    public void testBrokenJsonIsAnIllegalArgument() {
        for (String body : new String[] {"{\"scope\": ", "not json", "{scope: 1}"}) {
            IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> read(body));
            assertThat(body, e.getMessage(), startsWith("the request body is not valid JSON"));
        }
    }
}
