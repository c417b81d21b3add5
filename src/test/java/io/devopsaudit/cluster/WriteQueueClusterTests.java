/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.cluster;

import io.devopsaudit.intake.IntakeCounts;
import io.devopsaudit.intake.StreamAction;
import io.devopsaudit.schema.IndexNames;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.admin.cluster.node.stats.NodesStatsRequest;
import org.opensearch.action.admin.cluster.node.stats.NodesStatsResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.opensearch.threadpool.ThreadPoolStats;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Write-queue rejections under concurrent streaming: a node whose write pool has one thread and a queue of one, fed by
 * many concurrent {@code _stream} requests. A full queue is the cluster's state, not the event's, so a refused event is
 * neither acknowledged nor dead-lettered: the intake sends refused items again with a backoff and, when the queue stays
 * full, answers 429 with Retry-After. A sender that sends again on 429 (as it must) ends with exactly one document per
 * event, every event accounted for once by the final answers (indexed, or a duplicate of what an attempt answered
 * 429 had already stored), and nothing in the dead-letter index.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.TEST, numDataNodes = 1, numClientNodes = 0)
public class WriteQueueClusterTests extends DevopsAuditClusterTestCase {

    @Override
    protected Settings nodeSettings(int nodeOrdinal) {
        return Settings.builder()
                .put(super.nodeSettings(nodeOrdinal))
                .put("thread_pool.write.size", 1)
                .put("thread_pool.write.queue_size", 1)
                .build();
    }

    public void testConcurrentStreamsUnderAFullWriteQueueStoreEveryEventOnceAndAnswer429OrSuccess() throws Exception {
        // the shipped pipeline's routing is the processor's own
        putProcessorPipeline(IndexNames.PIPELINE, "{\"field\":\"message\",\"format\":\"gitlab_stream\"}");
        int senders = 6;
        int requestsPerSender = 3;
        int eventsPerRequest = 20;
        long total = (long) senders * requestsPerSender * eventsPerRequest;
        AtomicLong indexed = new AtomicLong();
        AtomicLong duplicates = new AtomicLong();
        AtomicLong answered429 = new AtomicLong();
        AtomicLong retriedItems = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int sender = s;
                done.add(pool.submit(() -> {
                    for (int r = 0; r < requestsPerSender; r++) {
                        String body = batch(sender, r, eventsPerRequest);
                        for (int attempt = 1; ; attempt++) {
                            try {
                                IntakeCounts report = client().execute(
                                                StreamAction.INSTANCE,
                                                new StreamAction.Request(new BytesArray(body), null, null))
                                        .actionGet()
                                        .counts();
                                assertEquals(report.toString(), 0L, report.failed());
                                // the final answer accounts for every event of the request: stored now, or stored
                                // by an earlier attempt that was answered 429 (a duplicate now)
                                assertEquals(
                                        report.toString(), eventsPerRequest, report.indexed() + report.duplicates());
                                indexed.addAndGet(report.indexed());
                                duplicates.addAndGet(report.duplicates());
                                retriedItems.addAndGet(report.retries());
                                break;
                            } catch (OpenSearchStatusException e) {
                                // the only operational answer allowed: retriable, with the delay to wait
                                assertEquals(e.getMessage(), RestStatus.TOO_MANY_REQUESTS, e.status());
                                assertEquals(List.of("30"), e.getHeader("Retry-After"));
                                answered429.incrementAndGet();
                                assertTrue("still refused after 50 attempts", attempt < 50);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get(5, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        long rejectedByPool = 0;
        NodesStatsResponse stats = client().admin()
                .cluster()
                .prepareNodesStats()
                .addMetric(NodesStatsRequest.Metric.THREAD_POOL.metricName())
                .get();
        for (var node : stats.getNodes()) {
            for (ThreadPoolStats.Stats pool2 : node.getThreadPool()) {
                if (pool2.getName().equals("write")) rejectedByPool += pool2.getRejected();
            }
        }
        logger.info(
                "write queue proof: {} events, pool rejections {}, items retried {}, requests answered 429 {}",
                total,
                rejectedByPool,
                retriedItems.get(),
                answered429.get());
        assertTrue("the write queue never overflowed, so nothing was tested", rejectedByPool > 0);
        refresh(IndexNames.ALL);
        assertEquals(
                "one document per event",
                total,
                client().prepareSearch("devops-audit-gitlab-*")
                        .setSize(0)
                        .setTrackTotalHits(true)
                        .get()
                        .getHits()
                        .getTotalHits()
                        .value());
        assertEquals("every event accounted for once by the final answers", total, indexed.get() + duplicates.get());
        // an attempt answered 429 may have stored none of its events, so its retry need not find duplicates
        assertTrue(
                "a duplicate only where an earlier attempt of the same request was answered 429",
                duplicates.get() == 0 || answered429.get() > 0);
        assertEquals(
                "no good event was dead-lettered because the queue was full",
                0,
                client().prepareSearch(IndexNames.DEAD_LETTER_PREFIX + "*")
                        .setSize(0)
                        .setTrackTotalHits(true)
                        .get()
                        .getHits()
                        .getTotalHits()
                        .value());
    }

    /** A GitLab batch-mode body: {@code n} distinct streamed events, ids unique per sender and request. */
    private static String batch(int sender, int request, int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(',');
            long id = 1_000_000L + sender * 10_000L + request * 100L + i;
            sb.append(String.format(
                    Locale.ROOT,
                    "{\"id\":%d,\"created_at\":\"2024-03-13T09:%02d:%02d.000Z\",\"author_id\":7,\"entity_id\":13,"
                            + "\"entity_type\":\"Project\",\"event_type\":\"repository_download_operation\","
                            + "\"details\":{\"author_name\":\"alice\",\"entity_path\":\"acme/api\","
                            + "\"ip_address\":\"192.0.2.10\"},\"entity_path\":\"acme/api\"}",
                    id,
                    i % 60,
                    sender % 60));
        }
        return sb.append(']').toString();
    }
}
