/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import io.devopsaudit.cluster.DevopsAuditClusterTestCase;
import io.devopsaudit.schema.IndexNames;
import org.opensearch.common.settings.MockSecureSettings;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.query.QueryBuilders;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A collector survives a cluster-manager change: three cluster-manager-eligible nodes (each with the token in its
 * secure settings, as each would have it in its keystore), the first cluster-manager polls, it is stopped, new events
 * arrive, and the new cluster-manager continues from the stored checkpoints: every event stored exactly once.
 */
public class CollectorFailoverClusterTests extends DevopsAuditClusterTestCase {
    static final String NAME = "failover";
    static final String TOKEN = "glpat-cluster-test-token";
    static final String INSTANCE = "gl-failover";

    @Override
    protected Settings nodeSettings(int nodeOrdinal) {
        MockSecureSettings secure = new MockSecureSettings();
        secure.setString(CollectorTokens.key(NAME), TOKEN);
        return Settings.builder()
                .put(super.nodeSettings(nodeOrdinal))
                .setSecureSettings(secure)
                .build();
    }

    private CollectorStatus status() {
        return client().execute(GetCollectorAction.INSTANCE, new GetCollectorAction.Request(NAME))
                .actionGet()
                .one()
                .status();
    }

    private static long indexed(CollectorStatus status) {
        return status.totals() == null ? -1 : status.totals().indexed();
    }

    private long stored() {
        client().admin().indices().prepareRefresh(IndexNames.ALL).get();
        return client().prepareSearch(IndexNames.eventPatterns())
                // no index template in this cluster: audit.instance is dynamically mapped, text with a keyword subfield
                .setQuery(QueryBuilders.termQuery("audit.instance.keyword", INSTANCE))
                .setSize(0)
                .setTrackTotalHits(true)
                .get()
                .getHits()
                .getTotalHits()
                .value();
    }

    public void testANewClusterManagerContinuesFromTheCheckpoints() throws Exception {
        internalCluster().startNodes(3);
        ensureStableCluster(3);
        // the shipped pipeline's processor alone
        putProcessorPipeline(IndexNames.PIPELINE, "{\"field\":\"message\",\"use_document_if_missing\":true}");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (FakeGitlab gitlab = new FakeGitlab(TOKEN)) {
            gitlab.add(1, 40, 30, 80, now.minusSeconds(120));
            gitlab.every500 = 9;
            Map<String, Object> body = Map.of(
                    "type",
                    "gitlab",
                    "url",
                    gitlab.url(),
                    "scopes",
                    List.of(Map.of("instance", true), Map.of("group", "acme")),
                    "interval",
                    "2s",
                    "since",
                    now.minus(1, ChronoUnit.HOURS).toString(),
                    "instance",
                    INSTANCE);
            client().execute(PutCollectorAction.INSTANCE, new PutCollectorAction.Request(NAME, body))
                    .actionGet();

            // on a loaded machine the first election can still move after the PUT: the poller must be whichever node
            // is the elected cluster-manager when the poll is seen
            assertBusy(
                    () -> {
                        CollectorStatus s = status();
                        assertEquals(String.valueOf(s), CollectorStatus.State.OK, s.state());
                        assertEquals(internalCluster().getClusterManagerName(), s.node());
                        assertEquals(150, indexed(s));
                    },
                    60,
                    TimeUnit.SECONDS);

            // every index keeps a copy on another node (the test framework may have created the event index with no
            // replica): losing the cluster-manager must not also lose the shard the next poll writes to
            client().admin()
                    .indices()
                    .prepareUpdateSettings("devops-audit-*", IndexNames.STATE)
                    .setSettings(Settings.builder()
                            .put("index.number_of_replicas", 1)
                            .put("index.auto_expand_replicas", false))
                    .get();
            ensureGreen();
            String first = internalCluster().getClusterManagerName();
            internalCluster().stopCurrentClusterManagerNode();
            ensureStableCluster(2);
            assertNotEquals(first, internalCluster().getClusterManagerName());
            gitlab.add(10_000, 5, 5, 10, Instant.now().truncatedTo(ChronoUnit.MILLIS));

            assertBusy(
                    () -> {
                        CollectorStatus s = status();
                        assertNotEquals(String.valueOf(s), first, s.node());
                        assertEquals(String.valueOf(s), internalCluster().getClusterManagerName(), s.node());
                        assertEquals("the 20 new events, none twice", 170, indexed(s));
                    },
                    60,
                    TimeUnit.SECONDS);
            assertEquals(170, stored());
        }
    }
}
