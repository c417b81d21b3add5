/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.cluster.LocalNodeClusterManagerListener;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.threadpool.Scheduler;
import org.opensearch.threadpool.ThreadPool;

/**
 * A periodic task of the plugin that runs on the elected cluster-manager only: it starts when this node becomes the
 * elected cluster-manager and stops when it no longer is or when the node closes, so a cluster-manager change moves it
 * to the new one. Each run is the plugin's own work, so it runs as the node (system context), not as any user; a run
 * that fails is logged and the next one comes at the next interval.
 */
public final class ClusterManagerSchedule implements LocalNodeClusterManagerListener {
    private static final Logger logger = LogManager.getLogger(ClusterManagerSchedule.class);

    private final ThreadPool threadPool;
    private final String what;
    private final Runnable task;
    private volatile TimeValue interval;
    private Scheduler.Cancellable scheduled;

    /** {@code what} names the task in the log ("retention by event time"). */
    public ClusterManagerSchedule(
            ClusterService clusterService, ThreadPool threadPool, String what, TimeValue interval, Runnable task) {
        this.threadPool = threadPool;
        this.what = what;
        this.interval = interval;
        this.task = task;
        clusterService.addLocalNodeClusterManagerListener(this);
    }

    @Override
    public synchronized void onClusterManager() {
        cancel();
        scheduled = threadPool.scheduleWithFixedDelay(this::runAsNode, interval, ThreadPool.Names.GENERIC);
        logger.info("{} scheduled every [{}] on this cluster-manager node", what, interval);
    }

    @Override
    public synchronized void offClusterManager() {
        cancel();
    }

    /** Whether the task runs here (it does while this node is the elected cluster-manager). */
    public synchronized boolean active() {
        return scheduled != null;
    }

    /** A new interval, in force at once where the task runs. */
    public synchronized void setInterval(TimeValue value) {
        interval = value;
        if (scheduled != null) onClusterManager();
    }

    /** Stops the task when the node shuts down. */
    public synchronized void close() {
        cancel();
    }

    private void cancel() {
        if (scheduled != null) {
            scheduled.cancel();
            scheduled = null;
        }
    }

    private void runAsNode() {
        try (ThreadContext.StoredContext ignored = threadPool.getThreadContext().stashContext()) {
            task.run();
        } catch (Exception e) {
            logger.warn(what + " failed; it will be tried again in [" + interval + "]", e);
        }
    }
}
