/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.classify.DerivedActions;
import io.devopsaudit.classify.Taxonomy;
import io.devopsaudit.indicators.RuleSet;
import io.devopsaudit.indicators.SiteRules;
import io.devopsaudit.normalize.Normalizer;
import io.devopsaudit.parse.EventReader;
import io.devopsaudit.schema.Fields;
import io.devopsaudit.schema.IndexNames;
import org.opensearch.ingest.IngestDocument;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The loaded data files (taxonomy, derived actions, shipped and site rules) and parsers, built once per node and shared by the
 * processor factory and the import endpoint, which uses {@link #simulate} to explain failures and for dry runs.
 */
public final class AuditEngine {
    private final EventReader reader = new EventReader();
    private final Normalizer normalizer = new Normalizer(Taxonomy.load(), DerivedActions.load());
    private final RuleSet rules;
    /** The event-time and new-index bounds every processor of this node applies (dynamic settings). */
    private final IntakeBounds bounds = new IntakeBounds();

    private final DevopsAuditProcessor defaults;

    /** The shipped data files only (benchmarks and tests). */
    public AuditEngine() {
        this(null);
    }

    /**
     * The shipped data files plus the site's rule files below {@code configDir} ({@link SiteRules#DIR}); a bad site
     * file throws, naming the file and the rule, which fails the node start.
     */
    public AuditEngine(Path configDir) {
        RuleSet shipped = RuleSet.load();
        rules = configDir == null ? shipped : SiteRules.load(shipped, configDir);
        Map<String, Object> config = new HashMap<>(Map.of("field", "message", "use_document_if_missing", true));
        defaults = factory().create(null, "devops-audit-simulate", null, config);
    }

    public DevopsAuditProcessor.Factory factory() {
        return factory(null);
    }

    public IntakeBounds bounds() {
        return bounds;
    }

    /** The node's factory: its processors compare each copy with the stored event ({@code stored}). */
    public DevopsAuditProcessor.Factory factory(StoredEvents stored) {
        return new DevopsAuditProcessor.Factory(reader, normalizer, rules, bounds, stored);
    }

    /** Where the default processor sends the event, under which id, with its source's richness (its version). */
    public record Outcome(String index, String id, long richness, String error) {}

    public Outcome simulate(String raw, String instance) {
        return simulate(defaults, raw, instance, null);
    }

    /**
     * Runs {@code processor} in-process on one raw event as the intake sends it ({@code {"message": raw}}, with the
     * instance and the format the caller named, {@code null} for none), without comparing it with a stored copy.
     */
    public Outcome simulate(DevopsAuditProcessor processor, String raw, String instance, String format) {
        Map<String, Object> source = new HashMap<>();
        source.put("message", raw);
        if (instance != null) source.put(DevopsAuditProcessor.INSTANCE_FIELD, instance);
        if (format != null) source.put(DevopsAuditProcessor.FORMAT_FIELD, format);
        IngestDocument doc = new IngestDocument(IndexNames.INCOMING, null, null, null, null, source);
        try {
            processor.execute(doc);
            return new Outcome(
                    doc.getFieldValue("_index", String.class),
                    doc.getFieldValue("_id", String.class),
                    doc.getFieldValue("_version", Long.class),
                    null);
        } catch (RuntimeException e) {
            // the processor turns every failure into an IllegalArgumentException; anything else is still one
            // record's failure, never the request's
            return new Outcome(null, null, 0, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** The processor with the shipped options that {@link #simulate(String, String)} runs. */
    public DevopsAuditProcessor defaults() {
        return defaults;
    }

    /**
     * The first {@code devops_audit} processor of an ingest pipeline's configuration ({@code {"processors": [...]}}),
     * built in-process with that pipeline's options, or {@code null} when the pipeline has none. A bad option throws
     * the factory's exception, naming it.
     */
    @SuppressWarnings("unchecked")
    public DevopsAuditProcessor processorOf(String pipeline, Map<String, Object> pipelineConfig) {
        if (pipelineConfig.get("processors") instanceof List<?> processors) {
            for (Object p : processors) {
                if (p instanceof Map<?, ?> m && m.get(DevopsAuditProcessor.TYPE) instanceof Map<?, ?> options) {
                    Map<String, Object> config = new HashMap<>((Map<String, Object>) options);
                    // what the pipeline, not the processor, reads (ConfigurationUtils.readProcessor removes them)
                    for (String key : PIPELINE_PROCESSOR_KEYS) config.remove(key);
                    return factory().create(null, pipeline, null, config);
                }
            }
        }
        return null;
    }

    private static final List<String> PIPELINE_PROCESSOR_KEYS =
            List.of("tag", "description", "if", "on_failure", "ignore_failure");

    /**
     * The scope path ({@code audit.scope.path}) the processor gives one raw event, or {@code null} when the event has
     * none (an instance-level event). Reads and normalizes only, without the rules. Throws the processor's
     * {@link IllegalArgumentException} when the text is not an audit event.
     */
    public String scopePath(String raw) {
        Object path =
                normalizer.normalize(reader.read(raw, null, "message", null)).get(Fields.AUDIT_SCOPE_PATH);
        return path == null ? null : path.toString();
    }
}
