/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import io.devopsaudit.TestSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads the shipped monitors, saved objects and template mappings for the content tests (unit and real node). */
public final class ContentFiles {
    private ContentFiles() {}

    public static Path base() {
        return Path.of(System.getProperty("project.basedir", "."));
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> monitors() {
        return (List<Map<String, Object>>)
                SetupService.resource("monitors.json").get("monitors");
    }

    public static List<Map<String, Object>> savedObjects() {
        try {
            List<Map<String, Object>> out = new ArrayList<>();
            for (String line :
                    Files.readAllLines(base().resolve("dashboards/devops-audit.ndjson"), StandardCharsets.UTF_8)) {
                if (line.isBlank() == false) out.add(TestSupport.parseJsonOrdered(line));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Field name to mapping type (sub-fields included, e.g. audit.message.keyword) of a shipped template. */
    @SuppressWarnings("unchecked")
    public static Map<String, String> fieldTypes(String templateFile) {
        Map<String, Object> mappings = (Map<String, Object>)
                ((Map<String, Object>) SetupService.resource(templateFile).get("template")).get("mappings");
        Map<String, String> out = new TreeMap<>();
        collect("", (Map<String, Object>) mappings.get("properties"), out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void collect(String prefix, Map<String, Object> props, Map<String, String> out) {
        for (Map.Entry<String, Object> e : props.entrySet()) {
            Map<String, Object> def = (Map<String, Object>) e.getValue();
            String path = prefix + e.getKey();
            if (def.get("properties") instanceof Map<?, ?> p) {
                collect(path + ".", (Map<String, Object>) p, out);
                continue;
            }
            boolean aggregatable = Boolean.FALSE.equals(def.get("doc_values")) == false
                    && Boolean.FALSE.equals(def.get("index")) == false;
            out.put(path, aggregatable ? (String) def.get("type") : def.get("type") + "(not aggregatable)");
            if (def.get("fields") instanceof Map<?, ?> sub) {
                for (Map.Entry<?, ?> s : sub.entrySet()) {
                    out.put(path + "." + s.getKey(), (String) ((Map<String, Object>) s.getValue()).get("type"));
                }
            }
        }
    }

    public static boolean aggregatable(String type) {
        return type != null
                && type.equals("text") == false
                && type.equals("flat_object") == false
                && type.endsWith("(not aggregatable)") == false;
    }
}
