/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import io.devopsaudit.schema.IndexNames;
import org.opensearch.ResourceAlreadyExistsException;
import org.opensearch.action.DocWriteResponse;
import org.opensearch.action.support.WriteRequest;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.IndexNotFoundException;
import org.opensearch.transport.client.Client;

/**
 * The plugin's own state index ({@code .devops-audit-state}: the last retention run, collectors, streaming
 * destinations), written and read as the node by its callers (their thread context stashed).
 */
public final class StateIndex {
    private StateIndex() {}

    /**
     * Creates the index unless it exists: one shard with a copy on a second node whenever there is one
     * ({@code auto_expand_replicas: 0-1}), so the state survives the loss of the node holding it, as a cluster-manager
     * change often is.
     */
    public static void ensure(Client client, ClusterService clusterService) {
        if (clusterService.state().metadata().hasIndex(IndexNames.STATE)) return;
        try {
            client.admin()
                    .indices()
                    .prepareCreate(IndexNames.STATE)
                    .setSettings(Settings.builder()
                            .put(IndexMetadata.SETTING_NUMBER_OF_SHARDS, 1)
                            .put(IndexMetadata.SETTING_AUTO_EXPAND_REPLICAS, "0-1"))
                    .get();
        } catch (ResourceAlreadyExistsException e) {
            // created meanwhile by another caller: fine
        }
    }

    /** Deletes one state document, visible at once; {@code false} when there was none (or no state index yet). */
    public static boolean delete(Client client, String id) {
        try {
            return client.prepareDelete(IndexNames.STATE, id)
                            .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE)
                            .get()
                            .getResult()
                    != DocWriteResponse.Result.NOT_FOUND;
        } catch (IndexNotFoundException e) {
            return false;
        }
    }
}
