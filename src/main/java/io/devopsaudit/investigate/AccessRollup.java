/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.content.SetupService;
import io.devopsaudit.schema.EnrichedFields;
import io.devopsaudit.schema.Fields;
import io.devopsaudit.schema.IndexNames;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.action.search.MultiSearchRequest;
import org.opensearch.action.search.MultiSearchResponse;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.regex.Regex;
import org.opensearch.common.settings.Setting;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.SearchHit;
import org.opensearch.search.aggregations.AggregationBuilders;
import org.opensearch.search.aggregations.bucket.histogram.DateHistogramInterval;
import org.opensearch.search.aggregations.bucket.histogram.Histogram;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.transport.client.Client;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pre-counted accesses: per event index and UTC day, the access report's events grouped by every field its searches
 * read or filter on, one row per distinct combination with the number of events as its {@code _doc_count} and the
 * first and last event time as its two {@code @timestamp} values. OpenSearch's bucket aggregations count a row as that
 * many documents, so a search over the event indices and these rows answers every count, bucket, first and last of the
 * report exactly as the events alone would, reading a row where it would have read the events it stands for.
 *
 * <p>Exactness. {@link AccessRollupService} writes a day's rows only once the day is over and quiet, and then a marker
 * holding the day's number of events (of every kind) and the latest {@code event.ingested} among them. A report uses
 * a day's rows only when, at the time it asks, the index still has that uuid, the day still holds exactly that many
 * events, and none of them was ingested after the marker's latest: an event added late, a richer copy replacing one,
 * a deletion or a recreated index all send that day back to the events themselves. Days at the edges of a window, days
 * not yet rolled up and every question that names {@code categories} or {@code actions} read the events.
 */
public final class AccessRollup {
    private static final Logger logger = LogManager.getLogger(AccessRollup.class);

    /**
     * A hidden index outside {@code devops-audit-*}: no index pattern, dashboard or role of the audit events reaches
     * it by accident. A role reads it only when granted by name (the shipped analyst and admin roles are).
     */
    public static final String INDEX = IndexNames.ACCESS_ROLLUP;

    public static final Setting<Boolean> ENABLED = Setting.boolSetting(
            "devops_audit.access_rollup.enabled", true, Setting.Property.NodeScope, Setting.Property.Dynamic);

    static final String KIND = "rollup.kind";
    static final String ROW = "row";
    static final String DAY = "day";
    static final String SOURCE_INDEX = "rollup.index";
    static final String SOURCE_UUID = "rollup.index_uuid";
    static final String DAY_START = "rollup.day";
    static final String EVENTS = "rollup.events";
    static final String ACCESSES = "rollup.accesses";
    static final String LAST_INGESTED = "rollup.last_ingested";
    static final String BUILT_AT = "rollup.built_at";
    /** Which build of a day a row belongs to: a report reads only the rows of the build its marker names. */
    static final String BUILD = "rollup.build";

    /**
     * The fields a row is grouped by: every field the access report and its identity resolution read or filter on
     * (scope, provider and instance, user id, name and e-mail, address, client, country and network, action).
     */
    static final List<String> DIMENSIONS = List.of(
            Fields.EVENT_PROVIDER,
            Fields.AUDIT_INSTANCE,
            Fields.AUDIT_SCOPE_PATH,
            Fields.ORGANIZATION_NAME,
            Fields.AUDIT_TARGET_NAME,
            Fields.EVENT_ACTION,
            Fields.USER_ID,
            Fields.USER_NAME,
            Fields.USER_EMAIL,
            Fields.SOURCE_IP,
            Fields.USER_AGENT_ORIGINAL,
            EnrichedFields.SOURCE_GEO_COUNTRY_ISO_CODE,
            EnrichedFields.SOURCE_AS_NUMBER);

    /** A report window's days beyond this many read the events (a bool query holds at most 1,024 clauses). */
    static final int MAX_DAYS = 900;

    private AccessRollup() {}

    /** The events a row stands for: the report's accesses, never request events. */
    static QueryBuilder rolledEvents() {
        return QueryBuilders.boolQuery().filter(AccessReport.accesses()).mustNot(AccessReport.requestEvents());
    }

