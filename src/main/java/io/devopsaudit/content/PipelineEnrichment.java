/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The enrichment steps of the shipped pipeline, and what setup does when a cluster cannot run them.
 *
 * <p>A top-level processor whose {@code tag} is {@code enrich/<type>} or {@code enrich/<type>/...} belongs to the
 * enrichment that needs the ingest processor {@code <type>} (the {@code geoip} processor of the ingest-geoip
 * module, {@code user_agent} of ingest-user-agent; the renames after the ASN lookup are tagged {@code enrich/geoip/...}
 * because they only make sense after it). OpenSearch refuses a whole pipeline that names a processor some node lacks,
 * and a minimal distribution ships without those modules; events are worth more unenriched than not ingested, so
 * setup installs the pipeline without the steps whose processor is missing on any node, and says so in its report.
 * Every other processor (the {@code devops_audit} processor itself, {@code set}, {@code date_index_name}) stays:
 * without one of those the pipeline is useless and the put fails with OpenSearch's own error.
 */
final class PipelineEnrichment {

    static final String TAG_PREFIX = "enrich/";

    /** The OpenSearch module that provides each enrichment processor, for the report. */
    static final Map<String, String> MODULES = Map.of("geoip", "ingest-geoip", "user_agent", "ingest-user-agent");

    /** The pipeline to install, and the enrichment processor types left out of it. */
    record Result(Map<String, Object> pipeline, Set<String> skipped) {}

    private PipelineEnrichment() {}

    /** The processor type an enrichment tag names, or null when the processor is not an enrichment step. */
    static String enrichmentType(Map<?, ?> wrapper) {
        for (Object config : wrapper.values()) {
            if (config instanceof Map<?, ?> c && c.get("tag") instanceof String tag && tag.startsWith(TAG_PREFIX)) {
                String rest = tag.substring(TAG_PREFIX.length());
                int slash = rest.indexOf('/');
                return slash < 0 ? rest : rest.substring(0, slash);
            }
        }
        return null;
    }

    /** Every enrichment type the pipeline uses, in pipeline order. */
    @SuppressWarnings("unchecked")
    static Set<String> types(Map<String, Object> pipeline) {
        Set<String> types = new LinkedHashSet<>();
        for (Object p : (List<Object>) pipeline.get("processors")) {
            String type = enrichmentType((Map<?, ?>) p);
            if (type != null) types.add(type);
        }
        return types;
    }

    /** Drops the enrichment steps whose processor type is not in {@code available} (the types every node has). */
    @SuppressWarnings("unchecked")
    static Result fit(Map<String, Object> pipeline, Set<String> available) {
        Set<String> skipped = new LinkedHashSet<>();
        List<Object> kept = new ArrayList<>();
        for (Object p : (List<Object>) pipeline.get("processors")) {
            String type = enrichmentType((Map<?, ?>) p);
            if (type != null && available.contains(type) == false) {
                skipped.add(type);
            } else {
                kept.add(p);
            }
        }
        if (skipped.isEmpty()) return new Result(pipeline, skipped);
        Map<String, Object> copy = new LinkedHashMap<>(pipeline);
        copy.put("processors", kept);
        return new Result(copy, skipped);
    }

    /** The report's sentence for enrichment left out, or null when nothing was. */
    static String reason(Set<String> skipped, String verb) {
        if (skipped.isEmpty()) return null;
        List<String> parts = new ArrayList<>();
        for (String type : skipped) {
            parts.add("[" + type + "] (module " + MODULES.getOrDefault(type, "?") + ")");
        }
        return verb + " without enrichment by " + String.join(", ", parts)
                + ": that processor is not available on every node, so its fields (docs/schema.md, 'Added by the"
                + " shipped pipeline') stay empty; add the module to every node and run _setup again";
    }
}
