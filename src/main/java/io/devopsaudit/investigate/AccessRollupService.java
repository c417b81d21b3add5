/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.normalize.Timestamps;
import io.devopsaudit.schema.Fields;
import io.devopsaudit.schema.IndexNames;
import io.devopsaudit.transport.ClusterManagerSchedule;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.ResourceAlreadyExistsException;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.delete.DeleteRequest;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.support.WriteRequest;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.UUIDs;
import org.opensearch.common.regex.Regex;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.SearchHit;
import org.opensearch.search.aggregations.AggregationBuilders;
import org.opensearch.search.aggregations.bucket.composite.CompositeAggregation;
import org.opensearch.search.aggregations.bucket.composite.CompositeAggregationBuilder;
import org.opensearch.search.aggregations.bucket.composite.CompositeValuesSourceBuilder;
import org.opensearch.search.aggregations.bucket.composite.TermsValuesSourceBuilder;
import org.opensearch.search.aggregations.bucket.filter.Filter;
import org.opensearch.search.aggregations.bucket.histogram.Histogram;
import org.opensearch.search.aggregations.bucket.missing.Missing;
import org.opensearch.search.aggregations.metrics.Max;
import org.opensearch.search.aggregations.metrics.Min;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Keeps {@link AccessRollup}'s rows: on the elected cluster-manager every {@code devops_audit.access_rollup.interval}
 * (and on demand, {@code POST _plugins/devops_audit/_access_rollup}), for every event index and every UTC day it holds,
 * it keeps a day whose marker still matches its events, and (re)writes the rows of a day that is over and has had no
 * event ingested for {@code devops_audit.access_rollup.quiet_period}. Rows are written first, under a new build id,
 * then the marker naming that build: a run that stops half-way leaves rows no marker names, which no report reads
 * and the next run deletes; the rows of a replaced marker are deleted by the run after the one that replaced it. Runs as the node: the rollup is the plugin's own derived data.
 */
public final class AccessRollupService {
    private static final Logger logger = LogManager.getLogger(AccessRollupService.class);

    public static final Setting<TimeValue> INTERVAL = Setting.timeSetting(
            "devops_audit.access_rollup.interval",
            TimeValue.timeValueHours(1),
            TimeValue.timeValueSeconds(1),
            Setting.Property.Dynamic,
            Setting.Property.NodeScope);

    /**
     * How long a day must have been over, and its last event ingested, before it is rolled up: events of a day keep
     * arriving after it ends (imports, delayed streams), and a day rolled up too early is simply rolled up again.
     */
    public static final Setting<TimeValue> QUIET_PERIOD = Setting.timeSetting(
            "devops_audit.access_rollup.quiet_period",
            TimeValue.timeValueMinutes(30),
            TimeValue.timeValueSeconds(0),
            Setting.Property.Dynamic,
            Setting.Property.NodeScope);

    /** Rows per composite page (well below the default {@code search.max_buckets}). */
    static final int PAGE = 5000;

    private final Client client;
    private final ClusterService clusterService;
    private final ThreadPool threadPool;
    private final LongSupplier clock;
    private volatile boolean enabled;
    private volatile TimeValue quiet;
    private final ClusterManagerSchedule schedule;

    public AccessRollupService(Client client, ClusterService clusterService, ThreadPool threadPool) {
        this.client = client;
        this.clusterService = clusterService;
        this.threadPool = threadPool;
        this.clock = System::currentTimeMillis;
        Settings settings = clusterService.getSettings();
        this.enabled = AccessRollup.ENABLED.get(settings);
        this.quiet = QUIET_PERIOD.get(settings);
        clusterService.getClusterSettings().addSettingsUpdateConsumer(AccessRollup.ENABLED, v -> enabled = v);
        clusterService.getClusterSettings().addSettingsUpdateConsumer(QUIET_PERIOD, v -> quiet = v);
        this.schedule = new ClusterManagerSchedule(
                clusterService, threadPool, "access rollup", INTERVAL.get(settings), this::run);
        clusterService.getClusterSettings().addSettingsUpdateConsumer(INTERVAL, schedule::setInterval);
    }

    public static List<Setting<?>> settings() {
        return List.of(AccessRollup.ENABLED, INTERVAL, QUIET_PERIOD);
    }

    /** Whether reports may read rows (the setting as in force now). */
    public boolean enabled() {
        return enabled;
    }

