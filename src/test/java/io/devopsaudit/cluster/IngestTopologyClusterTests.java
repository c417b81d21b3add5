/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.cluster;

import org.opensearch.action.admin.cluster.node.info.NodesInfoResponse;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.node.DiscoveryNodeRole;
import org.opensearch.common.settings.Settings;

import java.util.Map;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

/**
 * A cluster where ingest, data and cluster-manager duties live on different nodes: the processor must run on the
 * ingest node even when the request arrives at a data node that cannot run pipelines itself.
 */
public class IngestTopologyClusterTests extends DevopsAuditClusterTestCase {

    public void testProcessorRunsOnTheIngestNodeNotTheDataNode() throws Exception {
        internalCluster().startClusterManagerOnlyNode();
        String dataNode = internalCluster().startDataOnlyNode();
        String ingestNode = internalCluster()
                .startNode(Settings.builder()
                        .putList("node.roles", DiscoveryNodeRole.INGEST_ROLE.roleName())
                        .build());
        assertEquals(3, internalCluster().size());

        NodesInfoResponse info = client().admin().cluster().prepareNodesInfo().get();
        long ingestNodes =
                info.getNodes().stream().filter(n -> n.getNode().isIngestNode()).count();
        assertEquals("exactly one node may run pipelines", 1, ingestNodes);
        DiscoveryNode data = info.getNodes().stream()
                .filter(n -> n.getNode().getName().equals(dataNode))
                .findFirst()
                .orElseThrow()
                .getNode();
        assertFalse(data.isIngestNode());

        putProcessorPipeline("audit", "{\"format\":\"circleci_json\"}");
        assertAcked(client().admin()
                .indices()
                .prepareCreate("events")
                .setSettings(Settings.builder().put("index.number_of_shards", 1).put("index.number_of_replicas", 0)));
        ensureGreen("events");

        // Sent through the data node, which has no ingest role: it must forward to the ingest node.
        Map<String, Object> event = Map.of(
                "id",
                "e-1",
                "action",
                "context.delete",
                "occurred_at",
                "2024-03-08T14:22:05Z",
                "actor",
                Map.of("id", "u1", "type", "user", "name", "jdoe"));
        client(dataNode)
                .prepareIndex("events")
                .setSource(event)
                .setPipeline("audit")
                .get();
        // the processor routed the event to its event-month index under its dedup key
        Map<String, Object> source = client(ingestNode)
                .prepareGet("devops-audit-circleci-2024.03", "circleci:e-1")
                .get()
                .getSourceAsMap();
        assertNotNull("the event was not routed by the processor", source);
        @SuppressWarnings("unchecked")
        Map<String, Object> normalized = (Map<String, Object>) source.get("event");
        assertEquals("circleci", normalized.get("provider"));
        assertEquals("context.delete", normalized.get("action"));
        assertNotNull(normalized.get("ingested"));
    }
}
