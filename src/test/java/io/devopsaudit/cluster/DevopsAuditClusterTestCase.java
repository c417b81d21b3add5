/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.cluster;

import io.devopsaudit.DevopsAuditPlugin;
import org.opensearch.action.ingest.PutPipelineRequest;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.plugins.Plugin;
import org.opensearch.test.OpenSearchIntegTestCase;

import java.util.Collection;
import java.util.List;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

/**
 * Base of the in-JVM cluster tests: nodes with the plugin, started by each test (a fresh cluster per test, every node
 * cluster-manager-eligible, no dedicated cluster-manager or client nodes unless a test starts them), and the pipeline
 * of the {@code devops_audit} processor alone (in-JVM nodes have no ingest-common for the shipped pipeline's other
 * steps).
 */
@OpenSearchIntegTestCase.ClusterScope(
        scope = OpenSearchIntegTestCase.Scope.TEST,
        numDataNodes = 0,
        numClientNodes = 0,
        supportsDedicatedMasters = false,
        autoManageMasterNodes = true)
public abstract class DevopsAuditClusterTestCase extends OpenSearchIntegTestCase {

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(DevopsAuditPlugin.class);
    }

    /** Puts pipeline {@code name} of one {@code devops_audit} processor with the options {@code processorJson}. */
    protected static void putProcessorPipeline(String name, String processorJson) throws Exception {
        String pipeline = "{\"processors\":[{\"devops_audit\":" + processorJson + "}]}";
        assertAcked(client().admin()
                .cluster()
                .putPipeline(new PutPipelineRequest(name, new BytesArray(pipeline), XContentType.JSON))
                .get());
    }
}
