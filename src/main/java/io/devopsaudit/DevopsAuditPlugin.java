/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit;

import io.devopsaudit.collect.CollectorService;
import io.devopsaudit.collect.CollectorTokens;
import io.devopsaudit.collect.DeleteCollectorAction;
import io.devopsaudit.collect.GetCollectorAction;
import io.devopsaudit.collect.PutCollectorAction;
import io.devopsaudit.collect.RunCollectorAction;
import io.devopsaudit.content.GetContentAction;
import io.devopsaudit.content.GetSetupAction;
import io.devopsaudit.content.PutSetupAction;
import io.devopsaudit.health.DestinationSilence;
import io.devopsaudit.ingest.AuditEngine;
import io.devopsaudit.ingest.DevopsAuditProcessor;
import io.devopsaudit.ingest.StoredEvents;
import io.devopsaudit.intake.DeleteDestinationAction;
import io.devopsaudit.intake.DestinationService;
import io.devopsaudit.intake.DestinationTokens;
import io.devopsaudit.intake.GetDestinationAction;
import io.devopsaudit.intake.ImportAction;
import io.devopsaudit.intake.IntakeSettings;
import io.devopsaudit.intake.PutDestinationAction;
import io.devopsaudit.intake.StreamAction;
import io.devopsaudit.intake.StreamingToken;
import io.devopsaudit.investigate.AccessReportAction;
import io.devopsaudit.investigate.AccessRollupService;
import io.devopsaudit.investigate.ActivityTrail;
import io.devopsaudit.investigate.ContextAction;
import io.devopsaudit.investigate.Export;
import io.devopsaudit.investigate.ExportAction;
import io.devopsaudit.investigate.Pseudonyms;
import io.devopsaudit.investigate.RunAccessRollupAction;
import io.devopsaudit.rest.RestContentAction;
import io.devopsaudit.rest.RestIntakeActions;
import io.devopsaudit.rest.RestInvestigateActions;
import io.devopsaudit.rest.RestNamedObjectsAction;
import io.devopsaudit.rest.RestRetentionAction;
import io.devopsaudit.rest.RestRunCollectorAction;
import io.devopsaudit.rest.RestSetupAction;
import io.devopsaudit.retention.GetRetentionAction;
import io.devopsaudit.retention.PutRetentionAction;
import io.devopsaudit.retention.RetentionService;
import io.devopsaudit.retention.RetentionSettings;
import io.devopsaudit.retention.RunRetentionAction;
import io.devopsaudit.schema.IndexNames;
import org.opensearch.action.ActionRequest;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.node.DiscoveryNodes;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.IndexScopedSettings;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.settings.SettingsFilter;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.env.Environment;
import org.opensearch.env.NodeEnvironment;
import org.opensearch.indices.SystemIndexDescriptor;
import org.opensearch.ingest.Processor;
import org.opensearch.plugins.ActionPlugin;
import org.opensearch.plugins.IngestPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.ReloadablePlugin;
import org.opensearch.plugins.SystemIndexPlugin;
import org.opensearch.repositories.RepositoriesService;
import org.opensearch.rest.RestController;
import org.opensearch.rest.RestHandler;
import org.opensearch.script.ScriptService;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;
import org.opensearch.watcher.ResourceWatcherService;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Entry point: the {@code devops_audit} ingest processor, retention by event time, import and streaming, and the REST endpoints. */
public class DevopsAuditPlugin extends Plugin
        implements IngestPlugin, ActionPlugin, SystemIndexPlugin, ReloadablePlugin {

    private RetentionService retention;
    private AccessRollupService rollups;
    private CollectorService collectors;
    private final CollectorTokens collectorTokens = new CollectorTokens();
    private final StreamingToken streamingToken = new StreamingToken();
    private final DestinationTokens destinationTokens = new DestinationTokens(streamingToken);
    private final Pseudonyms pseudonyms = new Pseudonyms();
    private AuditEngine engine;

    /**
     * Data files, the site's rule files in {@code <config>/devops-audit/rules/} included, are read once per node; a
     * malformed one fails the node start with a message naming it. Both callers (the ingest service, then
     * createComponents) pass the node's environment, so whichever comes first loads it.
     */
    private synchronized AuditEngine engine(Environment environment) {
        if (engine == null) {
            engine = new AuditEngine(environment.configDir());
        }
        return engine;
    }

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        return Map.of(
                DevopsAuditProcessor.TYPE,
                engine(parameters.env).factory(StoredEvents.of(parameters.client, parameters.threadContext)));
    }

    @Override
    public Collection<Object> createComponents(
            Client client,
            ClusterService clusterService,
            ThreadPool threadPool,
            ResourceWatcherService resourceWatcherService,
            ScriptService scriptService,
            NamedXContentRegistry xContentRegistry,
            Environment environment,
            NodeEnvironment nodeEnvironment,
            NamedWriteableRegistry namedWriteableRegistry,
            IndexNameExpressionResolver indexNameExpressionResolver,
            Supplier<RepositoriesService> repositoriesServiceSupplier) {
        retention = new RetentionService(client, clusterService, threadPool);
        streamingToken.load(environment.settings());
        pseudonyms.load(environment.settings());
        collectorTokens.load(environment.settings());
        collectors = new CollectorService(client, clusterService, threadPool, collectorTokens, engine(environment));
        IntakeSettings.wire(clusterService, engine(environment).bounds());
        ActivityTrail trail = new ActivityTrail(client, threadPool, clusterService);
        destinationTokens.load(environment.settings());
        DestinationService destinations = new DestinationService(client, clusterService, threadPool, destinationTokens);
        rollups = new AccessRollupService(client, clusterService, threadPool);
        return List.of(
                retention,
                rollups,
                engine(environment),
                streamingToken,
                pseudonyms,
                collectors,
                trail,
                destinations,
                new DestinationSilence());
    }

    @Override
    public void reload(Settings settings) {
        streamingToken.load(settings);
        pseudonyms.load(settings);
        collectorTokens.load(settings);
        destinationTokens.load(settings);
    }

    @Override
    public List<Setting<?>> getSettings() {
        List<Setting<?>> all = new ArrayList<>(RetentionSettings.all());
        all.addAll(IntakeSettings.all());
        all.add(StreamingToken.SETTING);
        all.add(Pseudonyms.KEY);
        all.add(Export.MAX_EVENTS);
        all.add(CollectorTokens.SETTING);
        all.add(CollectorTokens.HOST_SETTING);
        all.add(DestinationTokens.SETTING);
        all.add(DestinationSilence.SILENCE);
        all.addAll(AccessRollupService.settings());
        return all;
    }

    @Override
    public List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> getActions() {
        return List.of(
                new ActionHandler<>(PutSetupAction.INSTANCE, PutSetupAction.TransportAction.class),
                new ActionHandler<>(GetSetupAction.INSTANCE, GetSetupAction.TransportAction.class),
                new ActionHandler<>(GetContentAction.INSTANCE, GetContentAction.TransportAction.class),
                new ActionHandler<>(GetRetentionAction.INSTANCE, GetRetentionAction.TransportAction.class),
                new ActionHandler<>(PutRetentionAction.INSTANCE, PutRetentionAction.TransportAction.class),
                new ActionHandler<>(RunRetentionAction.INSTANCE, RunRetentionAction.TransportAction.class),
                new ActionHandler<>(ImportAction.INSTANCE, ImportAction.TransportAction.class),
                new ActionHandler<>(StreamAction.INSTANCE, StreamAction.TransportAction.class),
                new ActionHandler<>(AccessReportAction.INSTANCE, AccessReportAction.TransportAction.class),
                new ActionHandler<>(RunAccessRollupAction.INSTANCE, RunAccessRollupAction.TransportAction.class),
                new ActionHandler<>(ContextAction.INSTANCE, ContextAction.TransportAction.class),
                new ActionHandler<>(ExportAction.INSTANCE, ExportAction.TransportAction.class),
                new ActionHandler<>(PutCollectorAction.INSTANCE, PutCollectorAction.TransportAction.class),
                new ActionHandler<>(GetCollectorAction.INSTANCE, GetCollectorAction.TransportAction.class),
                new ActionHandler<>(DeleteCollectorAction.INSTANCE, DeleteCollectorAction.TransportAction.class),
                new ActionHandler<>(RunCollectorAction.INSTANCE, RunCollectorAction.TransportAction.class),
                new ActionHandler<>(PutDestinationAction.INSTANCE, PutDestinationAction.TransportAction.class),
                new ActionHandler<>(GetDestinationAction.INSTANCE, GetDestinationAction.TransportAction.class),
                new ActionHandler<>(DeleteDestinationAction.INSTANCE, DeleteDestinationAction.TransportAction.class));
    }

    @Override
    public List<RestHandler> getRestHandlers(
            Settings settings,
            RestController restController,
            ClusterSettings clusterSettings,
            IndexScopedSettings indexScopedSettings,
            SettingsFilter settingsFilter,
            IndexNameExpressionResolver indexNameExpressionResolver,
            Supplier<DiscoveryNodes> nodesInCluster) {
        return List.of(
                new RestSetupAction(),
                new RestRetentionAction(),
                new RestContentAction(),
                new RestIntakeActions.Import(),
                new RestIntakeActions.Stream(destinationTokens),
                new RestInvestigateActions.Report(),
                new RestInvestigateActions.Rollup(),
                new RestInvestigateActions.Context(),
                new RestInvestigateActions.Export(),
                RestNamedObjectsAction.collectors(),
                new RestRunCollectorAction(),
                RestNamedObjectsAction.destinations());
    }

    @Override
    public Collection<SystemIndexDescriptor> getSystemIndexDescriptors(Settings settings) {
        return List.of(new SystemIndexDescriptor(
                IndexNames.STATE,
                "devops-audit state: the last retention run, the collectors' configuration, checkpoints and status, "
                        + "the GitLab streaming destinations"));
    }

    @Override
    public void close() {
        if (retention != null) {
            retention.close();
        }
        if (collectors != null) {
            collectors.close();
        }
        if (rollups != null) {
            rollups.close();
        }
    }
}
