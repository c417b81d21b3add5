/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.schema.Fields;
import org.opensearch.OpenSearchException;
import org.opensearch.action.search.MultiSearchRequest;
import org.opensearch.action.search.MultiSearchResponse;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.aggregations.AggregationBuilder;
import org.opensearch.search.aggregations.AggregationBuilders;
import org.opensearch.search.aggregations.Aggregations;
import org.opensearch.search.aggregations.BucketOrder;
import org.opensearch.search.aggregations.bucket.composite.CompositeAggregation;
import org.opensearch.search.aggregations.bucket.composite.CompositeAggregationBuilder;
import org.opensearch.search.aggregations.bucket.composite.CompositeValuesSourceBuilder;
import org.opensearch.search.aggregations.bucket.composite.TermsValuesSourceBuilder;
import org.opensearch.search.aggregations.bucket.filter.Filter;
import org.opensearch.search.aggregations.bucket.missing.Missing;
import org.opensearch.search.aggregations.bucket.terms.IncludeExclude;
import org.opensearch.search.aggregations.bucket.terms.Terms;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.transport.client.Client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is who across sources, resolved at report time. Most sources name a user without an e-mail (streamed events,
 * {@code audit_json.log} lines, older CSV exports, CircleCI); API pages and newer CSV exports carry both. The e-mails of
 * a user are learnt from every stored event, of any time and scope, that carries {@code user.email} together with the
 * user's id or name, on the same provider and instance ({@code audit.instance}: user 7 of one GitLab is not user 7 of
 * another). Resolving when the question is asked, instead of keeping an identities index up to date at ingest, means
 * the answer always reflects everything stored (an e-mail learnt from an API page imported today applies to last
 * year's streamed events) and there is no second index to keep consistent, back up or secure: the cost is one
 * aggregation over the e-mail-bearing events of the report's users.
 *
 * <p>Keys are joined only with keys of the same kind, read from the same fields: a user id ({@code user.id}) with a user
 * id of the same provider and instance, a name ({@code user.name}) with a name. A project, group or target id
 * ({@code audit.scope.id}, {@code audit.target.id}) is never a user's key, however equal its value. A user with an id is
 * the same user as an event with the same id (ids are stable, names can be renamed); a user known only by name
 * matches by name. GitLab's pseudo-authors (ids &lt;= 0: unauthenticated, deploy tokens and keys, system) are no
 * person and are matched by name only.
 */
final class Identities {
    /** A user as the events name them: provider, instance (null when none was named), id and name (either may be null). */
    record User(String provider, String instance, String id, String name) {
        User {
            if (id != null && (id.startsWith("-") || id.equals("0"))) id = null;
        }

        /** The key this user is joined on: its id where it has one, else its name; per provider and instance. */
        Key key() {
            return id != null ? new Key(provider, instance, "id", id) : new Key(provider, instance, "name", name);
        }

        /** Whether {@code known} is this user: the same key (an id only ever equals an id, a name a name). */
        boolean sameAs(User known) {
            return key().equals(known.key());
        }

        User withName(String name) {
            return new User(provider, instance, id, name);
        }
    }

    /** A join key: provider, instance, the kind of key ({@code id} or {@code name}) and its value. */
    record Key(String provider, String instance, String kind, String value) {}

    /**
     * The outcome for one question: its users with their event counts (at most {@code max + 1}), the e-mails known
     * for them, the users of an excluded domain, and the question's query with their events excluded.
     */
    record Resolution(Map<User, Long> users, Map<User, Set<String>> emails, List<User> excluded, QueryBuilder query) {
        /** The users for whom more than one e-mail is known. */
        Map<User, Set<String>> severalEmails() {
            Map<User, Set<String>> out = new LinkedHashMap<>();
            emails.forEach((u, e) -> {
                if (e.size() > 1) out.put(u, e);
            });
            return out;
        }
    }

    static final String CANDIDATES = "identities";
    private static final String IDS = "ids";
    private static final String UNNAMED = "without_id";
    private static final String NAMES = "names";
    private static final String PROVIDERS = "providers";
    private static final String INSTANCES = "instances";
    private static final String NO_INSTANCE = "no_instance";
    private static final String EMAILS = "emails";
    private final Client client;
    /** Where e-mails are learnt: the event indices (every event of any kind carrying one), never the rollup. */
    private final String[] events;
    /** The node's bucket limit ({@code search.max_buckets}): no composite page may be larger. */
    private final int maxBuckets;

    Identities(Client client, int maxBuckets, String[] events) {
        this.client = client;
        this.events = events;
        this.maxBuckets = maxBuckets;
    }

    /**
     * The aggregation that finds the users of a question's events with their counts, in the same pass as the report's
     * other aggregations: the real user ids, the names of the events without one, and the providers and instances
     * (one each, almost always). Single-field aggregations under one single-bucket parent: each reads its field's
     * ordinals once per event, where a multi-field key (a composite of provider, instance, id and name) costs several
     * times as much at millions of events.
     */
    AggregationBuilder candidates(int max) {
        return AggregationBuilders.filter(CANDIDATES, QueryBuilders.matchAllQuery())
                .subAggregation(AggregationBuilders.terms(IDS)
                        .field(Fields.USER_ID)
                        .size(max + 1)
                        .shardSize(max + 1)
                        .includeExclude(new IncludeExclude(null, PSEUDO_IDS))
                        .order(BucketOrder.key(true)))
                .subAggregation(AggregationBuilders.filter(
                                UNNAMED, QueryBuilders.boolQuery().mustNot(idQuery()))
                        .subAggregation(AggregationBuilders.terms(NAMES)
                                .field(Fields.USER_NAME)
                                .size(max + 1)
                                .shardSize(max + 1)
                                .order(BucketOrder.key(true))))
                .subAggregation(AggregationBuilders.terms(PROVIDERS)
                        .field(Fields.EVENT_PROVIDER)
                        .size(10))
                .subAggregation(AggregationBuilders.terms(INSTANCES)
                        .field(Fields.AUDIT_INSTANCE)
                        .size(100))
                .subAggregation(AggregationBuilders.missing(NO_INSTANCE).field(Fields.AUDIT_INSTANCE));
    }

    /** GitLab's pseudo-author ids (&lt;= 0), which are no person: their events are matched by name. */
    private static final String PSEUDO_IDS = "-.*|0";

    /**
     * Resolves the users of {@code direct}'s events and excludes those with an e-mail of one of {@code domains};
     * {@code withNames}: the excluded users get their names (for searches by name, such as the request events').
     */
    Resolution resolve(String[] indices, QueryBuilder direct, List<String> domains, int max, boolean withNames) {
        SearchResponse r = client.prepareSearch(indices)
                .setIndicesOptions(IndicesOptions.lenientExpandOpen())
                .setSource(new SearchSourceBuilder().query(direct).size(0).aggregation(candidates(max)))
                .get();
        return resolve(indices, direct, users(indices, direct, r.getAggregations(), max), domains, withNames);
    }

    /** Resolves {@code users} (read from {@link #candidates} over {@code direct}'s events). */
    Resolution resolve(
            String[] indices, QueryBuilder direct, Map<User, Long> users, List<String> domains, boolean withNames) {
        Map<User, Set<String>> emails = emails(events, users.keySet());
        List<User> excluded = new ArrayList<>();
        for (User u : users.keySet()) {
            Set<String> known = emails.get(u);
            if (known != null && known.stream().anyMatch(e -> inDomains(e, domains))) excluded.add(u);
        }
        QueryBuilder query = excluding(direct, users.keySet(), excluded, AccessReport.MAX_DISTINCT);
        // the users an answer names one by one get their names: those no e-mail is known for, those with several,
        // and the excluded ones when asked
        Set<User> shown = new HashSet<>();
        for (User u : users.keySet()) {
            Set<String> e = emails.get(u);
            if (e == null || e.size() > 1) shown.add(u);
        }
        if (withNames) shown.addAll(excluded);
        Map<User, User> named = names(indices, direct, shown);
        if (named.isEmpty() == false) {
            Map<User, Long> renamed = new LinkedHashMap<>();
            users.forEach((u, n) -> renamed.put(named.getOrDefault(u, u), n));
            Map<User, Set<String>> renamedEmails = new LinkedHashMap<>();
            emails.forEach((u, e) -> renamedEmails.put(named.getOrDefault(u, u), e));
            excluded.replaceAll(u -> named.getOrDefault(u, u));
            return new Resolution(renamed, renamedEmails, excluded, query);
        }
        return new Resolution(users, emails, excluded, query);
    }

    /**
     * {@code direct}'s events without those of {@code excluded}. When fewer users stay than go (and every user of the
     * question is known: the bound was not hit), the same events are selected by keeping the users that stay and the
     * events that name nobody: on millions of events Lucene answers a short list of kept ids several times faster
     * than a long list of excluded ones in a {@code must_not} (measured: 2.5 s against 12 s for 1,666 kept and
     * 3,334 excluded users at 10 million events).
     */
    static QueryBuilder excluding(QueryBuilder direct, Collection<User> users, List<User> excluded, int max) {
        if (excluded.isEmpty()) return direct;
        if (users.size() <= max && users.size() - excluded.size() < excluded.size()) {
            Set<User> gone = new HashSet<>(excluded);
            List<User> kept =
                    users.stream().filter(u -> gone.contains(u) == false).toList();
            // the events no user was read from (no real id, no name): kept by the must_not form too
            BoolQueryBuilder nobody =
                    QueryBuilders.boolQuery().mustNot(idQuery()).mustNot(QueryBuilders.existsQuery(Fields.USER_NAME));
            BoolQueryBuilder stay =
                    QueryBuilders.boolQuery().minimumShouldMatch(1).should(nobody);
            if (kept.isEmpty() == false) stay.should(eventsOf(kept));
            return QueryBuilders.boolQuery().filter(direct).filter(stay);
        }
        return QueryBuilders.boolQuery().filter(direct).mustNot(eventsOf(excluded));
    }

    /**
     * The users of the {@link #candidates} aggregation in {@code aggs} with their event counts; at most {@code max + 1}
     * (one more than the bound says it was hit). When the events span several providers or instances, one more search
     * counts the users per provider and instance.
     */
    Map<User, Long> users(String[] indices, QueryBuilder query, Aggregations aggs, int max) {
        Map<User, Long> out = new LinkedHashMap<>();
        Filter all = aggs == null ? null : aggs.get(CANDIDATES);
        if (all == null || all.getDocCount() == 0) return out;
        Terms providers = all.getAggregations().get(PROVIDERS);
        Terms instances = all.getAggregations().get(INSTANCES);
        long withoutInstance = ((Missing) all.getAggregations().get(NO_INSTANCE)).getDocCount();
        long events = all.getDocCount();
        boolean oneProvider = providers.getBuckets().size() == 1
                && providers.getBuckets().get(0).getDocCount() == events;
        boolean oneInstance = (instances.getBuckets().size() == 1
                        && instances.getBuckets().get(0).getDocCount() == events)
                || (instances.getBuckets().isEmpty() && withoutInstance == events);
        if (oneProvider && oneInstance) {
            String provider = providers.getBuckets().get(0).getKeyAsString();
            String instance = instances.getBuckets().isEmpty()
                    ? null
                    : instances.getBuckets().get(0).getKeyAsString();
            collect(all.getAggregations(), provider, instance, out);
            return out;
        }
        // several providers or instances (or events without a provider): the same aggregation per pair
        SearchResponse pairs = client.prepareSearch(indices)
                .setIndicesOptions(IndicesOptions.lenientExpandOpen())
                .setSource(new SearchSourceBuilder()
                        .query(query)
                        .size(0)
                        .aggregation(AggregationBuilders.terms(PROVIDERS)
                                .field(Fields.EVENT_PROVIDER)
                                .size(10)
                                .subAggregation(AggregationBuilders.terms(INSTANCES)
                                        .field(Fields.AUDIT_INSTANCE)
                                        .size(100))
                                .subAggregation(
                                        AggregationBuilders.missing(NO_INSTANCE).field(Fields.AUDIT_INSTANCE))))
                .get();
        MultiSearchRequest perPair = new MultiSearchRequest();
        List<String[]> keys = new ArrayList<>();
        for (Terms.Bucket p : ((Terms) pairs.getAggregations().get(PROVIDERS)).getBuckets()) {
            List<String> pairInstances = new ArrayList<>();
            for (Terms.Bucket i : ((Terms) p.getAggregations().get(INSTANCES)).getBuckets())
                pairInstances.add(i.getKeyAsString());
            if (((Missing) p.getAggregations().get(NO_INSTANCE)).getDocCount() > 0) pairInstances.add(null);
            for (String instance : pairInstances) {
                keys.add(new String[] {p.getKeyAsString(), instance});
                perPair.add(new org.opensearch.action.search.SearchRequest(indices)
                        .indicesOptions(IndicesOptions.lenientExpandOpen())
                        .source(new SearchSourceBuilder()
                                .query(QueryBuilders.boolQuery()
                                        .filter(query)
                                        .filter(pair(p.getKeyAsString(), instance)))
                                .size(0)
                                .aggregation(candidates(max))));
            }
        }
        if (keys.isEmpty()) return out;
        MultiSearchResponse.Item[] items =
                client.multiSearch(perPair).actionGet().getResponses();
        for (int k = 0; k < items.length; k++) {
            if (items[k].isFailure()) throw new OpenSearchException(items[k].getFailure());
            Filter f = items[k].getResponse().getAggregations().get(CANDIDATES);
            collect(f.getAggregations(), keys.get(k)[0], keys.get(k)[1], out);
        }
        return out;
    }

    private static void collect(Aggregations aggs, String provider, String instance, Map<User, Long> out) {
        for (Terms.Bucket b : ((Terms) aggs.get(IDS)).getBuckets())
            out.merge(new User(provider, instance, b.getKeyAsString(), null), b.getDocCount(), Long::sum);
        Terms names = ((Filter) aggs.get(UNNAMED)).getAggregations().get(NAMES);
        for (Terms.Bucket b : names.getBuckets())
            out.merge(new User(provider, instance, null, b.getKeyAsString()), b.getDocCount(), Long::sum);
        // (more ids or names than asked for show as max + 1 of them: a shard leaves values out only when it holds
        // more than that many, so the caller sees the bound was hit)
    }

    /** The events of one provider and instance ({@code null}: events that name no instance). */
    private static QueryBuilder pair(String provider, String instance) {
        BoolQueryBuilder q = QueryBuilders.boolQuery().filter(QueryBuilders.termQuery(Fields.EVENT_PROVIDER, provider));
        if (instance == null) q.mustNot(QueryBuilders.existsQuery(Fields.AUDIT_INSTANCE));
        else q.filter(QueryBuilders.termQuery(Fields.AUDIT_INSTANCE, instance));
        return q;
    }

    /**
     * The users of {@code users} known by id, each with the name its events in {@code query} give most (the name
     * shown for it); users without an id keep theirs. Only for the users an answer lists one by one.
     */
    Map<User, User> names(String[] indices, QueryBuilder query, Collection<User> users) {
        Map<User, User> out = new HashMap<>();
        Map<List<String>, List<User>> byPair = new LinkedHashMap<>();
        for (User u : users) {
            if (u.id() != null && u.name() == null)
                byPair.computeIfAbsent(Arrays.asList(u.provider(), u.instance()), k -> new ArrayList<>())
                        .add(u);
        }
        for (Map.Entry<List<String>, List<User>> g : byPair.entrySet()) {
            List<String> ids = g.getValue().stream().map(User::id).toList();
            SearchResponse r = client.prepareSearch(indices)
                    .setIndicesOptions(IndicesOptions.lenientExpandOpen())
                    .setSource(new SearchSourceBuilder()
                            .query(QueryBuilders.boolQuery()
                                    .filter(query)
                                    .filter(pair(g.getKey().get(0), g.getKey().get(1)))
                                    .filter(QueryBuilders.termsQuery(Fields.USER_ID, ids)))
                            .size(0)
                            .aggregation(AggregationBuilders.terms(IDS)
                                    .field(Fields.USER_ID)
                                    .size(ids.size())
                                    .subAggregation(AggregationBuilders.terms(NAMES)
                                            .field(Fields.USER_NAME)
                                            .size(1))))
                    .get();
            Map<String, String> nameOf = new HashMap<>();
            Terms t = r.getAggregations() == null ? null : r.getAggregations().get(IDS);
            if (t != null) {
                for (Terms.Bucket b : t.getBuckets()) {
                    List<? extends Terms.Bucket> n =
                            ((Terms) b.getAggregations().get(NAMES)).getBuckets();
                    if (n.isEmpty() == false)
                        nameOf.put(b.getKeyAsString(), n.get(0).getKeyAsString());
                }
            }
            for (User u : g.getValue()) out.put(u, u.withName(nameOf.get(u.id())));
        }
        return out;
    }

    /**
     * The e-mails every stored event gives for each of {@code users} (lower case); a user with none is absent. Keys
     * of the same kind only: a user with an id learns the e-mails of the events with that id, a user known by name
     * only those of the events of that name without an id. One pass over those e-mail-bearing events per provider and
     * instance, in pages as large as the answer can be.
     */
    Map<User, Set<String>> emails(String[] indices, Collection<User> users) {
        Map<User, Set<String>> out = new LinkedHashMap<>();
        if (users.isEmpty()) return out;
        Map<List<String>, List<User>> byPair = new LinkedHashMap<>();
        for (User u : users) {
            byPair.computeIfAbsent(Arrays.asList(u.provider(), u.instance()), k -> new ArrayList<>())
                    .add(u);
        }
        Map<Key, Set<String>> byKey = new HashMap<>();
        for (Map.Entry<List<String>, List<User>> g : byPair.entrySet()) {
            String provider = g.getKey().get(0);
            String instance = g.getKey().get(1);
            Set<String> ids = new TreeSet<>();
            Set<String> names = new TreeSet<>();
            for (User u : g.getValue()) {
                if (u.id() != null) ids.add(u.id());
                else names.add(u.name());
            }
            QueryBuilder known = QueryBuilders.boolQuery()
                    .filter(QueryBuilders.existsQuery(Fields.USER_EMAIL))
                    .filter(pair(provider, instance));
            if (ids.isEmpty() == false) {
                learn(
                        indices,
                        QueryBuilders.boolQuery().filter(known).filter(QueryBuilders.termsQuery(Fields.USER_ID, ids)),
                        Fields.USER_ID,
                        ids.size(),
                        (value, email) -> byKey.computeIfAbsent(
                                        new Key(provider, instance, "id", value), k -> new TreeSet<>())
                                .add(email));
            }
            if (names.isEmpty() == false) {
                learn(
                        indices,
                        QueryBuilders.boolQuery()
                                .filter(known)
                                .mustNot(idQuery())
                                .filter(QueryBuilders.termsQuery(Fields.USER_NAME, names)),
                        Fields.USER_NAME,
                        names.size(),
                        (value, email) -> byKey.computeIfAbsent(
                                        new Key(provider, instance, "name", value), k -> new TreeSet<>())
                                .add(email));
            }
        }
        for (User u : users) {
            Set<String> e = byKey.get(u.key());
            if (e != null) out.put(u, e);
        }
        return out;
    }

    private interface Learnt {
        void accept(String value, String email);
    }

    /** Every (key, e-mail) pair of {@code query}'s events, by composite pages of (key field, e-mail). */
    private void learn(String[] indices, QueryBuilder query, String keyField, int keys, Learnt learnt) {
        List<CompositeValuesSourceBuilder<?>> sources = List.of(
                new TermsValuesSourceBuilder("k").field(keyField),
                new TermsValuesSourceBuilder("e").field(Fields.USER_EMAIL));
        int page = Math.min(maxBuckets, Math.max(1000, 2 * keys + 1));
        Map<String, Object> after = null;
        while (true) {
            CompositeAggregationBuilder agg =
                    AggregationBuilders.composite(EMAILS, sources).size(page);
            if (after != null) agg.aggregateAfter(after);
            SearchResponse r = client.prepareSearch(indices)
                    .setIndicesOptions(IndicesOptions.lenientExpandOpen())
                    .setSource(new SearchSourceBuilder().query(query).size(0).aggregation(agg))
                    .get();
            CompositeAggregation c =
                    r.getAggregations() == null ? null : r.getAggregations().get(EMAILS);
            if (c == null) return;
            for (CompositeAggregation.Bucket b : c.getBuckets())
                learnt.accept(str(b.getKey().get("k")), str(b.getKey().get("e")).toLowerCase(Locale.ROOT));
            if (c.afterKey() == null || c.getBuckets().size() < page) return;
            after = c.afterKey();
        }
    }

    /** Whether {@code email} is of one of {@code domains} ({@code example.com} or {@code @example.com}, any case). */
    static boolean inDomains(String email, List<String> domains) {
        String e = email.toLowerCase(Locale.ROOT);
        for (String d : domains) {
            if (e.endsWith("@" + InvestigationFilter.domain(d).toLowerCase(Locale.ROOT))) return true;
        }
        return false;
    }

    /**
     * A query matching every event of {@code users}, the same way {@link User#key} joins: by id where the user has
     * one, else by name among events without an id; per provider and instance.
     */
    static QueryBuilder eventsOf(Collection<User> users) {
        Map<List<String>, List<User>> groups = new LinkedHashMap<>();
        for (User u : users)
            groups.computeIfAbsent(Arrays.asList(u.provider(), u.instance()), k -> new ArrayList<>())
                    .add(u);
        BoolQueryBuilder any = QueryBuilders.boolQuery().minimumShouldMatch(1);
        for (Map.Entry<List<String>, List<User>> g : groups.entrySet()) {
            BoolQueryBuilder group = QueryBuilders.boolQuery()
                    .filter(QueryBuilders.termQuery(
                            Fields.EVENT_PROVIDER, g.getKey().get(0)));
            String instance = g.getKey().get(1);
            if (instance == null) group.mustNot(QueryBuilders.existsQuery(Fields.AUDIT_INSTANCE));
            else group.filter(QueryBuilders.termQuery(Fields.AUDIT_INSTANCE, instance));
            Set<String> ids = new TreeSet<>();
            Set<String> names = new TreeSet<>();
            for (User u : g.getValue()) {
                if (u.id() != null) ids.add(u.id());
                else if (u.name() != null) names.add(u.name());
            }
            // a bool with minimum_should_match but no should clause would match everything
            if (ids.isEmpty() && names.isEmpty()) continue;
            BoolQueryBuilder who = QueryBuilders.boolQuery().minimumShouldMatch(1);
            if (ids.isEmpty() == false) who.should(QueryBuilders.termsQuery(Fields.USER_ID, ids));
            if (names.isEmpty() == false) {
                who.should(QueryBuilders.boolQuery()
                        .filter(QueryBuilders.termsQuery(Fields.USER_NAME, names))
                        .mustNot(idQuery()));
            }
            any.should(group.filter(who));
        }
        return any.should().isEmpty() ? QueryBuilders.boolQuery().mustNot(QueryBuilders.matchAllQuery()) : any;
    }

    /** Events whose {@code user.id} is a real id (pseudo-author ids &lt;= 0 count as none, as in {@link User}). */
    private static QueryBuilder idQuery() {
        return QueryBuilders.boolQuery()
                .filter(QueryBuilders.existsQuery(Fields.USER_ID))
                .mustNot(QueryBuilders.prefixQuery(Fields.USER_ID, "-"))
                .mustNot(QueryBuilders.termQuery(Fields.USER_ID, "0"));
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
