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
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
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
    public Map<String, Object> settingsView(Settings pending) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("days", pending.getAsInt(RetentionSettings.DAYS.getKey(), days));
        s.put("dead_letter_days", pending.getAsInt(RetentionSettings.DEAD_LETTER_DAYS.getKey(), deadLetterDays));
        s.put("request_days", pending.getAsInt(RetentionSettings.REQUEST_DAYS.getKey(), requestDays));
        int warm = pending.getAsInt(RetentionSettings.WARM_AFTER_DAYS.getKey(), warmAfterDays);
        s.put("warm_after_days", warm < 0 ? null : warm);
        s.put("interval", interval.getStringRep());
        return s;
    }

    /** The managed indices, soonest to expire first. */
    public List<Map<String, Object>> schedule(Instant now) {
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
        List<Map<String, Object>> out = new ArrayList<>();
        for (ManagedIndex m : managed) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("index", m.name());
            row.put("kind", m.kind());
            row.put("period", m.period());
            row.put("period_end", m.periodEnd().toString());
            row.put("expires_at", m.expiresAt(d, dl, rq).toString());
            row.put("expired", m.expired(now, d, dl, rq));
            out.add(row);
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
    public Map<String, Object> run(boolean dryRun) {
        Instant now = Instant.ofEpochMilli(threadPool.absoluteTimeInMillis());
        List<Map<String, Object>> all = schedule(now);
        List<Map<String, Object>> expired =
                all.stream().filter(r -> Boolean.TRUE.equals(r.get("expired"))).toList();
        List<Map<String, Object>> deleted = new ArrayList<>();
        if (expired.isEmpty() == false) {
            String[] names = expired.stream().map(r -> (String) r.get("index")).toArray(String[]::new);
            IndicesStatsResponse stats = client.admin()
                    .indices()
                    .prepareStats(names)
                    .clear()
                    .setDocs(true)
                    .get();
            for (Map<String, Object> r : expired) {
                IndexStats s = stats.getIndex((String) r.get("index"));
                Map<String, Object> row = new LinkedHashMap<>(r);
                row.remove("expired");
                row.put(
                        "docs",
                        s == null || s.getPrimaries().getDocs() == null
                                ? 0
                                : s.getPrimaries().getDocs().getCount());
                deleted.add(row);
            }
            if (dryRun == false) {
                // One request for every expired audit index: it is authorized as a whole, so a caller who may not
                // delete one of them deletes none, and the indices go in one cluster-state update. The investigation
                // trail is the plugin's own record, which no role may delete: its expired months are deleted by the
                // plugin, as the node, once the caller's deletion has passed.
                String[] caller = expired.stream()
                        .filter(r -> "activity".equals(r.get("kind")) == false)
                        .map(r -> (String) r.get("index"))
                        .toArray(String[]::new);
                String[] trail = expired.stream()
                        .filter(r -> "activity".equals(r.get("kind")))
                        .map(r -> (String) r.get("index"))
                        .toArray(String[]::new);
                if (caller.length > 0)
                    client.admin().indices().prepareDelete(caller).get();
                if (trail.length > 0) {
                    try (ThreadContext.StoredContext ignored =
                            threadPool.getThreadContext().stashContext()) {
                        client.admin().indices().prepareDelete(trail).get();
                    }
                }
                for (Map<String, Object> row : deleted) {
                    logger.info(
                            "retention deleted index [{}] (period [{}], {} documents, expired at [{}])",
                            row.get("index"),
                            row.get("period"),
                            row.get("docs"),
                            row.get("expires_at"));
                }
            }
        }
        List<String> warmed =
                warm(now, expired.stream().map(r -> (String) r.get("index")).toList(), dryRun);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("dry_run", dryRun);
        result.put("ran_at", now.toString());
        result.put("node", clusterService.localNode().getName());
        result.put("days", days);
        result.put("dead_letter_days", deadLetterDays);
        result.put("request_days", requestDays);
        result.put(dryRun ? "would_delete" : "deleted", deleted);
        result.put("kept", all.size() - expired.size());
        result.put(dryRun ? "would_warm" : "warmed", warmed);
        if (dryRun == false) {
            Map<String, Object> state = new LinkedHashMap<>(result);
            state.put("next_run", now.plusMillis(interval.millis()).toString());
            try (ThreadContext.StoredContext ignored =
                    threadPool.getThreadContext().stashContext()) {
                StateIndex.ensure(client, clusterService);
                client.prepareIndex(IndexNames.STATE)
                        .setId(STATE_DOC)
                        .setSource(state)
                        .get();
                health.write(HealthRecords.retentionRun(result));
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
    public Map<String, Object> lastRun() {
        try (ThreadContext.StoredContext ignored = threadPool.getThreadContext().stashContext()) {
            return StateIndex.get(client, STATE_DOC);
        }
    }
}