    /**
     * The index's mapping: each dimension as the event template maps it (so a search over both sees one type per
     * field), the time, and the rollup's own fields.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> mapping() {
        Map<String, Object> events = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                                SetupService.resource("index-template.json").get("template"))
                        .get("mappings"))
                .get("properties");
        Map<String, Object> properties = new TreeMap<>();
        List<String> fields = new ArrayList<>(DIMENSIONS);
        fields.add(Fields.TIMESTAMP);
        for (String field : fields) {
            Map<String, Object> cur = events;
            Map<String, Object> out = properties;
            String[] parts = field.split("\\.");
            for (int i = 0; i < parts.length; i++) {
                Map<String, Object> def = (Map<String, Object>) cur.get(parts[i]);
                if (def == null) throw new IllegalStateException("the event template does not map [" + field + "]");
                if (i == parts.length - 1) {
                    out.put(parts[i], def);
                } else {
                    cur = (Map<String, Object>) def.get("properties");
                    out = (Map<String, Object>) ((Map<String, Object>) out.computeIfAbsent(
                                    parts[i], k -> new TreeMap<>(Map.of("properties", new TreeMap<>()))))
                            .get("properties");
                }
            }
        }
        Map<String, Object> rollup = new LinkedHashMap<>();
        rollup.put("kind", Map.of("type", "keyword"));
        rollup.put("index", Map.of("type", "keyword"));
        rollup.put("index_uuid", Map.of("type", "keyword"));
        rollup.put("day", Map.of("type", "date"));
        rollup.put("events", Map.of("type", "long"));
        rollup.put("accesses", Map.of("type", "long"));
        rollup.put("last_ingested", Map.of("type", "date"));
        rollup.put("built_at", Map.of("type", "date"));
        rollup.put("build", Map.of("type", "keyword"));
        rollup.put("rows", Map.of("type", "long"));
        properties.put("rollup", Map.of("properties", rollup));
        return Map.of("dynamic", "strict", "properties", properties);
    }

    /** One event index's days [start, end) whose rows (of those builds) a report reads instead of its events. */
    record Span(String index, String uuid, Instant start, Instant end, List<String> builds) {}