    public void close() {
        schedule.close();
    }

    /** One run now, as the node (the caller's permission to ask for it was checked by its action). */
    public AccessRollupRun runAsNode() {
        try (ThreadContext.StoredContext ignored = threadPool.getThreadContext().stashContext()) {
            return run();
        }
    }

    private synchronized AccessRollupRun run() {
        long started = clock.getAsLong();
        Counts c = new Counts();
        if (enabled == false) return c.run(false, started);
        Map<String, String> indices = new TreeMap<>();
        for (IndexMetadata m : clusterService.state().metadata().indices().values()) {
            String name = m.getIndex().getName();
            if (Regex.simpleMatch(AccessReport.EVENT_INDICES, name)
                    && name.startsWith(IndexNames.REQUESTS_PREFIX) == false) indices.put(name, m.getIndexUUID());
        }
        // a cluster without events gets no rollup index
        if (indices.isEmpty() && clusterService.state().metadata().hasIndex(AccessRollup.INDEX) == false)
            return c.run(true, started);
        ensureIndex();
        Instant now = Instant.ofEpochMilli(clock.getAsLong());
        Set<String> builds = new HashSet<>();
        for (Map.Entry<String, String> index : indices.entrySet()) {
            c.indices++;
            rollIndex(index.getKey(), index.getValue(), now, c, builds);
        }
        // the rows of a marker replaced in this run stay until the next one: a report that checked the old marker a
        // moment ago may be reading them now
        Set<String> kept = new HashSet<>(builds);
        kept.addAll(c.retired);
        c.rowsDeleted += deleteUnreferenced(kept, indices.values());
        AccessRollupRun run = c.run(true, started);
        if (run.daysRolled() > 0 || run.rowsDeleted() > 0) {
            logger.info(
                    "access rollup: {} days rolled up ({} rows for {} accesses), {} kept, {} waiting, {} refused, "
                            + "{} old rows deleted",
                    run.daysRolled(),
                    run.rows(),
                    run.accesses(),
                    run.daysKept(),
                    run.daysWaiting(),
                    run.daysRefused(),
                    run.rowsDeleted());
        }
        return run;
    }

    private static final class Counts {
        int indices, rolled, kept, waiting, refused;
        long rows, accesses, rowsDeleted;
        /** Builds whose marker this run deleted or replaced. */
        final Set<String> retired = new HashSet<>();

        AccessRollupRun run(boolean enabled, long started) {
            return new AccessRollupRun(
                    enabled,
                    indices,
                    rolled,
                    kept,
                    waiting,
                    refused,
                    rows,
                    accesses,
                    rowsDeleted,
                    System.currentTimeMillis() - started);
        }
    }

    private void ensureIndex() {
        if (clusterService.state().metadata().hasIndex(AccessRollup.INDEX)) return;
        try {
            client.admin()
                    .indices()
                    .prepareCreate(AccessRollup.INDEX)
                    .setSettings(Settings.builder()
                            .put(IndexMetadata.SETTING_NUMBER_OF_SHARDS, 1)
                            .put(IndexMetadata.SETTING_AUTO_EXPAND_REPLICAS, "0-1")
                            .put(IndexMetadata.SETTING_INDEX_HIDDEN, true))
                    .setMapping(AccessRollup.mapping())
                    .get();
        } catch (ResourceAlreadyExistsException e) {
            // created meanwhile: fine
        }
    }

