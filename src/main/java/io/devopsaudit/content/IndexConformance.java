/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import io.devopsaudit.retention.ManagedIndex;
import io.devopsaudit.retention.RetentionSettings;
import io.devopsaudit.schema.IndexNames;
import io.devopsaudit.schema.Provider;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.MappingMetadata;
import org.opensearch.cluster.metadata.Metadata;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Whether an existing event or dead-letter index still has what its template gives it. An audit index's shape is the
 * plugin's: a month index created by hand (or by a role that could create indices) with {@code _source} disabled, a
 * looser {@code dynamic}, other field types or a write block would silently lose evidence or divert it. Two kinds of
 * difference:
 * <ul>
 *   <li><b>nonconforming</b>: {@code _source} disabled, another {@code dynamic}, a field of another type, a field the
 *   template does not have, a read or read-only block, or a write block that retention's warm step did not set (the
 *   warm step blocks event months whose month ended more than {@code warm_after_days} ago; dead letters never). Intake
 *   counts every event that lands in, or is refused by, such an index as {@code nonconforming} ({@code BulkIntake}),
 *   and {@code GET _setup} lists the index.</li>
 *   <li><b>outdated</b>: fields of the current template the index lacks (it was created before a plugin upgrade);
 *   {@code PUT _setup} adds them to every existing index.</li>
 * </ul>
 */
public final class IndexConformance {
    private IndexConformance() {}

    /** At most this many differences are named per index; the rest are counted. */
    static final int MAX_NAMED = 10;

    /** The differences of one index: nonconforming ones and fields it lacks. */
    public record Report(String index, String template, List<String> nonconforming, List<String> missingFields) {
        public boolean conforms() {
            return nonconforming.isEmpty();
        }
    }

    /** The template file an audit index takes its shape from, or {@code null} when the index is no event or dead-letter index. */
    static String templateFile(String index) {
        if (index.startsWith(IndexNames.DEAD_LETTER_PREFIX)) return "dead-letter-template.json";
        for (Provider p : Provider.values()) {
            String prefix = IndexNames.eventPrefix(p);
            if (index.startsWith(prefix) || index.equals(prefix.substring(0, prefix.length() - 1))) {
                return "index-template.json";
            }
        }
        return null;
    }

    /**
     * Whether the index's template is installed: indices are judged once setup has installed the templates (before,
     * {@code GET _setup} reports the templates missing, and there is no shape the cluster was meant to give them).
     */
    static boolean judged(Metadata metadata, Report r) {
        return r != null && metadata.templatesV2().containsKey(r.template());
    }

    /** Every event and dead-letter index that differs from its template, by name. */
    public static Map<String, Report> check(Metadata metadata, Instant now) {
        int warmAfterDays = RetentionSettings.WARM_AFTER_DAYS.get(metadata.settings());
        Map<String, Report> out = new TreeMap<>();
        for (IndexMetadata index : metadata.indices().values()) {
            Report r = check(index, warmAfterDays, now);
            if (judged(metadata, r) == false) continue;
            if (r != null && (r.conforms() == false || r.missingFields().isEmpty() == false)) {
                out.put(r.index(), r);
            }
        }
        return out;
    }

    /** The nonconforming indices among {@code names} (names that are no audit index, or that conform, are left out). */
    public static Map<String, List<String>> nonconforming(Metadata metadata, Iterable<String> names, Instant now) {
        int warmAfterDays = RetentionSettings.WARM_AFTER_DAYS.get(metadata.settings());
        Map<String, List<String>> out = new TreeMap<>();
        for (String name : names) {
            IndexMetadata index = metadata.index(name);
            Report r = index == null ? null : check(index, warmAfterDays, now);
            if (judged(metadata, r) && r.conforms() == false) out.put(name, r.nonconforming());
        }
        return out;
    }

