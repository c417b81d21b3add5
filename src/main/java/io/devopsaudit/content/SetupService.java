/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import io.devopsaudit.schema.IndexNames;
import org.opensearch.ResourceNotFoundException;
import org.opensearch.action.admin.cluster.node.info.NodesInfoResponse;
import org.opensearch.action.admin.cluster.node.info.PluginsAndModules;
import org.opensearch.action.admin.indices.template.get.GetComposableIndexTemplateAction;
import org.opensearch.action.admin.indices.template.put.PutComposableIndexTemplateAction;
import org.opensearch.action.ingest.GetPipelineRequest;
import org.opensearch.action.ingest.GetPipelineResponse;
import org.opensearch.action.ingest.PutPipelineRequest;
import org.opensearch.cluster.metadata.ComposableIndexTemplate;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.xcontent.LoggingDeprecationHandler;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.ingest.IngestInfo;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Installs and reports the shipped content: the index templates (events, dead letters, investigation trail, health
 * records) and the ingest pipeline (and reports the ISM
 * policy). Content is read from the same JSON files users can apply by hand; setup only overlays the parameters
 * users commonly change. Every asset carries a {@code version}: GET reports current (installed version = shipped),
 * outdated, or missing. Blocking calls: run on a generic thread.
 */
public final class SetupService {

    static final String ALERTING_PLUGIN = "opensearch-alerting";

    private final Client client;

    public SetupService(Client client) {
        this.client = client;
    }

    /** Parsed content files, read once per node: they are part of the plugin and never change while it runs. */
    private static final Map<String, Map<String, Object>> CONTENT = new ConcurrentHashMap<>();

    /** A shipped content file, parsed once; read-only at every level (callers copy what they change). */
    public static Map<String, Object> resource(String file) {
        return CONTENT.computeIfAbsent(file, f -> (Map<String, Object>) readOnly(parse(f)));
    }

