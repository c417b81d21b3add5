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
import org.opensearch.search.aggregations.bucket.composite.CompositeAggregation;
import org.opensearch.search.aggregations.bucket.composite.CompositeAggregationBuilder;
import org.opensearch.search.aggregations.bucket.composite.CompositeValuesSourceBuilder;
import org.opensearch.search.aggregations.bucket.composite.TermsValuesSourceBuilder;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.transport.client.Client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is who across sources, resolved at report time. Most sources name a user without an e-mail (streamed events,
 * {@code audit_json.log} lines, older CSV exports, CircleCI); API pages and newer CSV exports carry both. The e-mails of
 * a user are learnt from every stored event, of any time and scope, that carries {@code user.email} together with the
 * user's id or name, on the same provider and instance ({@code audit.instance}: user 7 of one GitLab is not user 7 of
 * another). Resolving when the question is asked, instead of keeping an identities index up to date at ingest, means
 * the answer always reflects everything stored (an e-mail learnt from an API page imported today applies to last
 * year's streamed events) and there is no second index to keep consistent, back up or secure: the cost is two
 * aggregations per report, bounded by the number of distinct users in the report.
 *
 * <p>Matching: a user with an id is the same user as an event with the same id (ids are stable, names can be renamed);
 * a user known only by name matches by name. GitLab's pseudo-authors (ids &lt;= 0: unauthenticated, deploy tokens and
 * keys, system) are no person and are matched by name only.
 */
final class Identities {
    /** A user as the events name them: provider, instance (null when none was named), id and name (either may be null). */
    record User(String provider, String instance, String id, String name) {
        User {
            if (id != null && (id.startsWith("-") || id.equals("0"))) id = null;
        }

        boolean sameAs(User known) {
            if (Objects.equals(provider, known.provider) == false || Objects.equals(instance, known.instance) == false)
                return false;
            if (id != null && known.id != null) return id.equals(known.id);
            return name != null && name.equals(known.name);
        }
    }

    /**
     * The outcome for one question: its users with their event counts (at most {@code max + 1}), the e-mails known
     * for them, the users of an excluded domain, and the question's query with their events excluded.
     */
    record Resolution(Map<User, Long> users, Map<User, Set<String>> emails, List<User> excluded, QueryBuilder query) {}

    /** Resolves the users of {@code direct}'s events and excludes those with an e-mail of one of {@code domains}. */
    Resolution resolve(String[] indices, QueryBuilder direct, List<String> domains, int max) {
        Map<User, Long> users = users(indices, direct, max);
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

    private static final int PAGE = 1000;
    private final Client client;

    Identities(Client client) {
        this.client = client;
    }

    /**
     * The users of the events {@code query} selects with their event counts, in key order; at most {@code max + 1}
     * (one more than the bound says it was hit).
     */
    Map<User, Long> users(String[] indices, QueryBuilder query, int max) {
        Map<User, Long> out = new LinkedHashMap<>();
        composite(indices, query, false, max, (user, email, count) -> out.merge(user, count, Long::sum));
        return out;
    }

    /** The e-mails every stored event gives for each of {@code users} (lower case); a user with none is absent. */
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
        List<Object[]> pairs = new ArrayList<>();
        composite(
                indices, known, true, Integer.MAX_VALUE, (user, email, count) -> pairs.add(new Object[] {user, email}));
        for (User u : users) {
            for (Object[] pair : pairs) {
                if (u.sameAs((User) pair[0])) {
                    out.computeIfAbsent(u, k -> new TreeSet<>()).add(((String) pair[1]).toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    /** Whether {@code email} is of one of {@code domains} ({@code example.com} or {@code @example.com}, any case). */
    static boolean inDomains(String email, List<String> domains) {
        String e = email.toLowerCase(Locale.ROOT);
        for (String d : domains) {
            String domain = (d.startsWith("@") ? d.substring(1) : d).toLowerCase(Locale.ROOT);
            if (e.endsWith("@" + domain)) return true;
        }
        return false;
    }

    /**
     * A query matching every event of {@code users}, the same way {@link User#sameAs} matches: by id where the user
     * has one, else by name among events without an id; per provider and instance.
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

    private interface Row {
        void accept(User user, String email, long count);
    }

    /** Pages through (provider, instance, id, name[, email]) of {@code query}'s events, stopping after {@code max} rows. */
    private void composite(String[] indices, QueryBuilder query, boolean withEmail, int max, Row row) {
        List<CompositeValuesSourceBuilder<?>> sources = new ArrayList<>();
        sources.add(
                new TermsValuesSourceBuilder("p").field(Fields.EVENT_PROVIDER).missingBucket(true));
        sources.add(
                new TermsValuesSourceBuilder("i").field(Fields.AUDIT_INSTANCE).missingBucket(true));
        sources.add(new TermsValuesSourceBuilder("id").field(Fields.USER_ID).missingBucket(true));
        sources.add(new TermsValuesSourceBuilder("n").field(Fields.USER_NAME).missingBucket(true));
        if (withEmail) sources.add(new TermsValuesSourceBuilder("e").field(Fields.USER_EMAIL));
        Map<String, Object> after = null;
        int seen = 0;
        while (seen <= max) {
            CompositeAggregationBuilder agg =
                    AggregationBuilders.composite("u", sources).size(PAGE);
            if (after != null) agg.aggregateAfter(after);
            SearchResponse r = client.prepareSearch(indices)
                    .setIndicesOptions(IndicesOptions.lenientExpandOpen())
                    .setSource(new SearchSourceBuilder().query(query).size(0).aggregation(agg))
                    .get();
            CompositeAggregation c =
                    r.getAggregations() == null ? null : r.getAggregations().get("u");
            if (c == null) return;
            for (CompositeAggregation.Bucket b : c.getBuckets()) {
                Map<String, Object> k = b.getKey();
                User u = new User(str(k.get("p")), str(k.get("i")), str(k.get("id")), str(k.get("n")));
                // every stored event names its provider; an event naming no user is nobody's access
                if (u.provider() == null || (u.id() == null && u.name() == null)) continue;
                row.accept(u, withEmail ? str(k.get("e")) : null, b.getDocCount());
                seen++;
            }
            if (c.afterKey() == null || c.getBuckets().isEmpty()) return;
            after = c.afterKey();
        }
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
