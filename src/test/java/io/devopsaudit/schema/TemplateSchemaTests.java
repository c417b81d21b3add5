/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.schema;

import io.devopsaudit.TestSupport;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shipped index template maps exactly the fields of {@link Fields} and {@link EnrichedFields} (and so of
 * docs/schema.md).
 */
public class TemplateSchemaTests extends OpenSearchTestCase {

    @SuppressWarnings("unchecked")
    static Map<String, Object> template() throws IOException {
        try (InputStream in = Fields.class.getResourceAsStream("/io/devopsaudit/content/index-template.json")) {
            return TestSupport.parseJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @SuppressWarnings("unchecked")
    static void leaves(String prefix, Map<String, Object> properties, Set<String> out) {
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            Map<String, Object> def = (Map<String, Object>) e.getValue();
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (def.get("properties") instanceof Map<?, ?> p) {
                leaves(path, (Map<String, Object>) p, out);
            } else {
                out.add(path);
            }
        }
    }

    @SuppressWarnings("unchecked")
    public void testTemplateMapsExactlyTheSchemaFields() throws IOException {
        Map<String, Object> mappings =
                (Map<String, Object>) ((Map<String, Object>) template().get("template")).get("mappings");
        assertEquals("strict", mappings.get("dynamic"));
        Set<String> mapped = new TreeSet<>();
        leaves("", (Map<String, Object>) mappings.get("properties"), mapped);
        Set<String> expected = new TreeSet<>(Fields.ALL);
        expected.addAll(EnrichedFields.ALL);
        assertEquals(expected, mapped);
    }
}