    @SuppressWarnings("unchecked")
    private static Object readOnly(Object node) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put((String) k, readOnly(v)));
            return Collections.unmodifiableMap(copy);
        }
        if (node instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            l.forEach(v -> copy.add(readOnly(v)));
            return Collections.unmodifiableList(copy);
        }
        return node;
    }

    private static Map<String, Object> parse(String file) {
        try (InputStream in = SetupService.class.getResourceAsStream(file)) {
            if (in == null) throw new IllegalStateException("content file [" + file + "] is missing from the plugin");
            try (XContentParser p = JsonXContent.jsonXContent.createParser(
                    NamedXContentRegistry.EMPTY, LoggingDeprecationHandler.INSTANCE, in)) {
                return p.mapOrdered();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read content file [" + file + "]", e);
        }
    }

    static BytesReference json(Map<String, Object> map) {
        try (XContentBuilder b = JsonXContent.contentBuilder()) {
            b.map(map);
            return BytesReference.bytes(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long version(Map<String, Object> content) {
        return ((Number) content.get("version")).longValue();
    }

    /** Installs or updates every asset; idempotent. */
    public List<SetupAsset> install(SetupParameters params) throws IOException {
        List<SetupAsset> report = new ArrayList<>();
        for (Map.Entry<String, String> t : TEMPLATES.entrySet()) {
            Map<String, Object> template = renderTemplate(t.getKey(), t.getValue(), params);
            putTemplate(t.getKey(), template);
            report.add(SetupAsset.of(t.getKey(), "index_template", "installed", version(template), null));
        }
        Map<String, Object> shipped = params.applyToPipeline(resource("ingest-pipeline.json"));
        NodesView nodes = nodesView(PipelineEnrichment.types(shipped));
        PipelineEnrichment.Result fitted = PipelineEnrichment.fit(shipped, nodes.processorTypes());
        client.admin()
                .cluster()
                .putPipeline(new PutPipelineRequest(IndexNames.PIPELINE, json(fitted.pipeline()), XContentType.JSON))
                .actionGet();
        report.add(SetupAsset.of(IndexNames.PIPELINE, "ingest_pipeline", "installed", version(shipped), null)
                .withEnrichmentSkipped(
                        List.copyOf(fitted.skipped()), PipelineEnrichment.reason(fitted.skipped(), "installed")));
        report.add(monitorsAsset(nodes.plugins(), params.notificationChannelId(), params.dashboardsUrl()));
        return report;
    }

    /** The configuration key in the {@code _meta} of the {@code devops-audit} template. */
    static final String STORED_KEY = "setup";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withStoredConfiguration(Map<String, Object> template, SetupParameters params) {
        Map<String, Object> copy = new LinkedHashMap<>(template);
        Map<String, Object> meta = new LinkedHashMap<>((Map<String, Object>) copy.getOrDefault("_meta", Map.of()));
        meta.put(STORED_KEY, params.toMap());
        copy.put("_meta", meta);
        return copy;
    }

    /** The index templates setup installs, by name, and the shipped file of each, in the order they are installed. */
    private static final Map<String, String> TEMPLATES = orderedMap(
            IndexNames.TEMPLATE, "index-template.json",
            IndexNames.DEAD_LETTER_TEMPLATE, "dead-letter-template.json",
            IndexNames.ACTIVITY_TEMPLATE, "activity-template.json",
            IndexNames.HEALTH_TEMPLATE, "health-template.json");

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) out.put(keysAndValues[i], keysAndValues[i + 1]);
        return java.util.Collections.unmodifiableMap(out);
    }

    /** The template's content as the shipped files and {@code params} render it, by template name. */
    private static Map<String, Object> renderTemplate(String name, String file, SetupParameters params) {
        Map<String, Object> t = params.applyToTemplate(resource(file));
        return name.equals(IndexNames.TEMPLATE) ? withStoredConfiguration(t, params) : t;
    }

    private ComposableIndexTemplate installedTemplate(String name) {
        try {
            return client.execute(
                            GetComposableIndexTemplateAction.INSTANCE,
                            new GetComposableIndexTemplateAction.Request(name))
                    .actionGet()
                    .indexTemplates()
                    .get(name);
        } catch (ResourceNotFoundException e) {
            return null; // a fresh cluster: reported as missing, not as an error (some versions answer 404)
        }
    }

    /**
     * The configuration the last {@code PUT _setup} stored (in the {@code _meta} of the {@code devops-audit} template),
     * or the defaults when setup never ran.
     */
    @SuppressWarnings("unchecked")
    public SetupParameters stored() {
        ComposableIndexTemplate installed = installedTemplate(IndexNames.TEMPLATE);
        if (installed == null || installed.metadata() == null) return SetupParameters.defaults();
        Object stored = installed.metadata().get(STORED_KEY);
        return stored instanceof Map<?, ?> m
                ? SetupParameters.parse((Map<String, Object>) m)
                : SetupParameters.defaults();
    }

    /**
     * Adds the fields of the current templates to every existing event and dead-letter index that lacks some (indices
     * created before a plugin upgrade: with strict mappings they would refuse every event carrying a new field), as the
     * caller. Mapping updates only add fields; an index whose fields conflict with the template keeps them and stays
     * listed as nonconforming.
     * @return the audit indices that still differ from their templates afterwards ({@link IndexConformance})
     */
    @SuppressWarnings("unchecked")
    public List<SetupIndex> updateIndexMappings(ClusterService clusterService) {
        Map<String, String> errors = new HashMap<>();
        for (IndexConformance.Report r : IndexConformance.check(
                        clusterService.state().metadata(), Instant.now())
                .values()) {
            if (r.missingFields().isEmpty()) continue;
            String file =
                    r.template().equals(IndexNames.TEMPLATE) ? "index-template.json" : "dead-letter-template.json";
            Map<String, Object> mappings =
                    (Map<String, Object>) ((Map<String, Object>) resource(file).get("template")).get("mappings");
            try {
                client.admin()
                        .indices()
                        .preparePutMapping(r.index())
                        .setSource(Map.of("properties", mappings.get("properties")))
                        .get();
            } catch (RuntimeException e) {
                errors.put(r.index(), String.valueOf(e.getMessage()));
            }
        }
        return indices(clusterService).stream()
                .map(i -> new SetupIndex(i.report(), errors.get(i.report().index())))
                .toList();
    }

    /** The event and dead-letter indices that differ from their templates: nonconforming, or lacking fields. */
    public static List<SetupIndex> indices(ClusterService clusterService) {
        List<SetupIndex> out = new ArrayList<>();
        IndexConformance.check(clusterService.state().metadata(), Instant.now())
                .values()
                .forEach(r -> out.add(new SetupIndex(r, null)));
        return out;
    }

    /**
     * What is installed, against what the stored configuration renders from the files this plugin version ships:
     * {@code current} when equal, {@code outdated} when the installed version differs, {@code modified} (with the
     * {@code differences}) when the version is the same but the content is not, {@code missing}.
     */
    @SuppressWarnings("unchecked")
    public List<SetupAsset> status() {
        SetupParameters params = stored();
        List<SetupAsset> report = new ArrayList<>();
        for (Map.Entry<String, String> t : TEMPLATES.entrySet()) {
            Map<String, Object> expected = renderTemplate(t.getKey(), t.getValue(), params);
            ComposableIndexTemplate installed = installedTemplate(t.getKey());
            report.add(compare(
                    t.getKey(),
                    "index_template",
                    installed == null ? null : installed.version(),
                    version(expected),
                    installed == null ? List.of() : SetupDifferences.template(expected, asMap(installed))));
        }
        Map<String, Object> shippedPipeline = params.applyToPipeline(resource("ingest-pipeline.json"));
        NodesView nodes = nodesView(PipelineEnrichment.types(shippedPipeline));
        PipelineEnrichment.Result fitted = PipelineEnrichment.fit(shippedPipeline, nodes.processorTypes());
        GetPipelineResponse pipelines = client.admin()
                .cluster()
                .getPipeline(new GetPipelineRequest(IndexNames.PIPELINE))
                .actionGet();
        Map<String, Object> installedPipeline = pipelines.pipelines().stream()
                .filter(p -> p.getId().equals(IndexNames.PIPELINE))
                .findFirst()
                .map(p -> p.getConfigAsMap())
                .orElse(null);
        SetupAsset pipelineAsset = compare(
                IndexNames.PIPELINE,
                "ingest_pipeline",
                installedPipeline == null
                        ? null
                        : installedPipeline.get("version") instanceof Number n ? n.longValue() : -1L,
                version(shippedPipeline),
                installedPipeline == null
                        ? List.of()
                        : SetupDifferences.pipeline(roundTrip(fitted.pipeline()), installedPipeline));
        if (installedPipeline != null) {
            String reason = PipelineEnrichment.reason(fitted.skipped(), "installed");
            pipelineAsset = pipelineAsset.withEnrichmentSkipped(
                    List.copyOf(fitted.skipped()), reason != null ? reason : pipelineAsset.reason());
        }
        report.add(pipelineAsset);
        report.add(monitorsAsset(nodes.plugins(), params.notificationChannelId(), params.dashboardsUrl()));
        return report;
    }

    private static Map<String, Object> asMap(ComposableIndexTemplate template) {
        try (XContentBuilder b = JsonXContent.contentBuilder()) {
            template.toXContent(b, org.opensearch.core.xcontent.ToXContent.EMPTY_PARAMS);
            return parseJson(BytesReference.bytes(b));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The map as OpenSearch would store and return it (numbers and nesting as JSON reads them back). */
    static Map<String, Object> roundTrip(Map<String, Object> map) {
        return parseJson(json(map));
    }

    private static Map<String, Object> parseJson(BytesReference bytes) {
        try (XContentParser p = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY, LoggingDeprecationHandler.INSTANCE, bytes.streamInput())) {
            return p.mapOrdered();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SetupAsset compare(
            String name, String type, Long installed, long shipped, List<String> differences) {
        String status = installed == null
                ? "missing"
                : installed != shipped ? "outdated" : differences.isEmpty() ? "current" : "modified";
        boolean modified = status.equals("modified");
        return new SetupAsset(
                name,
                type,
                status,
                shipped,
                true,
                installed,
                modified ? differences : null,
                modified
                        ? "the installed content differs from what the stored configuration renders; PUT _setup"
                                + " installs it again (with the stored configuration)"
                        : null,
                null);
    }

    /**
     * The Alerting monitors: like the ISM policy, reported with how to install them, since the Alerting plugin's API
     * is not callable in-process (and the plugin is not on Maven Central to build against).
     */
    private static SetupAsset monitorsAsset(Set<String> plugins, String channelId, String dashboardsUrl) {
        int count = MonitorContent.render(channelId, dashboardsUrl).size();
        String reason = plugins.contains(ALERTING_PLUGIN)
                ? "the Alerting plugin is installed; install the " + count
                        + " monitors with ./devops-audit install-monitors, or POST each monitor of "
                        + "GET _plugins/devops_audit/_content/monitors?notification_channel_id=<id> to _plugins/_alerting/monitors"
                : "the Alerting plugin is not installed on this cluster (" + count
                        + " monitors ship in content/monitors.json)";
        return SetupAsset.of(
                IndexNames.PREFIX + "-monitors",
                "alerting_monitors",
                "skipped",
                version(resource("monitors.json")),
                reason);
    }

    /** The plugins installed on any node, and which of the asked ingest processor types every node has. */
    record NodesView(Set<String> plugins, Set<String> processorTypes) {}

    /** One nodes-info call per setup or status (the ingest metric only when processor types are asked). */
    private NodesView nodesView(Set<String> processorTypes) {
        var request = client.admin().cluster().prepareNodesInfo().clear().addMetric("plugins");
        if (processorTypes.isEmpty() == false) request.addMetric("ingest");
        NodesInfoResponse info = request.get();
        Set<String> names = new HashSet<>();
        Set<String> everywhere = new HashSet<>(processorTypes);
        info.getNodes().forEach(n -> {
            n.getInfo(PluginsAndModules.class).getPluginInfos().forEach(p -> names.add(p.getName()));
            if (processorTypes.isEmpty() == false) {
                IngestInfo ingest = n.getInfo(IngestInfo.class);
                everywhere.removeIf(type -> ingest == null || ingest.containsProcessor(type) == false);
            }
        });
        return new NodesView(names, everywhere);
    }

    private void putTemplate(String name, Map<String, Object> content) throws IOException {
        ComposableIndexTemplate template;
        try (XContentParser p = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY,
                LoggingDeprecationHandler.INSTANCE,
                json(content).streamInput())) {
            template = ComposableIndexTemplate.parse(p);
        }
        client.execute(
                        PutComposableIndexTemplateAction.INSTANCE,
                        new PutComposableIndexTemplateAction.Request(name).indexTemplate(template))
                .actionGet();
    }
}