    /** Keeps, rolls up, or leaves waiting each day of one event index; collects the builds its markers name. */
    private void rollIndex(String index, String uuid, Instant now, Counts c, Set<String> builds) {
        SearchResponse stats = client.prepareSearch(index)
                .setSource(new SearchSourceBuilder()
                        .size(0)
                        .aggregation(AccessRollup.perDay()
                                .subAggregation(
                                        AggregationBuilders.max("last_ingested").field(Fields.EVENT_INGESTED))
                                .subAggregation(AggregationBuilders.missing("not_ingested")
                                        .field(Fields.EVENT_INGESTED))
                                .subAggregation(AggregationBuilders.filter("accesses", AccessRollup.rolledEvents()))))
                .get();
        Map<Long, AccessRollup.Marker> markers = markers(uuid);
        Histogram days =
                stats.getAggregations() == null ? null : stats.getAggregations().get("day");
        long quietMillis = quiet.millis();
        if (days != null) {
            for (Histogram.Bucket b : days.getBuckets()) {
                Instant day = AccessRollup.dayOf(b);
                long events = b.getDocCount();
                Max max = b.getAggregations().get("last_ingested");
                long missing = ((Missing) b.getAggregations().get("not_ingested")).getDocCount();
                long accesses = ((Filter) b.getAggregations().get("accesses")).getDocCount();
                Instant last = missing == events ? null : Instant.ofEpochMilli((long) max.getValue());
                AccessRollup.Marker m = markers.remove(day.toEpochMilli());
                if (m != null
                        && m.events() == events
                        && last != null
                        && m.lastIngested().equals(last)) {
                    c.kept++;
                    builds.add(m.build());
                    continue;
                }
                if (m != null) {
                    deleteMarker(uuid, day);
                    c.retired.add(m.build());
                }
                boolean over =
                        day.plus(Duration.ofDays(1)).plusMillis(quietMillis).isAfter(now) == false;
                if (over == false
                        || last == null
                        || last.plusMillis(quietMillis).isAfter(now)) {
                    if (last == null && over) c.refused++;
                    else c.waiting++;
                    continue;
                }
                if (missing > 0) {
                    // without event.ingested a late change could not be told from the marker's events
                    c.refused++;
                    continue;
                }
                String build = build(index, uuid, day, events, accesses, last, c);
                if (build == null) c.refused++;
                else {
                    c.rolled++;
                    builds.add(build);
                }
            }
        }
        // days that no longer hold any event
        for (AccessRollup.Marker gone : markers.values()) {
            deleteMarker(uuid, gone.day());
            c.retired.add(gone.build());
        }
    }

    /** The markers of one index by day. */
    private Map<Long, AccessRollup.Marker> markers(String uuid) {
        Map<Long, AccessRollup.Marker> out = new HashMap<>();
        for (AccessRollup.Marker m :
                AccessRollup.markers(client, QueryBuilders.termQuery(AccessRollup.SOURCE_UUID, uuid)))
            out.put(m.day().toEpochMilli(), m);
        return out;
    }

    private static String markerId(String uuid, Instant day) {
        return uuid + ":" + day.toEpochMilli();
    }

