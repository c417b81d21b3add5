/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import io.devopsaudit.schema.IndexNames;
import org.opensearch.ResourceAlreadyExistsException;
import org.opensearch.action.DocWriteResponse;
import org.opensearch.action.get.GetResponse;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.support.WriteRequest;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.IndexNotFoundException;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.SearchHit;
import org.opensearch.transport.client.Client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /**
     * Writes one state document, creating the index first when needed, visible at once.
     * @return {@code created} or {@code updated}
     */
    public static String put(Client client, ClusterService clusterService, String id, Map<String, Object> source) {
        ensure(client, clusterService);
        DocWriteResponse r = client.prepareIndex(IndexNames.STATE)
                .setId(id)
                .setSource(source)
                .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE)
                .get();
        return r.getResult() == DocWriteResponse.Result.CREATED ? "created" : "updated";
    }

    /** One state document's source; {@code null} when there is none (or no state index yet). */
    public static Map<String, Object> get(Client client, String id) {
        try {
            GetResponse r = client.prepareGet(IndexNames.STATE, id).get();
            return r.isExists() ? r.getSourceAsMap() : null;
        } catch (IndexNotFoundException e) {
            return null;
        }
    }

    /** The sources of every state document of one {@code kind} (collectors, destinations: a few at most). */
    public static List<Map<String, Object>> ofKind(Client client, String kind) {
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            SearchResponse r = client.prepareSearch(IndexNames.STATE)
                    .setQuery(QueryBuilders.termQuery("kind.keyword", kind))
                    .setSize(10_000)
                    .get();
            for (SearchHit hit : r.getHits().getHits()) out.add(hit.getSourceAsMap());
        } catch (IndexNotFoundException e) {
            // nothing stored yet
        }
        return out;
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
