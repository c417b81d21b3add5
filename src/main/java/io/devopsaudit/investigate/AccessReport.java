/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.indicators.Cidr;
import io.devopsaudit.intake.RawRecords;
import io.devopsaudit.normalize.Timestamps;
import io.devopsaudit.schema.Fields;
import io.devopsaudit.schema.IndexNames;
import io.devopsaudit.schema.Provider;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.aggregations.AggregationBuilders;
import org.opensearch.search.aggregations.bucket.composite.CompositeAggregation;
import org.opensearch.search.aggregations.bucket.composite.CompositeAggregationBuilder;
import org.opensearch.search.aggregations.bucket.composite.TermsValuesSourceBuilder;
import org.opensearch.search.aggregations.bucket.terms.Terms;
import org.opensearch.search.aggregations.metrics.Max;
import org.opensearch.search.aggregations.metrics.Min;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * GitLab's log-request questions, answered directly: who accessed this project or group, how many users, how many
 * times, from how many distinct IPs, over what time range — excluding known networks, the company's email domain or
 * named users. Counts are exact: distinct users and IPs come from paginated composite aggregations, up to
 * {@link #MAX_DISTINCT} each; beyond that the answer says {@code bound_hit}. Blocking: run on a generic thread.
 */
public final class AccessReport {
    public static final int MAX_DISTINCT = 10_000;
    /** The event indices the investigation actions read (dead letters are not events). */
    public static final String[] EVENT_INDICES = IndexNames.eventPatterns();

    static final Set<String> KEYS = Set.of(
            "scope",
            "from",
            "to",
            "categories",
            "actions",
            "exclude_networks",
            "exclude_email_domains",
            "exclude_users",
            "detail",
            "redact",
            "include_identities",
            "include_requests");
    /** The Lucene text of {@code content/access-query.txt}: comment lines dropped, the rest joined. */
    public static final String ACCESS_QUERY = accessQuery();

    private static String accessQuery() {
        try (InputStream in = AccessReport.class.getResourceAsStream("/io/devopsaudit/content/access-query.txt")) {
            if (in == null) throw new IllegalStateException("content/access-query.txt is missing from the plugin jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(l -> l.isEmpty() == false && l.startsWith("#") == false)
                    .collect(Collectors.joining(" "));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final Client client;
    private final Pseudonyms pseudonyms;

    public AccessReport(Client client, Pseudonyms pseudonyms) {
        this.client = client;
        this.pseudonyms = pseudonyms;
    }

    /** Validated parameters; every error names its parameter. */
    public record Params(
            String scope,
            Instant from,
            Instant to,
            List<String> categories,
            List<String> actions,
            List<String> networks,
            List<String> domains,
            List<String> users,
            boolean detail,
            boolean redact,
            Set<String> include,
            boolean includeRequests) {

        /** The same question with the per-user and per-IP rows (the CSV answer is made of them). */
        public Params withDetail() {
            return new Params(
                    scope,
                    from,
                    to,
                    categories,
                    actions,
                    networks,
                    domains,
                    users,
                    true,
                    redact,
                    include,
                    includeRequests);
        }

        /** What must hold whatever the parameters came from (a REST body, or a request read from the wire). */
        public void check() {
            if (scope == null || scope.isBlank()) {
                throw new IllegalArgumentException(
                        "[scope] is required: a GitLab project or group path, or a CircleCI organization[/project]");
            }
            if (from.isAfter(to)) throw new IllegalArgumentException("[from] must not be after [to]");
            for (String n : networks) {
                try {
                    Cidr.parse(n);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("[exclude_networks] " + e.getMessage());
                }
            }
        }
    }

    public static Params parse(Map<String, Object> body, Instant now) {
        for (String k : body.keySet()) {
            if (KEYS.contains(k) == false)
                throw new IllegalArgumentException("unknown parameter [" + k + "], expected one of "
                        + KEYS.stream().sorted().toList());
        }
        Object scope = body.get("scope");
        if (scope != null && scope instanceof String == false) {
            throw new IllegalArgumentException("[scope] must be a string, found [" + scope + "]");
        }
        Instant to = time(body, "to", now);
        Instant from = time(body, "from", to.minus(Duration.ofDays(7)));
        Set<String> include = new HashSet<>();
        strings(body, "include_identities").forEach(i -> include.add(i.toLowerCase(Locale.ROOT)));
        Params p = new Params(
                scope == null ? null : ((String) scope).trim(),
                from,
                to,
                strings(body, "categories"),
                strings(body, "actions"),
                strings(body, "exclude_networks"),
                strings(body, "exclude_email_domains"),
                strings(body, "exclude_users"),
                bool(body, "detail"),
                bool(body, "redact"),
                include,
                bool(body, "include_requests"));
        p.check();
        return p;
    }

    static final Instant EARLIEST_PARAM = Instant.parse("0000-01-01T00:00:00Z");
    static final Instant LATEST_PARAM = Instant.parse("9999-12-31T23:59:59.999Z");

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

    static QueryBuilder query(Params p) {
        return accessesOfScope(p).filter(window(p.from(), p.to()));
    }

    /** The report's query with its window turned inside out: the same accesses at any other time. */
    static QueryBuilder outsideWindow(Params p) {
        return accessesOfScope(p).mustNot(window(p.from(), p.to()));
    }

    /** The accesses the report counts, at any time: scope, actions, exclusions; never request events. */
    private static BoolQueryBuilder accessesOfScope(Params p) {
        BoolQueryBuilder q = QueryBuilders.boolQuery().filter(scope(p.scope()));
        QueryBuilder which = which(p.categories(), p.actions());
        q.filter(which == null ? accesses() : which);
        exclude(q, p.networks(), p.domains(), p.users());
        q.mustNot(requestEvents());
        return q;
    }

    /**
     * The GitLab request events, which share the GitLab index prefix: audit counts leave them out by this query, not by
     * an index exclusion, which the Security plugin refuses on the plugin's searches.
     */
    public static QueryBuilder requestEvents() {
        return QueryBuilders.termsQuery(Fields.EVENT_DATASET, PAGE_VIEWS, API_READS, "gitlab.auth");
    }

    static QueryBuilder window(Instant from, Instant to) {
        return QueryBuilders.rangeQuery(Fields.TIMESTAMP)
                .gte(from.toEpochMilli())
                .lte(to.toEpochMilli())
                .format("epoch_millis");
    }

    /** Events of the given categories or actions; null when both are empty. */
    static QueryBuilder which(List<String> categories, List<String> actions) {
        if (categories.isEmpty() && actions.isEmpty()) return null;
        BoolQueryBuilder which = QueryBuilders.boolQuery().minimumShouldMatch(1);
        if (categories.isEmpty() == false) which.should(QueryBuilders.termsQuery(Fields.AUDIT_CATEGORY, categories));
        if (actions.isEmpty() == false) which.should(QueryBuilders.termsQuery(Fields.EVENT_ACTION, actions));
        return which;
    }

    /** What counts as an access: the query of {@code content/access-query.txt}, which the dashboards read too. */
    public static QueryBuilder accesses() {
        return QueryBuilders.queryStringQuery(ACCESS_QUERY);
    }

    /**
     * Office networks, events that carry an excluded e-mail themselves, and named users; the users of an excluded
     * domain whose events carry no e-mail are excluded afterwards by identity resolution ({@link Identities}).
     */
    static void exclude(BoolQueryBuilder q, List<String> networks, List<String> domains, List<String> users) {
        if (networks.isEmpty() == false) q.mustNot(QueryBuilders.termsQuery(Fields.SOURCE_IP, networks));
        for (String d : domains) {
            String domain = d.startsWith("@") ? d.substring(1) : d;
            q.mustNot(QueryBuilders.wildcardQuery(Fields.USER_EMAIL, "*@" + domain)
                    .caseInsensitive(true));
        }
        if (users.isEmpty() == false) q.mustNot(QueryBuilders.termsQuery(Fields.USER_NAME, users));
    }

    /**
     * A project or group path (a group also takes everything below it), a CircleCI organization, or
     * {@code organization/project}: the scope of a report or an export.
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

    /**
     * For an empty report: how many accesses of the scope lie outside the window, and when the first and last were, so
     * an answer of zeros says whether the window missed the data (without {@code from}/{@code to} it is the last
     * 7 days) or the scope has none.
     */
    private Map<String, Object> outside(Params p, String[] indices) {
        SearchResponse r = search(
                indices,
                new SearchSourceBuilder()
                        .query(outsideWindow(p))
                        .size(0)
                        .trackTotalHits(true)
                        .aggregation(AggregationBuilders.min("first").field(Fields.TIMESTAMP))
                        .aggregation(AggregationBuilders.max("last").field(Fields.TIMESTAMP)));
        long n = r.getHits().getTotalHits().value();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("accesses", n);
        o.put(
                "first",
                n == 0
                        ? null
                        : Timestamps.format(Instant.ofEpochMilli(
                                (long) ((Min) r.getAggregations().get("first")).getValue())));
        o.put(
                "last",
                n == 0
                        ? null
                        : Timestamps.format(Instant.ofEpochMilli(
                                (long) ((Max) r.getAggregations().get("last")).getValue())));
        o.put(
                "note",
                n == 0
                        ? "no access of this scope is stored at any time"
                        : "no access in the window " + Timestamps.format(p.from()) + " to " + Timestamps.format(p.to())
                                + " (the last 7 days when from/to are not given); " + n
                                + " lie outside it: give from and to around them");
        return o;
    }

    /** Runs the report over {@code indices} (the event indices, as the Security plugin let the request through). */
    public Map<String, Object> run(Params p, String[] indices) {
        // The query excludes the events that carry an excluded e-mail themselves; identity resolution then finds the
        // e-mails of every remaining user from any stored event and excludes the users of an excluded domain
        // everywhere, whatever source their events came from.
        QueryBuilder direct = query(p);
        Identities.Resolution resolved = new Identities(client).resolve(indices, direct, p.domains(), MAX_DISTINCT);
        Map<Identities.User, Long> candidates = resolved.users();
        List<Identities.User> excludedUsers = resolved.excluded();
        List<Map<String, Object>> unresolved = new ArrayList<>();
        long unresolvedAccesses = 0;
        for (Map.Entry<Identities.User, Long> c : candidates.entrySet()) {
            if (resolved.emails().containsKey(c.getKey()) == false) {
                unresolved.add(identityRow(c.getKey(), c.getValue(), p));
                unresolvedAccesses += c.getValue();
            }
        }
        unresolved.sort((a, b) -> Long.compare((Long) b.get("accesses"), (Long) a.get("accesses")));
        QueryBuilder query = resolved.query();
        SearchSourceBuilder summary = new SearchSourceBuilder()
                .query(query)
                .size(0)
                .trackTotalHits(true)
                .aggregation(AggregationBuilders.min("first").field(Fields.TIMESTAMP))
                .aggregation(AggregationBuilders.max("last").field(Fields.TIMESTAMP))
                .aggregation(AggregationBuilders.terms("per_project")
                        .field(Fields.AUDIT_SCOPE_PATH)
                        .size(1000))
                .aggregation(AggregationBuilders.terms("per_type")
                        .field(Fields.EVENT_ACTION)
                        .size(1000));
        SearchResponse s = search(indices, summary);
        long accesses = s.getHits().getTotalHits().value();
        List<Map<String, Object>> users = distinct(indices, query, Fields.USER_NAME, Fields.SOURCE_IP);
        List<Map<String, Object>> ips = distinct(indices, query, Fields.SOURCE_IP, Fields.USER_NAME);
        boolean bound = users.size() > MAX_DISTINCT || ips.size() > MAX_DISTINCT || candidates.size() > MAX_DISTINCT;

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scope", p.scope());
        out.put("from", Timestamps.format(p.from()));
        out.put("to", Timestamps.format(p.to()));
        out.put("distinct_users", Math.min(users.size(), MAX_DISTINCT));
        out.put("accesses", accesses);
        out.put("distinct_source_ips", Math.min(ips.size(), MAX_DISTINCT));
        out.put(
                "first_access",
                accesses == 0
                        ? null
                        : Timestamps.format(Instant.ofEpochMilli(
                                (long) ((Min) s.getAggregations().get("first")).getValue())));
        out.put(
                "last_access",
                accesses == 0
                        ? null
                        : Timestamps.format(Instant.ofEpochMilli(
                                (long) ((Max) s.getAggregations().get("last")).getValue())));
        // a search over no index at all may answer without aggregations
        out.put(
                "per_project",
                s.getAggregations() == null
                        ? Map.of()
                        : buckets(s.getAggregations().get("per_project")));
        out.put(
                "per_access_type",
                s.getAggregations() == null
                        ? Map.of()
                        : buckets(s.getAggregations().get("per_type")));
        if (accesses == 0) out.put("outside_window", outside(p, indices));
        out.put("bound", MAX_DISTINCT);
        out.put("bound_hit", bound);
        Map<String, Object> excluded = new LinkedHashMap<>();
        excluded.put("networks", p.networks());
        excluded.put("email_domains", p.domains());
        excluded.put("users", p.users());
        excluded.put("users_by_email_domain", excludedUsers.size());
        out.put("excluded", excluded);
        out.put("unresolved_identities", unresolved.subList(0, Math.min(unresolved.size(), MAX_DISTINCT)));
        out.put("unresolved_accesses", unresolvedAccesses);
        if (p.detail()) {
            Set<String> own = ownAddresses(users, p);
            out.put("users", redact(users.subList(0, Math.min(users.size(), MAX_DISTINCT)), p, "user", "ip", own));
            out.put("source_ips", redact(ips.subList(0, Math.min(ips.size(), MAX_DISTINCT)), p, "ip", "user", own));
        }
        if (p.includeRequests()) out.put("requests", requests(p, excludedUsers));
        out.put("redacted", p.redact());
        return out;
    }

    /**
     * What counts as reading the scope in GitLab's request logs: a page view (production_json.log, GET answered below
     * 400) or an API read (api_json.log, GET answered below 400) on the scope's pages ({@code audit.scope.path} from
     * {@code meta.project} or {@code meta.root_namespace}).
     */
    static QueryBuilder requestReads(String dataset) {
        return QueryBuilders.boolQuery()
                .filter(QueryBuilders.termQuery(Fields.EVENT_DATASET, dataset))
                .filter(QueryBuilders.termQuery(Fields.HTTP_REQUEST_METHOD, "GET"))
                .filter(QueryBuilders.rangeQuery(Fields.HTTP_RESPONSE_STATUS_CODE)
                        .lt(400));
    }

    static final String PAGE_VIEWS = "gitlab.production";
    static final String API_READS = "gitlab.api";

    /** The request events' query of a report: its window, scope and exclusions, plus the users excluded by e-mail domain. */
    static QueryBuilder requestQuery(Params p, List<Identities.User> excludedUsers) {
        BoolQueryBuilder q = QueryBuilders.boolQuery().filter(window(p.from(), p.to()));
        q.filter(scope(p.scope()));
        q.filter(QueryBuilders.boolQuery()
                .minimumShouldMatch(1)
                .should(requestReads(PAGE_VIEWS))
                .should(requestReads(API_READS)));
        exclude(q, p.networks(), p.domains(), p.users());
        // request lines carry no e-mail: the users the audit events resolved to an excluded domain are left out by name
        List<String> names = excludedUsers.stream()
                .map(Identities.User::name)
                .filter(n -> n != null)
                .toList();
        if (names.isEmpty() == false) q.mustNot(QueryBuilders.termsQuery(Fields.USER_NAME, names));
        return q;
    }

    /** Page views and API reads of the scope from the request events, per user and per IP (rows with {@code detail}). */
    private Map<String, Object> requests(Params p, List<Identities.User> excludedUsers) {
        String[] indices = {IndexNames.REQUESTS};
        QueryBuilder query = requestQuery(p, excludedUsers);
        SearchResponse s = search(
                indices,
                new SearchSourceBuilder()
                        .query(query)
                        .size(0)
                        .trackTotalHits(true)
                        .aggregation(AggregationBuilders.terms("per_dataset")
                                .field(Fields.EVENT_DATASET)
                                .size(10)));
        Map<String, Object> perDataset = s.getAggregations() == null
                ? Map.of()
                : buckets(s.getAggregations().get("per_dataset"));
        List<Map<String, Object>> users = distinct(indices, query, Fields.USER_NAME, Fields.SOURCE_IP);
        List<Map<String, Object>> ips = distinct(indices, query, Fields.SOURCE_IP, Fields.USER_NAME);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("page_views", ((Number) perDataset.getOrDefault(PAGE_VIEWS, 0L)).longValue());
        out.put("api_reads", ((Number) perDataset.getOrDefault(API_READS, 0L)).longValue());
        out.put("distinct_users", Math.min(users.size(), MAX_DISTINCT));
        out.put("distinct_source_ips", Math.min(ips.size(), MAX_DISTINCT));
        out.put("bound_hit", users.size() > MAX_DISTINCT || ips.size() > MAX_DISTINCT);
        if (p.detail()) {
            Set<String> own = ownAddresses(users, p);
            out.put("users", redact(users.subList(0, Math.min(users.size(), MAX_DISTINCT)), p, "user", "ip", own));
            out.put("source_ips", redact(ips.subList(0, Math.min(ips.size(), MAX_DISTINCT)), p, "ip", "user", own));
        }
        return out;
    }

    /** A user no stored event gives an e-mail for: who (as the events name them) and how many accesses. */
    private Map<String, Object> identityRow(Identities.User u, long accesses, Params p) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("provider", u.provider());
        row.put("instance", u.instance());
        boolean readable = p.redact() == false
                || (u.name() != null && p.include().contains(u.name().toLowerCase(Locale.ROOT)))
                || (u.id() != null && p.include().contains(u.id().toLowerCase(Locale.ROOT)));
        row.put("user_id", u.id() == null || readable ? u.id() : pseudonyms.of("user_id", u.id()));
        row.put("user", u.name() == null || readable ? u.name() : pseudonyms.of("user", u.name()));
        row.put("accesses", accesses);
        return row;
    }

    private SearchResponse search(String[] indices, SearchSourceBuilder source) {
        return client.prepareSearch(indices)
                .setIndicesOptions(IndicesOptions.lenientExpandOpen())
                .setSource(source)
                .get();
    }

    private static Map<String, Object> buckets(Terms terms) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Terms.Bucket b : terms.getBuckets()) out.put(b.getKeyAsString(), b.getDocCount());
        return out;
    }

    /** The enrichment each row kind carries: row key to field. */
    static Map<String, String> extras(String field) {
        if (field.equals(Fields.USER_NAME)) return Map.of("user_agents", Fields.USER_AGENT_ORIGINAL);
        Map<String, String> ip = new LinkedHashMap<>();
        ip.put("countries", "source.geo.country_iso_code");
        ip.put("asns", "source.as.number");
        return ip;
    }

    /** Every distinct value of {@code field} with its count, the related values and first/last time, paginated exactly. */
    private List<Map<String, Object>> distinct(String[] indices, QueryBuilder query, String field, String related) {
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Object> after = null;
        while (rows.size() <= MAX_DISTINCT) {
            CompositeAggregationBuilder agg = AggregationBuilders.composite(
                            "values", List.of(new TermsValuesSourceBuilder("v").field(field)))
                    .size(1000)
                    .subAggregation(
                            AggregationBuilders.terms("related").field(related).size(100))
                    .subAggregation(AggregationBuilders.min("first").field(Fields.TIMESTAMP))
                    .subAggregation(AggregationBuilders.max("last").field(Fields.TIMESTAMP));
            // where enrichment exists: a user's clients, an IP's country and network (GeoIP/ASN fields; a terms
            // aggregation over a field no index maps yet is simply empty)
            for (Map.Entry<String, String> extra : extras(field).entrySet()) {
                agg.subAggregation(AggregationBuilders.terms(extra.getKey())
                        .field(extra.getValue())
                        .size(10));
            }
            if (after != null) agg.aggregateAfter(after);
            SearchResponse r = search(
                    indices, new SearchSourceBuilder().query(query).size(0).aggregation(agg));
            CompositeAggregation c =
                    r.getAggregations() == null ? null : r.getAggregations().get("values");
            if (c == null) break;
            for (CompositeAggregation.Bucket b : c.getBuckets()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("value", String.valueOf(b.getKey().get("v")));
                row.put("accesses", b.getDocCount());
                List<String> rel = new ArrayList<>();
                for (Terms.Bucket t : ((Terms) b.getAggregations().get("related")).getBuckets())
                    rel.add(t.getKeyAsString());
                row.put("related", rel);
                for (String extra : extras(field).keySet()) {
                    List<Object> values = new ArrayList<>();
                    for (Terms.Bucket t : ((Terms) b.getAggregations().get(extra)).getBuckets()) values.add(t.getKey());
                    row.put(extra, values);
                }
                row.put("first", Timestamps.format(Instant.ofEpochMilli((long)
                        ((Min) b.getAggregations().get("first")).getValue())));
                row.put("last", Timestamps.format(Instant.ofEpochMilli((long)
                        ((Max) b.getAggregations().get("last")).getValue())));
                rows.add(row);
            }
            if (c.afterKey() == null || c.getBuckets().isEmpty()) break;
            after = c.afterKey();
        }
        return rows;
    }

    /**
     * The addresses the identities listed in {@code include_identities} accessed from: their own, so readable with
     * them (the per-user rows relate each user to the addresses of its accesses).
     */
    @SuppressWarnings("unchecked")
    private static Set<String> ownAddresses(List<Map<String, Object>> userRows, Params p) {
        Set<String> own = new HashSet<>();
        if (p.redact() == false || p.include().isEmpty()) return own;
        for (Map<String, Object> row : userRows) {
            if (p.include().contains(((String) row.get("value")).toLowerCase(Locale.ROOT))) {
                own.addAll((List<String>) row.get("related"));
            }
        }
        return own;
    }

    /**
     * Replaces identities that are not the caller's own ({@code include_identities}, and the addresses those accessed
     * from: {@code ownAddresses}) with stable pseudonyms.
     */
    private List<Map<String, Object>> redact(
            List<Map<String, Object>> rows, Params p, String kind, String relatedKind, Set<String> ownAddresses) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put(kind, p.redact() ? mask(kind, (String) row.get("value"), p, ownAddresses) : row.get("value"));
            r.put("accesses", row.get("accesses"));
            @SuppressWarnings("unchecked")
            List<String> rel = (List<String>) row.get("related");
            r.put(
                    relatedKind + "s",
                    p.redact()
                            ? rel.stream()
                                    .map(v -> mask(relatedKind, v, p, ownAddresses))
                                    .toList()
                            : rel);
            for (String extra : extras(kind.equals("user") ? Fields.USER_NAME : Fields.SOURCE_IP)
                    .keySet()) r.put(extra, row.get(extra));
            r.put("first", row.get("first"));
            r.put("last", row.get("last"));
            out.add(r);
        }
        return out;
    }

    private String mask(String kind, String identity, Params p, Set<String> ownAddresses) {
        boolean readable = p.include().contains(identity.toLowerCase(Locale.ROOT))
                || kind.equals("ip") && ownAddresses.contains(identity);
        return readable ? identity : pseudonyms.of(kind, identity);
    }

    /** Per-user and per-IP rows as CSV for a ticket (Jackson's CSV writer does the quoting). */
    @SuppressWarnings("unchecked")
    public static String csv(Map<String, Object> report) {
        StringBuilder sb = new StringBuilder("kind,identity,accesses,related,first,last\n");
        for (String[] k : new String[][] {{"users", "user", "ips"}, {"source_ips", "ip", "users"}}) {
            for (Map<String, Object> row : (List<Map<String, Object>>) report.getOrDefault(k[0], List.of())) {
                sb.append(RawRecords.csvRow(Stream.of(
                                k[1],
                                String.valueOf(row.get(k[1])),
                                String.valueOf(row.get("accesses")),
                                String.join(" ", (List<String>) row.get(k[2])),
                                String.valueOf(row.get("first")),
                                String.valueOf(row.get("last")))
                        .map(Export::formulaSafe)
                        .toList()));
            }
        }
        return sb.toString();
    }
}
