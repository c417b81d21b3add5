/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.retention;

import io.devopsaudit.cluster.DevopsAuditClusterTestCase;
import io.devopsaudit.schema.IndexNames;
import org.opensearch.action.NoShardAvailableActionException;
import org.opensearch.action.get.GetResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.IndexNotFoundException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Retention runs on the elected cluster-manager only, and moves with it: a 3-node cluster, a 1 s interval, then the
 * cluster-manager is stopped and the new one takes over the schedule.
 */
public class RetentionClusterTests extends DevopsAuditClusterTestCase {

    public void testRunsOnTheClusterManagerOnlyAndSurvivesAChange() throws Exception {
        Settings fast = Settings.builder()
                .put(RetentionSettings.INTERVAL.getKey(), "1s")
                .build();
        internalCluster().startNodes(3, fast);
        ensureStableCluster(3);
        String first = internalCluster().getClusterManagerName();
        assertBusy(
                () -> {
                    assertEquals("exactly the cluster-manager schedules retention", List.of(first), scheduling());
                    assertEquals(first, lastRunNode());
                },
                60,
                TimeUnit.SECONDS);

        internalCluster().stopCurrentClusterManagerNode();
        ensureStableCluster(2);
        String second = internalCluster().getClusterManagerName();
        assertNotEquals(first, second);
        assertBusy(
                () -> {
                    assertEquals(List.of(second), scheduling());
                    assertEquals("the new cluster-manager runs it now", second, lastRunNode());
                },
                60,
                TimeUnit.SECONDS);
    }

    /** The live nodes whose retention schedule is active. */
    private List<String> scheduling() {
        List<String> nodes = new ArrayList<>();
        for (String name : internalCluster().getNodeNames()) {
            if (internalCluster().getInstance(RetentionService.class, name).scheduled()) nodes.add(name);
        }
        return nodes;
    }

    /** The node of the last recorded run; before the first run there is nothing (assertBusy retries assertion errors only). */
    private String lastRunNode() {
        try {
            GetResponse state = client().prepareGet(IndexNames.STATE, RetentionService.STATE_DOC)
                    .get();
            return state.isExists() ? (String) state.getSourceAsMap().get("node") : null;
        } catch (IndexNotFoundException | NoShardAvailableActionException e) {
            return null;
        }
    }
}
