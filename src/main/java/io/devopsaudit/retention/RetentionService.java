/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.retention;

import io.devopsaudit.health.HealthRecords;
import io.devopsaudit.schema.IndexNames;
import io.devopsaudit.transport.ClusterManagerSchedule;
import io.devopsaudit.transport.StateIndex;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.action.admin.indices.stats.IndexStats;
import org.opensearch.action.admin.indices.stats.IndicesStatsResponse;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Deletes event-month indices whose whole period ended more than {@code devops_audit.retention.days} ago (and
 * dead-letter months past {@code dead_letter_days}). ISM's index age cannot express this: a 2019 export imported
 * today must expire on the 2019 schedule. The periodic run lives on the elected cluster-manager only (a
 * {@link ClusterManagerSchedule}), so a cluster-manager change moves it. Every
 * deletion is logged with index, period and document count; the last run is stored in {@code .devops-audit-state}
 * so any node can report it.
 */
public final class RetentionService {
    private static final Logger logger = LogManager.getLogger(RetentionService.class);

    static final String STATE_DOC = "retention";

    private final Client client;
    private final ClusterService clusterService;
    private final ThreadPool threadPool;
    private volatile int days;
    private volatile int deadLetterDays;
    private volatile int requestDays;
    private volatile int warmAfterDays;
    private volatile TimeValue interval;
    private final ClusterManagerSchedule schedule;
    /** Each run's deletions and warm steps, as a health record monitors and Dashboards can read. */
    private final HealthRecords health;

    public RetentionService(Client client, ClusterService clusterService, ThreadPool threadPool) {
        this.client = client;
        this.clusterService = clusterService;
        this.threadPool = threadPool;
        this.health = new HealthRecords(client, clusterService);
        this.days = RetentionSettings.DAYS.get(clusterService.getSettings());
        this.deadLetterDays = RetentionSettings.DEAD_LETTER_DAYS.get(clusterService.getSettings());
        this.requestDays = RetentionSettings.REQUEST_DAYS.get(clusterService.getSettings());
        clusterService
                .getClusterSettings()
                .addSettingsUpdateConsumer(RetentionSettings.REQUEST_DAYS, v -> requestDays = v);
        this.warmAfterDays = RetentionSettings.WARM_AFTER_DAYS.get(clusterService.getSettings());
        clusterService
                .getClusterSettings()
                .addSettingsUpdateConsumer(RetentionSettings.WARM_AFTER_DAYS, v -> warmAfterDays = v);
        this.interval = RetentionSettings.INTERVAL.get(clusterService.getSettings());
        clusterService.getClusterSettings().addSettingsUpdateConsumer(RetentionSettings.DAYS, v -> days = v);
        clusterService
                .getClusterSettings()
                .addSettingsUpdateConsumer(RetentionSettings.DEAD_LETTER_DAYS, v -> deadLetterDays = v);
        this.schedule = new ClusterManagerSchedule(
                clusterService, threadPool, "retention by event time", interval, () -> run(false));
        clusterService.getClusterSettings().addSettingsUpdateConsumer(RetentionSettings.INTERVAL, this::setInterval);
    }

    public int days() {
        return days;
    }

    public int deadLetterDays() {
        return deadLetterDays;
    }

    public TimeValue interval() {
        return interval;
    }

    /** Whether this node runs the periodic retention (it does while it is the elected cluster-manager). */
    public boolean scheduled() {
        return schedule.active();
    }

    private void setInterval(TimeValue value) {
        interval = value;
        schedule.setInterval(value);
    }

    /** Stops the schedule when the node shuts down. */
    public void close() {
        schedule.close();
    }

    /** The retention settings in force, with {@code pending} (settings just written) taking precedence. */
    public RetentionSettingsView settingsView(Settings pending) {
        int warm = pending.getAsInt(RetentionSettings.WARM_AFTER_DAYS.getKey(), warmAfterDays);
        return new RetentionSettingsView(
                pending.getAsInt(RetentionSettings.DAYS.getKey(), days),
                pending.getAsInt(RetentionSettings.DEAD_LETTER_DAYS.getKey(), deadLetterDays),
                pending.getAsInt(RetentionSettings.REQUEST_DAYS.getKey(), requestDays),
                warm < 0 ? null : warm,
                interval.getStringRep());
    }

    /** The managed indices, soonest to expire first. */
    public List<ScheduledIndex> schedule(Instant now) {
        List<ManagedIndex> managed = new ArrayList<>();
        for (String name : clusterService.state().metadata().indices().keySet()) {
            ManagedIndex m = ManagedIndex.parse(name);
            if (m != null) managed.add(m);
        }
        int d = days;
        int dl = deadLetterDays;
        int rq = requestDays;
        managed.sort(
                Comparator.comparing((ManagedIndex m) -> m.expiresAt(d, dl, rq)).thenComparing(ManagedIndex::name));
        List<ScheduledIndex> out = new ArrayList<>();
        for (ManagedIndex m : managed) {
            out.add(new ScheduledIndex(
                    m.name(),
                    m.kind(),
                    m.period(),
                    m.periodEnd().toString(),
                    m.expiresAt(d, dl, rq).toString(),
                    m.expired(now, d, dl, rq)));
        }
        return out;
    }

