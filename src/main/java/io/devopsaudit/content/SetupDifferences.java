/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What differs between an installed asset and what the stored configuration renders, in sentences an admin can act
 * on: for a pipeline, which processors are missing or extra and which options of a processor differ; for a template,
 * which settings, mappings or metadata paths differ. Values are compared as JSON reads them back (OpenSearch returns
 * settings as strings), and an empty list or object counts as absent.
 */
final class SetupDifferences {

    /** Enough to see what changed without flooding the report when a whole asset was replaced. */
    static final int MAX = 20;

    private SetupDifferences() {}

    static List<String> template(Map<String, Object> expected, Map<String, Object> installed) {
        Map<String, String> want = flatten(expected);
        Map<String, String> have = flatten(installed);
        List<String> out = new ArrayList<>();
        Set<String> paths = new LinkedHashSet<>(want.keySet());
        paths.addAll(have.keySet());
        for (String path : paths) {
            String w = want.get(path);
            String h = have.get(path);
            if (Objects.equals(w, h)) continue;
            if (h == null) out.add("missing [" + path + "] (configured " + w + ")");
            else if (w == null) out.add("extra [" + path + "] (installed " + h + ")");
            else out.add("[" + path + "] is " + h + ", configured " + w);
        }
        return bounded(out);
    }

    @SuppressWarnings("unchecked")
    static List<String> pipeline(Map<String, Object> expected, Map<String, Object> installed) {
        Map<String, Map<String, Object>> want = processors(expected.get("processors"));
        Map<String, Map<String, Object>> have = processors(installed.get("processors"));
        List<String> out = new ArrayList<>();
        for (String id : want.keySet()) {
            if (have.containsKey(id) == false) out.add("missing processor " + id);
        }
        for (String id : have.keySet()) {
            if (want.containsKey(id) == false) out.add("extra processor " + id);
        }
        for (Map.Entry<String, Map<String, Object>> e : want.entrySet()) {
            Map<String, Object> h = have.get(e.getKey());
            if (h == null) continue;
            Set<String> options = new LinkedHashSet<>(e.getValue().keySet());
            options.addAll(h.keySet());
            for (String option : options) {
                String w = flattenValue(e.getValue().get(option));
                String got = flattenValue(h.get(option));
                if (Objects.equals(w, got)) continue;
                if (got == null)
                    out.add("processor " + e.getKey() + " lacks option [" + option + "] (configured " + w + ")");
                else if (w == null) out.add("processor " + e.getKey() + " has extra option [" + option + "] = " + got);
                else out.add("processor " + e.getKey() + " option [" + option + "] is " + got + ", configured " + w);
            }
        }
        if (Objects.equals(flattenValue(expected.get("on_failure")), flattenValue(installed.get("on_failure")))
                == false) {
            out.add(
                    installed.get("on_failure") == null
                            ? "missing pipeline on_failure handler"
                            : "pipeline on_failure differs");
        }
        return bounded(out);
    }

    /** Processors by identity: {@code type[tag]}, or {@code type#n} (the n-th of that type) when untagged. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> processors(Object list) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        if ((list instanceof List<?>) == false) return out;
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Object p : (List<?>) list) {
            if ((p instanceof Map<?, ?>) == false) continue;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) p).entrySet()) {
                String type = e.getKey().toString();
                Map<String, Object> config = e.getValue() instanceof Map<?, ?> c ? (Map<String, Object>) c : Map.of();
                String id = config.get("tag") instanceof String tag
                        ? type + "[" + tag + "]"
                        : type + "#" + seen.merge(type, 1, Integer::sum);
                out.put(id, config);
            }
        }
        return out;
    }

    private static List<String> bounded(List<String> out) {
        if (out.size() <= MAX) return out;
        List<String> cut = new ArrayList<>(out.subList(0, MAX));
        cut.add("... and " + (out.size() - MAX) + " more");
        return cut;
    }

    static Map<String, String> flatten(Map<String, Object> map) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", map, out);
        return out;
    }

    private static void flatten(String prefix, Object node, Map<String, String> out) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> flatten(prefix.isEmpty() ? k.toString() : prefix + "." + k, v, out));
        } else if (node instanceof Collection<?> c) {
            if (c.isEmpty() == false) out.put(prefix, flattenValue(c));
        } else if (node != null) {
            out.put(prefix, node.toString());
        }
    }

    /** A value as comparable text: leaves as strings (so 0 equals "0"), empty collections as absent. */
    private static String flattenValue(Object value) {
        if (value == null) return null;
        if (value instanceof Collection<?> c) {
            if (c.isEmpty()) return null;
            List<String> parts = new ArrayList<>();
            c.forEach(v -> parts.add(
                    v instanceof Map<?, ?> || v instanceof Collection<?>
                            ? String.valueOf(flattenAny(v))
                            : String.valueOf(v)));
            return parts.toString();
        }
        if (value instanceof Map<?, ?> m) {
            if (m.isEmpty()) return null;
            return flattenAny(m).toString();
        }
        return value.toString();
    }

    @SuppressWarnings("unchecked")
    private static Object flattenAny(Object v) {
        if (v instanceof Map<?, ?> m) return new java.util.TreeMap<>(flatten((Map<String, Object>) m));
        return flattenValue(v);
    }
}
