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

/** docs/schema.md and {@link Fields} list the same fields. */
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
        String doc = Files.readString(
                Path.of(System.getProperty("project.basedir", "."), "docs", "schema.md"), StandardCharsets.UTF_8);
        String table = doc.substring(doc.indexOf("## Fields"), doc.indexOf("## GitLab"));
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
}
