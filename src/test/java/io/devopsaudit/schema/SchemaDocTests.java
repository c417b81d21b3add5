/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.schema;

import org.opensearch.test.OpenSearchTestCase;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** docs/schema.md lists the fields of {@link Fields}, and in its own section those of {@link EnrichedFields}. */
public class SchemaDocTests extends OpenSearchTestCase {

    static Set<String> fieldNamesInCode() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Field f : Fields.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers())
                    && f.getType() == String.class
                    && f.getName().startsWith("KIND_") == false
                    && f.getName().startsWith("OUTCOME_") == false) {
                names.add((String) f.get(null));
            }
        }
        return names;
    }

    static Set<String> fieldNamesInDoc() throws Exception {
        return fieldNamesInDoc("## Fields", "## Added by the shipped pipeline");
    }

    static Set<String> fieldNamesInDoc(String section, String nextSection) throws Exception {
        String doc = Files.readString(
                Path.of(System.getProperty("project.basedir", "."), "docs", "schema.md"), StandardCharsets.UTF_8);
        assertTrue(
                section + " and " + nextSection + " in docs/schema.md",
                doc.contains(section) && doc.contains(nextSection));
        String table = doc.substring(doc.indexOf(section), doc.indexOf(nextSection));
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `([^`]+)` \\|").matcher(table);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    public void testDocListsExactlyTheFieldsOfTheCode() throws Exception {
        Set<String> code = fieldNamesInCode();
        Set<String> doc = fieldNamesInDoc();
        List<String> missingInDoc = new ArrayList<>(code);
        missingInDoc.removeAll(doc);
        List<String> unknownInDoc = new ArrayList<>(doc);
        unknownInDoc.removeAll(code);
        assertEquals("fields in Fields.java but not in docs/schema.md", List.of(), missingInDoc);
        assertEquals("fields in docs/schema.md but not in Fields.java", List.of(), unknownInDoc);
        assertTrue(code.size() > 40);
    }

    public void testDocListsExactlyThePipelineEnrichmentFields() throws Exception {
        Set<String> doc = fieldNamesInDoc("## Added by the shipped pipeline", "## GitLab");
        assertEquals(
                "docs/schema.md, section 'Added by the shipped pipeline', against EnrichedFields.java",
                EnrichedFields.ALL,
                doc);
    }
}