    private void deleteMarker(String uuid, Instant day) {
        client.prepareDelete(AccessRollup.INDEX, markerId(uuid, day))
                .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE)
                .get();
    }

    /**
     * Writes one day's rows under a new build, then its marker. Null when the rows do not add up to the day's
     * accesses (a grouped field with several values in one event counts it once per value): no marker then.
     */
    private String build(String index, String uuid, Instant day, long events, long accesses, Instant last, Counts c) {
        String build = UUIDs.randomBase64UUID();
        List<CompositeValuesSourceBuilder<?>> sources = new ArrayList<>();
        for (int i = 0; i < AccessRollup.DIMENSIONS.size(); i++) {
            sources.add(new TermsValuesSourceBuilder("d" + i)
                    .field(AccessRollup.DIMENSIONS.get(i))
                    .missingBucket(true));
        }
        Map<String, Object> after = null;
        long counted = 0;
        long rows = 0;
        while (true) {
            CompositeAggregationBuilder agg = AggregationBuilders.composite("rows", sources)
                    .size(PAGE)
                    .subAggregation(AggregationBuilders.min("first").field(Fields.TIMESTAMP))
                    .subAggregation(AggregationBuilders.max("last").field(Fields.TIMESTAMP));
            if (after != null) agg.aggregateAfter(after);
            SearchResponse r = client.prepareSearch(index)
                    .setSource(new SearchSourceBuilder()
                            .size(0)
                            .query(QueryBuilders.boolQuery()
                                    .filter(AccessRollup.rolledEvents())
                                    .filter(QueryBuilders.rangeQuery(Fields.TIMESTAMP)
                                            .gte(day.toEpochMilli())
                                            .lt(day.plus(Duration.ofDays(1)).toEpochMilli())
                                            .format("epoch_millis")))
                            .aggregation(agg))
                    .get();
            CompositeAggregation page = r.getAggregations().get("rows");
            if (page.getBuckets().isEmpty()) break;
            BulkRequest bulk = new BulkRequest();
            for (CompositeAggregation.Bucket b : page.getBuckets()) {
                bulk.add(new IndexRequest(AccessRollup.INDEX).source(row(b, index, uuid, day, build)));
                counted += b.getDocCount();
                rows++;
            }
            BulkResponse written = client.bulk(bulk).actionGet();
            if (written.hasFailures()) {
                throw new IllegalStateException(
                        "access rollup of [" + index + "] day [" + day + "]: " + written.buildFailureMessage());
            }
            if (page.afterKey() == null || page.getBuckets().size() < PAGE) break;
            after = page.afterKey();
        }
        if (counted != accesses) {
            logger.warn(
                    "access rollup of [{}] day [{}] not used: its rows count {} accesses, its events {} (a grouped "
                            + "field with several values in one event)",
                    index,
                    day,
                    counted,
                    accesses);
            return null;
        }
        client.admin().indices().prepareRefresh(AccessRollup.INDEX).get();
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("kind", AccessRollup.DAY);
        marker.put("index", index);
        marker.put("index_uuid", uuid);
        marker.put("day", Timestamps.format(day));
        marker.put("events", events);
        marker.put("accesses", accesses);
        marker.put("last_ingested", Timestamps.format(last));
        marker.put("built_at", Timestamps.format(Instant.ofEpochMilli(clock.getAsLong())));
        marker.put("build", build);
        marker.put("rows", rows);
        client.prepareIndex(AccessRollup.INDEX)
                .setId(markerId(uuid, day))
                .setSource(Map.of("rollup", marker))
                .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE)
                .get();
        c.rows += rows;
        c.accesses += accesses;
        return build;
    }

    /** One row: the bucket's grouped values, first and last time, the events it stands for and where it came from. */
    private static Map<String, Object> row(
            CompositeAggregation.Bucket b, String index, String uuid, Instant day, String build) {
        Map<String, Object> doc = new LinkedHashMap<>();
        for (int i = 0; i < AccessRollup.DIMENSIONS.size(); i++) {
            Object v = b.getKey().get("d" + i);
            if (v != null) put(doc, AccessRollup.DIMENSIONS.get(i), v);
        }
        Min first = b.getAggregations().get("first");
        Max last = b.getAggregations().get("last");
        doc.put(
                Fields.TIMESTAMP,
                List.of(
                        Timestamps.format(Instant.ofEpochMilli((long) first.getValue())),
                        Timestamps.format(Instant.ofEpochMilli((long) last.getValue()))));
        doc.put("_doc_count", b.getDocCount());
        doc.put(
                "rollup",
                Map.of(
                        "kind", AccessRollup.ROW,
                        "index", index,
                        "index_uuid", uuid,
                        "day", Timestamps.format(day),
                        "build", build));
        return doc;
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> doc, String dotted, Object value) {
        String[] parts = dotted.split("\\.");
        Map<String, Object> cur = doc;
        for (int i = 0; i < parts.length - 1; i++) {
            cur = (Map<String, Object>) cur.computeIfAbsent(parts[i], k -> new LinkedHashMap<>());
        }
        cur.put(parts[parts.length - 1], value);
    }

    /**
     * Deletes the rows no marker names (earlier builds of a day, builds a stopped run left) and the markers of
     * indices that no longer exist; returns how many documents went.
     */
    private long deleteUnreferenced(Set<String> builds, java.util.Collection<String> uuids) {
        long deleted = 0;
        while (true) {
            SearchResponse r = client.prepareSearch(AccessRollup.INDEX)
                    .setSource(new SearchSourceBuilder()
                            .query(QueryBuilders.boolQuery()
                                    .minimumShouldMatch(1)
                                    .should(QueryBuilders.boolQuery()
                                            .filter(QueryBuilders.termQuery(AccessRollup.KIND, AccessRollup.ROW))
                                            .mustNot(QueryBuilders.termsQuery(AccessRollup.BUILD, builds)))
                                    .should(QueryBuilders.boolQuery()
                                            .mustNot(QueryBuilders.termsQuery(AccessRollup.SOURCE_UUID, uuids))))
                            .size(10_000)
                            .fetchSource(false))
                    .get();
            SearchHit[] hits = r.getHits().getHits();
            if (hits.length == 0) return deleted;
            BulkRequest bulk = new BulkRequest().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
            for (SearchHit h : hits) bulk.add(new DeleteRequest(AccessRollup.INDEX, h.getId()));
            client.bulk(bulk).actionGet();
            deleted += hits.length;
        }
    }
}
