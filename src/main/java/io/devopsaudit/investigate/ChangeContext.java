/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.schema.Fields;
import io.devopsaudit.schema.IndexNames;
import org.opensearch.OpenSearchException;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.search.MultiSearchRequest;
import org.opensearch.action.search.MultiSearchResponse;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.sort.SortOrder;
import org.opensearch.transport.client.Client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * "The full context around a change": the event, every event of its request (same {@code audit.correlation_id}),
 * the same actor's events ({@link #sameActor}), the events from the same source IP and the events on the same object
 * ({@link #sameObject}) from {@code before} to {@code after} around it, in time order, each marked with why it is
 * there ({@code same_request}, {@code same_actor}, {@code same_ip}, {@code same_object}), and the GitLab request events
 * of its correlation id ({@code request}). Blocking: run on a generic thread.
 */
public final class ChangeContext {
    public static final int MAX_EVENTS = 1000;
    static final TimeValue DEFAULT_WINDOW = TimeValue.timeValueMinutes(15);
    static final int MAX_WINDOW_DAYS = 366;
    private final Client client;

    public ChangeContext(Client client) {
        this.client = client;
    }

    /** The context of event {@code id}, searched in {@code indices} (the event indices, as the Security plugin let the request through). */
    public ChangeContextResult run(String id, TimeValue before, TimeValue after, String[] indices) {
        SearchHit event = one(
                indices,
                QueryBuilders.boolQuery()
                        .minimumShouldMatch(1)
                        .should(QueryBuilders.idsQuery().addIds(id))
                        .should(QueryBuilders.termQuery(Fields.AUDIT_DEDUP_KEY, id))
                        .should(QueryBuilders.termQuery(Fields.EVENT_ID, id)));
        if (event == null) {
            throw new OpenSearchStatusException(
                    "no audit event with id [" + id + "] (an _id, audit.dedup_key or event.id)", RestStatus.NOT_FOUND);
        }
        Map<String, Object> source = event.getSourceAsMap();
        // an event stored before the intake bounded event times may lie beyond what epoch milliseconds hold: the
        // window is clamped to that range instead of overflowing
        Instant at = clamp(source.get(Fields.TIMESTAMP));
        Map<String, TimelineEntry> timeline = new TreeMap<>();
        boolean[] truncated = new boolean[1];
        add(timeline, event, "event");
        // the searches of every reason go to the node at once (one multi-search), not one after the other
        List<String> reasons = new ArrayList<>();
        MultiSearchRequest searches = new MultiSearchRequest();
        String correlation = value(source, "audit", "correlation_id");
        if (correlation != null) {
            reasons.add("same_request");
            searches.add(manyRequest(indices, QueryBuilders.termQuery(Fields.AUDIT_CORRELATION_ID, correlation)));
            // the GitLab request (production_json.log, api_json.log, auth_json.log lines) that caused the event
            reasons.add("request");
            searches.add(manyRequest(
                    new String[] {IndexNames.REQUESTS},
                    QueryBuilders.termQuery(Fields.AUDIT_CORRELATION_ID, correlation)));
        }
        String actor =
                value(source, "user", "name") != null ? value(source, "user", "name") : value(source, "user", "id");
        Instant from = clamp(at.minusMillis(before.millis()));
        Instant to = clamp(at.plusMillis(after.millis()));
        QueryBuilder actorQuery = sameActor(source);
        if (actorQuery != null) {
            reasons.add("same_actor");
            searches.add(manyRequest(indices, inWindow(actorQuery, from, to)));
        }
        String ip = Export.value(source, Fields.SOURCE_IP);
        if (ip != null) {
            // the address the change came from: a takeover shows as failed sign-ins or a session from it
            reasons.add("same_ip");
            searches.add(manyRequest(indices, inWindow(QueryBuilders.termQuery(Fields.SOURCE_IP, ip), from, to)));
        }
        QueryBuilder object = sameObject(source);
        if (object != null) {
            reasons.add("same_object");
            searches.add(manyRequest(indices, inWindow(object, from, to)));
        }
        if (reasons.isEmpty() == false) {
            MultiSearchResponse.Item[] items =
                    client.multiSearch(searches).actionGet().getResponses();
            for (int i = 0; i < items.length; i++) {
                if (items[i].isFailure()) throw new OpenSearchException(items[i].getFailure());
                SearchResponse r = items[i].getResponse();
                SearchHit[] hits = r.getHits().getHits();
                if (r.getHits().getTotalHits() != null
                        && r.getHits().getTotalHits().value() > hits.length) truncated[0] = true;
                for (SearchHit h : hits) add(timeline, h, reasons.get(i));
            }
        }
        // each of the four searches returns at most MAX_EVENTS events; saying so beats a silently short timeline
        return new ChangeContextResult(
                event.getId(),
                correlation,
                actor,
                ip,
                from.toString(),
                to.toString(),
                timeline.size(),
                truncated[0],
                MAX_EVENTS,
                timeline.values().stream().map(TimelineEntry::event).toList());
    }

    private static QueryBuilder inWindow(QueryBuilder q, Instant from, Instant to) {
        return QueryBuilders.boolQuery()
                .filter(q)
                .filter(QueryBuilders.rangeQuery(Fields.TIMESTAMP)
                        .gte(from.toEpochMilli())
                        .lte(to.toEpochMilli())
                        .format("epoch_millis"));
    }

    /**
     * The same actor's events: on the same provider and instance by user id (else name), and on any provider by the
     * same e-mail. A name alone never crosses providers or instances: CircleCI's {@code alice} need not be GitLab's.
     * Null when the event names no actor.
     */
    static QueryBuilder sameActor(Map<String, Object> source) {
        String provider = Export.value(source, Fields.EVENT_PROVIDER);
        String instance = Export.value(source, Fields.AUDIT_INSTANCE);
        String name = Export.value(source, Fields.USER_NAME);
        String id = Export.value(source, Fields.USER_ID);
        String email = Export.value(source, Fields.USER_EMAIL);
        BoolQueryBuilder any = QueryBuilders.boolQuery().minimumShouldMatch(1);
        if (provider != null && (id != null || name != null)) {
            BoolQueryBuilder local = QueryBuilders.boolQuery()
                    .filter(QueryBuilders.termQuery(Fields.EVENT_PROVIDER, provider))
                    .filter(
                            id != null
                                    ? QueryBuilders.termQuery(Fields.USER_ID, id)
                                    : QueryBuilders.termQuery(Fields.USER_NAME, name));
            if (instance == null) local.mustNot(QueryBuilders.existsQuery(Fields.AUDIT_INSTANCE));
            else local.filter(QueryBuilders.termQuery(Fields.AUDIT_INSTANCE, instance));
            any.should(local);
            if (id != null && name != null) {
                // the same account's events that carry only its name (some GitLab formats give no id)
                BoolQueryBuilder byName = QueryBuilders.boolQuery()
                        .filter(QueryBuilders.termQuery(Fields.EVENT_PROVIDER, provider))
                        .filter(QueryBuilders.termQuery(Fields.USER_NAME, name))
                        .mustNot(QueryBuilders.existsQuery(Fields.USER_ID));
                if (instance == null) byName.mustNot(QueryBuilders.existsQuery(Fields.AUDIT_INSTANCE));
                else byName.filter(QueryBuilders.termQuery(Fields.AUDIT_INSTANCE, instance));
                any.should(byName);
            }
        }
        if (email != null) any.should(QueryBuilders.termQuery(Fields.USER_EMAIL, email));
        return any.should().isEmpty() ? null : any;
    }

    /**
     * The events on the object the change is about, on the same provider and instance: the same target (by
     * {@code audit.target.type} and id, else name), and, when the change is to the project or group itself (no
     * target, or the target is that project/group), every event in that project or group. A change to a member of a
     * group is about the member, not about everything else in the group. Null when the event names no object.
     */
    static QueryBuilder sameObject(Map<String, Object> source) {
        String provider = Export.value(source, Fields.EVENT_PROVIDER);
        String instance = Export.value(source, Fields.AUDIT_INSTANCE);
        String targetType = Export.value(source, Fields.AUDIT_TARGET_TYPE);
        String targetId = Export.value(source, Fields.AUDIT_TARGET_ID);
        String targetName = Export.value(source, Fields.AUDIT_TARGET_NAME);
        String scopeType = Export.value(source, Fields.AUDIT_SCOPE_TYPE);
        String scopeId = Export.value(source, Fields.AUDIT_SCOPE_ID);
        String scopePath = Export.value(source, Fields.AUDIT_SCOPE_PATH);
        BoolQueryBuilder any = QueryBuilders.boolQuery().minimumShouldMatch(1);
        if (targetType != null && (targetId != null || targetName != null)) {
            any.should(QueryBuilders.boolQuery()
                    .filter(QueryBuilders.termQuery(Fields.AUDIT_TARGET_TYPE, targetType))
                    .filter(
                            targetId != null
                                    ? QueryBuilders.termQuery(Fields.AUDIT_TARGET_ID, targetId)
                                    : QueryBuilders.termQuery(Fields.AUDIT_TARGET_NAME, targetName)));
        }
        boolean container = "project".equals(scopeType) || "group".equals(scopeType);
        // the target is the container itself: same kind (GitLab: Project, Group, Namespaces::...) and same id or path
        String kind = targetType == null ? "" : targetType.toLowerCase(java.util.Locale.ROOT);
        boolean sameKind = kind.contains("project") || kind.contains("group") || kind.contains("namespace");
        boolean itself = targetType == null
                || (sameKind
                        && ((targetId != null && targetId.equals(scopeId))
                                || (targetName != null && targetName.equals(scopePath))));
        if (container && itself && scopePath != null) {
            any.should(QueryBuilders.termQuery(Fields.AUDIT_SCOPE_PATH, scopePath));
        }
        if (any.should().isEmpty() || provider == null) return null;
        BoolQueryBuilder q = QueryBuilders.boolQuery()
                .filter(QueryBuilders.termQuery(Fields.EVENT_PROVIDER, provider))
                .filter(any);
        if (instance == null) q.mustNot(QueryBuilders.existsQuery(Fields.AUDIT_INSTANCE));
        else q.filter(QueryBuilders.termQuery(Fields.AUDIT_INSTANCE, instance));
        return q;
    }

    /** A window bound from a REST parameter: 15 minutes when absent. */
    public static TimeValue duration(String key, String value) {
        if (value == null) return DEFAULT_WINDOW;
        TimeValue t;
        try {
            t = TimeValue.parseTimeValue(value, key);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(durationMessage(key, value));
        }
        checkDuration(key, t);
        return t;
    }

    static void checkDuration(String key, TimeValue t) {
        if (t.millis() < 0 || t.days() > MAX_WINDOW_DAYS)
            throw new IllegalArgumentException(durationMessage(key, t.getStringRep()));
    }

    private static String durationMessage(String key, String value) {
        return "[" + key + "] must be a duration such as 15m, 2h or 1d (at most " + MAX_WINDOW_DAYS + "d), found ["
                + value + "]";
    }

    private static String value(Map<String, Object> source, String parent, String leaf) {
        return source.get(parent) instanceof Map<?, ?> m && m.get(leaf) != null
                ? m.get(leaf).toString()
                : null;
    }

    /** An event of the timeline being gathered, with the reasons found so far. */
    private record TimelineEntry(SearchHit hit, Map<String, Object> source, List<String> reasons) {
        ChangeContextResult.Event event() {
            return new ChangeContextResult.Event(
                    hit.getId(), hit.getIndex(), source.get(Fields.TIMESTAMP), reasons, source);
        }
    }

    /** Sorted by time then id; an event found twice keeps every reason. */
    private static void add(Map<String, TimelineEntry> timeline, SearchHit hit, String reason) {
        Map<String, Object> source = hit.getSourceAsMap();
        String key = source.get(Fields.TIMESTAMP) + "|" + hit.getId();
        TimelineEntry entry = timeline.computeIfAbsent(key, k -> new TimelineEntry(hit, source, new ArrayList<>()));
        if (entry.reasons().contains(reason) == false) entry.reasons().add(reason);
    }

    private SearchHit one(String[] indices, QueryBuilder q) {
        SearchHit[] hits = search(indices, q, 1);
        return hits.length == 0 ? null : hits[0];
    }

    /**
     * The search for one reason: at most MAX_EVENTS events in time order (the answer says {@code truncated} when more
     * matched). Audit events only, unless the search is the one over the request indices (reason {@code request}).
     */
    private static SearchRequest manyRequest(String[] indices, QueryBuilder q) {
        QueryBuilder which = indices.length == 1 && indices[0].equals(IndexNames.REQUESTS)
                ? q
                : QueryBuilders.boolQuery().filter(q).mustNot(AccessReport.requestEvents());
        return new SearchRequest(indices)
                .indicesOptions(IndicesOptions.lenientExpandOpen())
                .source(source(which, MAX_EVENTS));
    }

    private static SearchSourceBuilder source(QueryBuilder q, int size) {
        return new SearchSourceBuilder()
                .query(q)
                .size(size)
                .trackTotalHitsUpTo(size + 1)
                .sort(Fields.TIMESTAMP, SortOrder.ASC);
    }

    private SearchHit[] search(String[] indices, QueryBuilder q, int size) {
        return searchResponse(indices, q, size).getHits().getHits();
    }

    private SearchResponse searchResponse(String[] indices, QueryBuilder q, int size) {
        return client.prepareSearch(indices)
                .setIndicesOptions(IndicesOptions.lenientExpandOpen())
                .setSource(source(q, size))
                .get();
    }

    static final Instant EARLIEST_MILLIS = Instant.ofEpochMilli(Long.MIN_VALUE);
    static final Instant LATEST_MILLIS = Instant.ofEpochMilli(Long.MAX_VALUE);

    static Instant clamp(Object timestamp) {
        Instant t;
        try {
            t = timestamp instanceof Instant i ? i : Instant.parse(String.valueOf(timestamp));
        } catch (RuntimeException e) {
            throw new IllegalStateException("the stored event has no readable @timestamp [" + timestamp + "]", e);
        }
        return t.isBefore(EARLIEST_MILLIS) ? EARLIEST_MILLIS : t.isAfter(LATEST_MILLIS) ? LATEST_MILLIS : t;
    }
}
