/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.schema.Fields;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.aggregations.AggregationBuilders;
import org.opensearch.search.aggregations.Aggregations;
import org.opensearch.search.aggregations.bucket.composite.CompositeAggregation;
import org.opensearch.search.aggregations.bucket.composite.CompositeAggregationBuilder;
import org.opensearch.search.aggregations.bucket.composite.CompositeValuesSourceBuilder;
import org.opensearch.search.aggregations.bucket.composite.TermsValuesSourceBuilder;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.transport.client.Client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
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

        boolean sameAs(User known) {
            if (id != null && known.id != null) return key().equals(known.key());
            return new Key(provider, instance, "name", name)
                    .equals(new Key(known.provider, known.instance, "name", known.name));
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
    private static final String EMAILS = "emails";
    private final Client client;
    /** The node's bucket limit ({@code search.max_buckets}): no composite page may be larger. */
    private final int maxBuckets;

    Identities(Client client, int maxBuckets) {
        this.client = client;
        this.maxBuckets = maxBuckets;
    }

    /**
     * The aggregation that lists the users of a question's events with their counts: one composite page large enough
     * for {@code max + 1} users, so that it is one pass over the events however many users there are (a second page
     * is only asked when the first one is full of keys without a user).
     */
    CompositeAggregationBuilder candidates(int max) {
        return AggregationBuilders.composite(CANDIDATES, sources(false)).size(Math.min(max + 1, maxBuckets));
    }

    /** Resolves the users of {@code direct}'s events and excludes those with an e-mail of one of {@code domains}. */
    Resolution resolve(String[] indices, QueryBuilder direct, List<String> domains, int max) {
        SearchResponse r = search(indices, direct, candidates(max));
        return resolve(indices, direct, users(indices, direct, r.getAggregations(), max), domains);
    }

    /** Resolves {@code users} (read from {@link #candidates} over {@code direct}'s events). */
    Resolution resolve(String[] indices, QueryBuilder direct, Map<User, Long> users, List<String> domains) {
        Map<User, Set<String>> emails = emails(indices, users.keySet());
        List<User> excluded = new ArrayList<>();
        for (User u : users.keySet()) {
            Set<String> known = emails.get(u);
            if (known != null && known.stream().anyMatch(e -> inDomains(e, domains))) excluded.add(u);
        }
        QueryBuilder query = excluded.isEmpty()
                ? direct
                : QueryBuilders.boolQuery().filter(direct).mustNot(eventsOf(excluded));
        return new Resolution(users, emails, excluded, query);
    }

    /**
     * The users of the {@link #candidates} aggregation in {@code aggs} with their event counts, in key order; at most
     * {@code max + 1} (one more than the bound says it was hit). Pages on only when a full page held fewer users.
     */
    Map<User, Long> users(String[] indices, QueryBuilder query, Aggregations aggs, int max) {
        Map<User, Long> out = new LinkedHashMap<>();
        CompositeAggregation c = aggs == null ? null : aggs.get(CANDIDATES);
        while (c != null) {
            for (CompositeAggregation.Bucket b : c.getBuckets()) {
                User u = user(b.getKey());
                // every stored event names its provider; an event naming no user is nobody's access
                if (u.provider() == null || (u.id() == null && u.name() == null)) continue;
                out.merge(u, b.getDocCount(), Long::sum);
            }
            if (out.size() > max || c.afterKey() == null || c.getBuckets().size() < Math.min(max + 1, maxBuckets))
                break;
            SearchResponse next = search(indices, query, candidates(max).aggregateAfter(c.afterKey()));
            c = next.getAggregations() == null ? null : next.getAggregations().get(CANDIDATES);
        }
        return out;
    }

    /**
     * The e-mails every stored event gives for each of {@code users} (lower case); a user with none is absent. One
     * pass over the e-mail-bearing events of those users' ids and names, in pages as large as the answer can be.
     */
    Map<User, Set<String>> emails(String[] indices, Collection<User> users) {
        Map<User, Set<String>> out = new LinkedHashMap<>();
        if (users.isEmpty()) return out;
        Set<String> providers = new TreeSet<>();
        Set<String> ids = new TreeSet<>();
        Set<String> names = new TreeSet<>();
        for (User u : users) {
            providers.add(u.provider());
            if (u.id() != null) ids.add(u.id());
            if (u.name() != null) names.add(u.name());
        }
        BoolQueryBuilder who = QueryBuilders.boolQuery().minimumShouldMatch(1);
        if (ids.isEmpty() == false) who.should(QueryBuilders.termsQuery(Fields.USER_ID, ids));
        if (names.isEmpty() == false) who.should(QueryBuilders.termsQuery(Fields.USER_NAME, names));
        QueryBuilder known = QueryBuilders.boolQuery()
                .filter(QueryBuilders.existsQuery(Fields.USER_EMAIL))
                .filter(QueryBuilders.termsQuery(Fields.EVENT_PROVIDER, providers))
                .filter(who);
        // the e-mails learnt per join key: an event with a real id teaches its id's e-mails; its name's e-mails serve
        // the users known by name only; an event without an id teaches its name's e-mails to every user of that name
        Map<Key, Set<String>> byKey = new HashMap<>();
        Map<Key, Set<String>> byNameWithoutId = new HashMap<>();
        int page = Math.min(maxBuckets, Math.max(1000, 2 * users.size() + 1));
        Map<String, Object> after = null;
        while (true) {
            CompositeAggregationBuilder agg =
                    AggregationBuilders.composite(EMAILS, sources(true)).size(page);
            if (after != null) agg.aggregateAfter(after);
            SearchResponse r = search(indices, known, agg);
            CompositeAggregation c =
                    r.getAggregations() == null ? null : r.getAggregations().get(EMAILS);
            if (c == null) break;
            for (CompositeAggregation.Bucket b : c.getBuckets()) {
                User u = user(b.getKey());
                String email = str(b.getKey().get("e")).toLowerCase(Locale.ROOT);
                if (u.id() != null)
                    byKey.computeIfAbsent(u.key(), k -> new TreeSet<>()).add(email);
                if (u.name() != null) {
                    Key name = new Key(u.provider(), u.instance(), "name", u.name());
                    byKey.computeIfAbsent(name, k -> new TreeSet<>()).add(email);
                    if (u.id() == null)
                        byNameWithoutId
                                .computeIfAbsent(name, k -> new TreeSet<>())
                                .add(email);
                }
            }
            if (c.afterKey() == null || c.getBuckets().size() < page) break;
            after = c.afterKey();
        }
        for (User u : users) {
            Set<String> e = new TreeSet<>(byKey.getOrDefault(u.key(), Set.of()));
            if (u.id() != null && u.name() != null)
                e.addAll(byNameWithoutId.getOrDefault(new Key(u.provider(), u.instance(), "name", u.name()), Set.of()));
            if (e.isEmpty() == false) out.put(u, e);
        }
        return out;
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

    /** (provider, instance, id, name[, email]) of an event. */
    private static List<CompositeValuesSourceBuilder<?>> sources(boolean withEmail) {
        List<CompositeValuesSourceBuilder<?>> sources = new ArrayList<>();
        sources.add(
                new TermsValuesSourceBuilder("p").field(Fields.EVENT_PROVIDER).missingBucket(true));
        sources.add(
                new TermsValuesSourceBuilder("i").field(Fields.AUDIT_INSTANCE).missingBucket(true));
        sources.add(new TermsValuesSourceBuilder("id").field(Fields.USER_ID).missingBucket(true));
        sources.add(new TermsValuesSourceBuilder("n").field(Fields.USER_NAME).missingBucket(true));
        if (withEmail) sources.add(new TermsValuesSourceBuilder("e").field(Fields.USER_EMAIL));
        return sources;
    }

    private static User user(Map<String, Object> k) {
        return new User(str(k.get("p")), str(k.get("i")), str(k.get("id")), str(k.get("n")));
    }

    private SearchResponse search(String[] indices, QueryBuilder query, CompositeAggregationBuilder agg) {
        return client.prepareSearch(indices)
                .setIndicesOptions(IndicesOptions.lenientExpandOpen())
                .setSource(new SearchSourceBuilder().query(query).size(0).aggregation(agg))
                .get();
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
