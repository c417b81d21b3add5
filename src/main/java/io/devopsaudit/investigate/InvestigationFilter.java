/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.indicators.Cidr;
import io.devopsaudit.normalize.Timestamps;
import io.devopsaudit.schema.Fields;
import io.devopsaudit.schema.Provider;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which events an investigation is about, as {@code _access_report} and {@code _export} take it from their body: one
 * parser, one validation and one meaning per parameter on both. {@code users} keeps only the events of those users and
 * {@code exclude_users} drops them (each matched by user name, user id or e-mail); {@code exclude_networks} drops
 * events from those addresses or CIDR ranges; {@code exclude_email_domains} drops the users with an e-mail of those
 * domains, from every source ({@link Identities}); {@code categories}/{@code actions} narrow to those events.
 *
 * @param scopes GitLab project or group paths, or CircleCI organization[/project]s (at least one)
 * @param include identities ({@code include_identities}, lower case) that stay readable under {@code redact}
 */
public record InvestigationFilter(
        List<String> scopes,
        Instant from,
        Instant to,
        List<String> users,
        List<String> excludeUsers,
        List<String> networks,
        List<String> domains,
        List<String> categories,
        List<String> actions,
        boolean redact,
        Set<String> include,
        boolean includeRequests) {

    /** The body keys every investigation endpoint with a filter takes. */
    public static final Set<String> KEYS = Set.of(
            "scope",
            "from",
            "to",
            "users",
            "exclude_users",
            "exclude_networks",
            "exclude_email_domains",
            "categories",
            "actions",
            "redact",
            "include_identities",
            "include_requests");

    static final Instant EARLIEST_PARAM = Instant.parse("0000-01-01T00:00:00Z");
    static final Instant LATEST_PARAM = Instant.parse("9999-12-31T23:59:59.999Z");

    public InvestigationFilter {
        scopes = List.copyOf(scopes);
        users = List.copyOf(users);
        excludeUsers = List.copyOf(excludeUsers);
        networks = List.copyOf(networks);
        domains = List.copyOf(domains);
        categories = List.copyOf(categories);
        actions = List.copyOf(actions);
        include = Set.copyOf(include);
        check(scopes, from, to, networks);
    }

    /**
     * Reads the filter from a request body that may also hold {@code ownKeys} (the endpoint's own parameters, read by
     * the caller). {@code from}/{@code to} default to the 7 days before {@code now}. Every error names its parameter.
     */
    public static InvestigationFilter parse(Map<String, Object> body, Set<String> ownKeys, Instant now) {
        Set<String> known = new TreeSet<>(KEYS);
        known.addAll(ownKeys);
        for (String k : body.keySet()) {
            if (known.contains(k) == false)
                throw new IllegalArgumentException("unknown parameter [" + k + "], expected one of " + known);
        }
        Object scope = body.get("scope");
        List<String> scopes;
        if (scope == null) scopes = List.of();
        else if (scope instanceof String s) scopes = List.of(s.trim());
        else {
            scopes = new ArrayList<>();
            for (String s : strings(body, "scope")) scopes.add(s.trim());
        }
        Instant to = time(body, "to", now);
        Instant from = time(body, "from", to.minus(Duration.ofDays(7)));
        Set<String> include = new HashSet<>();
        strings(body, "include_identities").forEach(i -> include.add(i.toLowerCase(Locale.ROOT)));
        return new InvestigationFilter(
                scopes,
                from,
                to,
                strings(body, "users"),
                strings(body, "exclude_users"),
                strings(body, "exclude_networks"),
                strings(body, "exclude_email_domains"),
                strings(body, "categories"),
                strings(body, "actions"),
                bool(body, "redact"),
                include,
                bool(body, "include_requests"));
    }

    private static void check(List<String> scopes, Instant from, Instant to, List<String> networks) {
        if (scopes.isEmpty() || scopes.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("[scope] is required: a GitLab project or group path, or a CircleCI "
                    + "organization[/project] (or a list of them)");
        }
        if (from == null || to == null) throw new IllegalArgumentException("[from] and [to] are required");
        if (from.isAfter(to)) throw new IllegalArgumentException("[from] must not be after [to]");
        for (String n : networks) {
            try {
                Cidr.parse(n);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("[exclude_networks] " + e.getMessage());
            }
        }
    }

    static Instant time(Map<String, Object> body, String key, Instant fallback) {
        Object v = body.get(key);
        if (v == null) return fallback;
        Instant t;
        try {
            t = Timestamps.parse(key, key, v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "[" + key + "] must be an ISO-8601 time such as 2024-03-01T00:00:00Z, found [" + v + "]");
        }
        // years 0000-9999 only: beyond them epoch milliseconds overflow and no audit index can hold the event
        if (t.isBefore(EARLIEST_PARAM) || t.isAfter(LATEST_PARAM)) {
            throw new IllegalArgumentException("[" + key
                    + "] must be a time from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z, found [" + v + "]");
        }
        return t;
    }

    static List<String> strings(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null) return List.of();
        if (v instanceof List<?> l && l.stream().allMatch(x -> x instanceof String))
            return l.stream().map(Object::toString).toList();
        throw new IllegalArgumentException("[" + key + "] must be a list of strings, found [" + v + "]");
    }

    static boolean bool(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null) return false;
        if (v instanceof Boolean b) return b;
        throw new IllegalArgumentException("[" + key + "] must be true or false, found [" + v + "]");
    }

    /** The scope as the answers show it: the path itself when there is one, else the list. */
    public Object scopeForAnswer() {
        return scopes.size() == 1 ? scopes.get(0) : scopes;
    }

    /** The filter's events within its window ({@code categories}/{@code actions} given, or {@code kinds} otherwise). */
    BoolQueryBuilder query(QueryBuilder kinds) {
        BoolQueryBuilder q = scoped(kinds);
        q.filter(window(from, to));
        return q;
    }

    /** The filter's events at any time: scope, kinds, users and exclusions (not the e-mail domains' users). */
    BoolQueryBuilder scoped(QueryBuilder kinds) {
        BoolQueryBuilder q = QueryBuilders.boolQuery().filter(scopeQuery());
        QueryBuilder which = which();
        if (which != null) q.filter(which);
        else if (kinds != null) q.filter(kinds);
        return people(q);
    }

    /**
     * Adds the filter's users and exclusions to {@code q}: {@code users}, {@code exclude_users}, {@code exclude_networks},
     * and the events that carry an e-mail of an excluded domain themselves (the users of that domain whose events carry
     * none are left out afterwards by identity resolution).
     */
    BoolQueryBuilder people(BoolQueryBuilder q) {
        if (users.isEmpty() == false) q.filter(anyUser(users));
        if (excludeUsers.isEmpty() == false) q.mustNot(anyUser(excludeUsers));
        if (networks.isEmpty() == false) q.mustNot(QueryBuilders.termsQuery(Fields.SOURCE_IP, networks));
        for (String d : domains) {
            q.mustNot(QueryBuilders.wildcardQuery(Fields.USER_EMAIL, "*@" + domain(d))
                    .caseInsensitive(true));
        }
        return q;
    }

    /** An e-mail domain as given ({@code example.com} or {@code @example.com}), without the at sign. */
    static String domain(String d) {
        return d.startsWith("@") ? d.substring(1) : d;
    }

    /** The events of any of {@code who}: by user name, user id or e-mail. */
    static QueryBuilder anyUser(List<String> who) {
        return QueryBuilders.boolQuery()
                .minimumShouldMatch(1)
                .should(QueryBuilders.termsQuery(Fields.USER_NAME, who))
                .should(QueryBuilders.termsQuery(Fields.USER_ID, who))
                .should(QueryBuilders.termsQuery(Fields.USER_EMAIL, who));
    }

    /** Events of the given categories or actions; null when both are empty. */
    QueryBuilder which() {
        if (categories.isEmpty() && actions.isEmpty()) return null;
        BoolQueryBuilder which = QueryBuilders.boolQuery().minimumShouldMatch(1);
        if (categories.isEmpty() == false) which.should(QueryBuilders.termsQuery(Fields.AUDIT_CATEGORY, categories));
        if (actions.isEmpty() == false) which.should(QueryBuilders.termsQuery(Fields.EVENT_ACTION, actions));
        return which;
    }

    static QueryBuilder window(Instant from, Instant to) {
        return QueryBuilders.rangeQuery(Fields.TIMESTAMP)
                .gte(from.toEpochMilli())
                .lte(to.toEpochMilli())
                .format("epoch_millis");
    }

    /** Any of the scopes. */
    QueryBuilder scopeQuery() {
        if (scopes.size() == 1) return scope(scopes.get(0));
        BoolQueryBuilder any = QueryBuilders.boolQuery().minimumShouldMatch(1);
        for (String s : scopes) any.should(scope(s));
        return any;
    }

    /**
     * A project or group path (a group also takes everything below it), a CircleCI organization, or
     * {@code organization/project}.
     */
    static QueryBuilder scope(String path) {
        BoolQueryBuilder scope = QueryBuilders.boolQuery()
                .minimumShouldMatch(1)
                .should(QueryBuilders.termQuery(Fields.AUDIT_SCOPE_PATH, path))
                .should(QueryBuilders.prefixQuery(Fields.AUDIT_SCOPE_PATH, path + "/"))
                .should(QueryBuilders.termQuery(Fields.ORGANIZATION_NAME, path));
        int slash = path.indexOf('/');
        if (slash > 0) {
            scope.should(QueryBuilders.boolQuery()
                    .filter(QueryBuilders.termQuery(Fields.EVENT_PROVIDER, Provider.CIRCLECI.id()))
                    .filter(QueryBuilders.termQuery(Fields.ORGANIZATION_NAME, path.substring(0, slash)))
                    .filter(QueryBuilders.termQuery(Fields.AUDIT_TARGET_NAME, path.substring(slash + 1))));
        }
        return scope;
    }

    /** Whether {@code identity} stays readable under {@code redact}. */
    boolean readable(String identity) {
        return redact == false || (identity != null && include.contains(identity.toLowerCase(Locale.ROOT)));
    }
}