    /** One index against its template; {@code null} when it is no event or dead-letter index. */
    @SuppressWarnings("unchecked")
    static Report check(IndexMetadata index, int warmAfterDays, Instant now) {
        String name = index.getIndex().getName();
        String file = templateFile(name);
        if (file == null) return null;
        Map<String, Object> templateMappings = (Map<String, Object>)
                ((Map<String, Object>) SetupService.resource(file).get("template")).get("mappings");
        MappingMetadata mapping = index.mapping();
        Map<String, Object> actual = mapping == null ? Map.of() : mapping.sourceAsMap();
        List<String> differences = new ArrayList<>();
        List<String> missing = new ArrayList<>();

        if (actual.get("_source") instanceof Map<?, ?> source && Boolean.FALSE.equals(source.get("enabled"))) {
            differences.add("_source is disabled: stored events could not be read back or exported");
        }
        String dynamic = Objects.toString(templateMappings.get("dynamic"), "true");
        String actualDynamic = Objects.toString(actual.get("dynamic"), "true");
        if (dynamic.equals(actualDynamic) == false) {
            differences.add("mapping dynamic is [" + actualDynamic + "], the template's is [" + dynamic + "]");
        }
        Map<String, String> expected = new TreeMap<>();
        flatten("", (Map<String, Object>) templateMappings.get("properties"), expected);
        Map<String, String> found = new TreeMap<>();
        flatten("", (Map<String, Object>) actual.get("properties"), found);
        expected.forEach((field, type) -> {
            String got = found.get(field);
            if (got == null) {
                missing.add(field);
            } else if (got.equals(type) == false) {
                differences.add(
                        "field [" + field + "] is mapped as [" + got + "], the template maps it as [" + type + "]");
            }
        });
        found.keySet().stream()
                .filter(f -> expected.containsKey(f) == false)
                .forEach(f -> differences.add("field [" + f + "] is not in the template"));

        if (IndexMetadata.INDEX_BLOCKS_READ_SETTING.get(index.getSettings())) {
            differences.add("index.blocks.read is set");
        }
        if (IndexMetadata.INDEX_READ_ONLY_SETTING.get(index.getSettings())) {
            differences.add("index.blocks.read_only is set");
        }
        if (IndexMetadata.INDEX_BLOCKS_WRITE_SETTING.get(index.getSettings())
                && warmed(name, warmAfterDays, now) == false) {
            differences.add("index.blocks.write is set, and retention's warm step did not set it (warm_after_days: "
                    + (warmAfterDays < 0 ? "off" : warmAfterDays) + ")");
        }
        return new Report(
                name,
                file.equals("index-template.json") ? IndexNames.TEMPLATE : IndexNames.DEAD_LETTER_TEMPLATE,
                named(differences),
                named(missing));
    }

    /** Whether the warm step blocks this index: an event period that ended more than warm_after_days ago. */
    static boolean warmed(String name, int warmAfterDays, Instant now) {
        ManagedIndex m = ManagedIndex.parse(name);
        return warmAfterDays >= 0
                && m != null
                && m.deadLetter() == false
                && m.periodEnd().plus(Duration.ofDays(warmAfterDays)).isBefore(now);
    }

    private static List<String> named(List<String> all) {
        if (all.size() <= MAX_NAMED) return List.copyOf(all);
        List<String> out = new ArrayList<>(all.subList(0, MAX_NAMED));
        out.add("and " + (all.size() - MAX_NAMED) + " more");
        return List.copyOf(out);
    }

    /** Field path → type; objects are walked (an object without a type is one), multi-fields are not compared. */
    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> properties, Map<String, String> out) {
        if (properties == null) return;
        properties.forEach((name, value) -> {
            Map<String, Object> field = (Map<String, Object>) value;
            String path = prefix + name;
            Object type = field.get("type");
            if (field.get("properties") instanceof Map<?, ?> nested && (type == null || "object".equals(type))) {
                flatten(path + ".", (Map<String, Object>) nested, out);
            } else {
                out.put(path, type == null ? "object" : type.toString());
            }
        });
    }
}