    /**
     * A day's marker as stored: which index (name and uuid), the day, its events (of every kind), its accesses, its
     * latest ingest time and the build its rows carry.
     */
    record Marker(
            String index, String uuid, Instant day, long events, long accesses, Instant lastIngested, String build) {
        static Marker of(Map<String, Object> source) {
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) source.get("rollup");
            return new Marker(
                    (String) r.get("index"),
                    (String) r.get("index_uuid"),
                    Instant.parse((String) r.get("day")),
                    ((Number) r.get("events")).longValue(),
                    ((Number) r.get("accesses")).longValue(),
                    Instant.parse((String) r.get("last_ingested")),
                    (String) r.get("build"));
        }
    }

    /**
     * How a report reads its accesses: the spans of days it reads as rows (none: every event is read).
     *
     * @param spans contiguous valid days per index, in order
     * @param days how many days the spans hold
     */
    public record Plan(List<Span> spans, int days) {
        public static final Plan NONE = new Plan(List.of(), 0);

        /** The indices to search: the event indices, and the rollup index when a span is read from it. */
        String[] indices(String[] events) {
            if (spans.isEmpty()) return events;
            String[] out = java.util.Arrays.copyOf(events, events.length + 1);
            out[events.length] = INDEX;
            return out;
        }

        /**
         * {@code events} (the report's query on the events) outside the spans, or {@code rows} (the same question
         * without the access definition, which every row already meets) on the rows of the spans.
         */
        QueryBuilder query(QueryBuilder events, QueryBuilder rows) {
            if (spans.isEmpty()) return events;
            BoolQueryBuilder rolledEvents = QueryBuilders.boolQuery().minimumShouldMatch(1);
            List<String> builds = new ArrayList<>();
            for (Span s : spans) {
                rolledEvents.should(QueryBuilders.boolQuery()
                        .filter(QueryBuilders.termQuery("_index", s.index()))
                        .filter(QueryBuilders.rangeQuery(Fields.TIMESTAMP)
                                .gte(s.start().toEpochMilli())
                                .lt(s.end().toEpochMilli())
                                .format("epoch_millis")));
                builds.addAll(s.builds());
            }
            return QueryBuilders.boolQuery()
                    .minimumShouldMatch(1)
                    .should(QueryBuilders.boolQuery()
                            .filter(events)
                            .mustNot(QueryBuilders.termQuery("_index", INDEX))
                            .mustNot(rolledEvents))
                    .should(QueryBuilders.boolQuery()
                            .filter(QueryBuilders.termQuery("_index", INDEX))
                            .filter(QueryBuilders.termQuery(KIND, ROW))
                            .filter(QueryBuilders.termsQuery(BUILD, builds))
                            .filter(rows));
        }
    }

    /**
     * The spans a report over {@code f} may read as rows, found as the caller: the markers of the window's whole days
     * (the caller must be allowed to read the rollup index), each index still holding the uuid its marker names, and
     * per index one multi-search item counting its events per day and one finding any event of those days ingested
     * after its marker (the caller must be allowed to read the index). Anything that fails, or is not as the marker
     * says, leaves those days to the events.
     */
    static Plan plan(Client client, ClusterService clusterService, InvestigationFilter f, boolean enabled) {
        if (enabled == false || f.which() != null) return Plan.NONE;
        Instant first = ceilDay(f.from());
        // the window includes its last millisecond
        Instant end = f.to().plusMillis(1).truncatedTo(ChronoUnit.DAYS);
        if (first.isBefore(end) == false) return Plan.NONE;
        if (clusterService.state().metadata().hasIndex(INDEX) == false) return Plan.NONE;
        List<Marker> markers;
        try {
            markers = markers(
                    client,
                    QueryBuilders.rangeQuery(DAY_START)
                            .gte(first.toEpochMilli())
                            .lt(end.toEpochMilli())
                            .format("epoch_millis"));
        } catch (RuntimeException e) {
            // not allowed to read the rollup, or it cannot answer: the events answer alone
            logger.debug("access report reads the events only: the rollup markers could not be read", e);
            return Plan.NONE;
        }
        Map<String, List<Marker>> byIndex = new LinkedHashMap<>();
        int days = 0;
        for (Marker m : markers) {
            IndexMetadata index = clusterService.state().metadata().index(m.index());
            if (index == null || index.getIndexUUID().equals(m.uuid()) == false) continue;
            if (Regex.simpleMatch(AccessReport.EVENT_INDICES, m.index()) == false) continue;
            if (days++ >= MAX_DAYS) break;
            byIndex.computeIfAbsent(m.index(), k -> new ArrayList<>()).add(m);
        }
        if (byIndex.isEmpty()) return Plan.NONE;
        MultiSearchRequest checks = new MultiSearchRequest();
        List<String> order = new ArrayList<>(byIndex.keySet());
        for (String index : order) {
            List<Marker> ms = byIndex.get(index);
            checks.add(new SearchRequest(index)
                    .indicesOptions(IndicesOptions.strictExpandOpen())
                    .source(new SearchSourceBuilder()
                            .size(0)
                            .query(QueryBuilders.rangeQuery(Fields.TIMESTAMP)
                                    .gte(ms.get(0).day().toEpochMilli())
                                    .lt(ms.get(ms.size() - 1)
                                            .day()
                                            .plus(Duration.ofDays(1))
                                            .toEpochMilli())
                                    .format("epoch_millis"))
                            .aggregation(perDay())));
            BoolQueryBuilder late = QueryBuilders.boolQuery().minimumShouldMatch(1);
            for (Marker m : ms) {
                late.should(QueryBuilders.boolQuery()
                        .filter(QueryBuilders.rangeQuery(Fields.TIMESTAMP)
                                .gte(m.day().toEpochMilli())
                                .lt(m.day().plus(Duration.ofDays(1)).toEpochMilli())
                                .format("epoch_millis"))
                        .filter(QueryBuilders.rangeQuery(Fields.EVENT_INGESTED)
                                .gt(m.lastIngested().toEpochMilli())
                                .format("epoch_millis")));
            }
            checks.add(new SearchRequest(index)
                    .indicesOptions(IndicesOptions.strictExpandOpen())
                    .source(new SearchSourceBuilder().size(0).query(late).aggregation(perDay())));
        }
        MultiSearchResponse.Item[] items;
        try {
            items = client.multiSearch(checks).actionGet().getResponses();
        } catch (RuntimeException e) {
            logger.debug("access report reads the events only: the rollup checks failed", e);
            return Plan.NONE;
        }
        List<Span> spans = new ArrayList<>();
        int valid = 0;
        for (int i = 0; i < order.size(); i++) {
            MultiSearchResponse.Item counted = items[2 * i];
            MultiSearchResponse.Item late = items[2 * i + 1];
            if (counted.isFailure() || late.isFailure()) continue;
            Map<Long, Long> events = dayCounts(counted.getResponse());
            Map<Long, Long> changed = dayCounts(late.getResponse());
            Span open = null;
            for (Marker m : byIndex.get(order.get(i))) {
                long day = m.day().toEpochMilli();
                boolean ok = events.getOrDefault(day, 0L) == m.events() && changed.containsKey(day) == false;
                if (ok == false) {
                    if (open != null) spans.add(open);
                    open = null;
                    continue;
                }
                valid++;
                Instant next = m.day().plus(Duration.ofDays(1));
                if (open != null && open.end().equals(m.day())) {
                    List<String> builds = new ArrayList<>(open.builds());
                    builds.add(m.build());
                    open = new Span(open.index(), open.uuid(), open.start(), next, builds);
                } else {
                    if (open != null) spans.add(open);
                    open = new Span(m.index(), m.uuid(), m.day(), next, List.of(m.build()));
                }
            }
            if (open != null) spans.add(open);
        }
        return spans.isEmpty() ? Plan.NONE : new Plan(Collections.unmodifiableList(spans), valid);
    }

    /** The day markers {@code which} selects (at most 10,000), in day order. */
    static List<Marker> markers(Client client, QueryBuilder which) {
        SearchResponse r = client.prepareSearch(INDEX)
                .setSource(new SearchSourceBuilder()
                        .query(QueryBuilders.boolQuery()
                                .filter(QueryBuilders.termQuery(KIND, DAY))
                                .filter(which))
                        .size(10_000)
                        .sort(DAY_START))
                .get();
        List<Marker> out = new ArrayList<>();
        for (SearchHit h : r.getHits().getHits()) out.add(Marker.of(h.getSourceAsMap()));
        return out;
    }

    /** The start of a {@link #perDay} bucket's day. */
    static Instant dayOf(Histogram.Bucket b) {
        return ((java.time.ZonedDateTime) b.getKey()).toInstant();
    }

    /** Events per UTC day ({@code day} buckets of {@code @timestamp}). */
    static org.opensearch.search.aggregations.bucket.histogram.DateHistogramAggregationBuilder perDay() {
        return AggregationBuilders.dateHistogram("day")
                .field(Fields.TIMESTAMP)
                .calendarInterval(DateHistogramInterval.DAY)
                .minDocCount(1);
    }

    /** The {@link #perDay} buckets of {@code r}: day start in epoch milliseconds to events. */
    static Map<Long, Long> dayCounts(SearchResponse r) {
        Map<Long, Long> out = new HashMap<>();
        if (r.getAggregations() == null) return out;
        Histogram h = r.getAggregations().get("day");
        for (Histogram.Bucket b : h.getBuckets()) {
            out.put(dayOf(b).toEpochMilli(), b.getDocCount());
        }
        return out;
    }

    /** The first whole day at or after {@code t}. */
    static Instant ceilDay(Instant t) {
        Instant day = t.truncatedTo(ChronoUnit.DAYS);
        return day.equals(t) ? day : day.plus(Duration.ofDays(1));
    }
}