    /**
     * Runs retention now, with the rights of whoever is in the current thread context: a user-triggered run reads
     * stats and deletes as that user (a user without {@code indices:admin/delete} on an expired index is refused
     * and nothing is deleted), the scheduled run as the node. Only the run record in the plugin's own state index
     * is written as the node. Blocks: call from a generic or scheduler thread, never a transport thread.
     * @return what was deleted (or, with {@code dryRun}, what would be), and how many managed indices were kept
     */
    public RetentionRun run(boolean dryRun) {
        Instant now = Instant.ofEpochMilli(threadPool.absoluteTimeInMillis());
        List<ScheduledIndex> all = schedule(now);
        List<ScheduledIndex> expired =
                all.stream().filter(ScheduledIndex::expired).toList();
        List<RetentionRun.Expired> deleted = new ArrayList<>();
        if (expired.isEmpty() == false) {
            String[] names = expired.stream().map(ScheduledIndex::index).toArray(String[]::new);
            IndicesStatsResponse stats = client.admin()
                    .indices()
                    .prepareStats(names)
                    .clear()
                    .setDocs(true)
                    .get();
            for (ScheduledIndex r : expired) {
                IndexStats s = stats.getIndex(r.index());
                deleted.add(new RetentionRun.Expired(
                        r.index(),
                        r.kind(),
                        r.period(),
                        r.periodEnd(),
                        r.expiresAt(),
                        s == null || s.getPrimaries().getDocs() == null
                                ? 0
                                : s.getPrimaries().getDocs().getCount()));
            }
            if (dryRun == false) {
                // One request for every expired audit index: it is authorized as a whole, so a caller who may not
                // delete one of them deletes none, and the indices go in one cluster-state update. The investigation
                // trail is the plugin's own record, which no role may delete: its expired months are deleted by the
                // plugin, as the node, once the caller's deletion has passed.
                String[] caller = expired.stream()
                        .filter(r -> "activity".equals(r.kind()) == false)
                        .map(ScheduledIndex::index)
                        .toArray(String[]::new);
                String[] trail = expired.stream()
                        .filter(r -> "activity".equals(r.kind()))
                        .map(ScheduledIndex::index)
                        .toArray(String[]::new);
                if (caller.length > 0)
                    client.admin().indices().prepareDelete(caller).get();
                if (trail.length > 0) {
                    try (ThreadContext.StoredContext ignored =
                            threadPool.getThreadContext().stashContext()) {
                        client.admin().indices().prepareDelete(trail).get();
                    }
                }
                for (RetentionRun.Expired row : deleted) {
                    logger.info(
                            "retention deleted index [{}] (period [{}], {} documents, expired at [{}])",
                            row.index(),
                            row.period(),
                            row.docs(),
                            row.expiresAt());
                }
            }
        }
        List<String> warmed =
                warm(now, expired.stream().map(ScheduledIndex::index).toList(), dryRun);
        RetentionRun result = new RetentionRun(
                dryRun,
                now.toString(),
                clusterService.localNode().getName(),
                days,
                deadLetterDays,
                requestDays,
                deleted,
                all.size() - expired.size(),
                warmed,
                null);
        if (dryRun == false) {
            RetentionRun state =
                    result.withNextRun(now.plusMillis(interval.millis()).toString());
            try (ThreadContext.StoredContext ignored =
                    threadPool.getThreadContext().stashContext()) {
                StateIndex.ensure(client, clusterService);
                client.prepareIndex(IndexNames.STATE)
                        .setId(STATE_DOC)
                        .setSource(state.toXContent(XContentFactory.jsonBuilder(), ToXContent.EMPTY_PARAMS))
                        .get();
                health.write(HealthRecords.retentionRun(result));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return result;
    }

    /**
     * The warm step by event time: every event month whose month ended more than {@code warm_after_days} ago (by
     * the month in its name, like retention) and that still takes writes is write-blocked and force-merged to one
     * segment, as the caller. The current month and months inside the window are never touched; events that arrive
     * later for a warmed month are kept in the dead-letter index as late (docs/retention.md).
     */
    private List<String> warm(Instant now, List<String> expired, boolean dryRun) {
        int n = warmAfterDays;
        List<String> due = new ArrayList<>();
        if (n < 0) return due;
        for (IndexMetadata index : clusterService.state().metadata().indices().values()) {
            ManagedIndex m = ManagedIndex.parse(index.getIndex().getName());
            if (m == null || m.deadLetter() || m.activity() || expired.contains(m.name())) continue;
            if (m.periodEnd().plus(Duration.ofDays(n)).isBefore(now) == false) continue;
            if (IndexMetadata.INDEX_BLOCKS_WRITE_SETTING.get(index.getSettings())) continue;
            due.add(m.name());
        }
        Collections.sort(due);
        if (dryRun || due.isEmpty()) return due;
        String[] names = due.toArray(String[]::new);
        client.admin()
                .indices()
                .prepareUpdateSettings(names)
                .setSettings(Settings.builder().put(IndexMetadata.SETTING_BLOCKS_WRITE, true))
                .get();
        client.admin().indices().prepareForceMerge(names).setMaxNumSegments(1).get();
        client.admin().indices().prepareRefresh(names).get(); // searches then read the one merged segment
        logger.info("retention warmed (write-blocked, force-merged) {}", due);
        return due;
    }

    /** The last recorded run, or {@code null} before the first one. */
    public RetentionRun lastRun() {
        try (ThreadContext.StoredContext ignored = threadPool.getThreadContext().stashContext()) {
            Map<String, Object> stored = StateIndex.get(client, STATE_DOC);
            return stored == null ? null : RetentionRun.fromStored(stored);
        }
    }
}
