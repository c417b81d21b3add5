/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.intake.RawRecords;
import io.devopsaudit.normalize.Timestamps;
import io.devopsaudit.schema.EnrichedFields;
import io.devopsaudit.schema.Fields;
import io.devopsaudit.schema.IndexNames;
import org.apache.lucene.document.InetAddressPoint;
import org.opensearch.OpenSearchException;
import org.opensearch.action.search.SearchPhaseExecutionException;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.ShardSearchFailure;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.common.network.InetAddresses;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.aggregations.AggregationBuilder;
import org.opensearch.search.aggregations.AggregationBuilders;
import org.opensearch.search.aggregations.Aggregations;
import org.opensearch.search.aggregations.BucketOrder;
import org.opensearch.search.aggregations.MultiBucketConsumerService;
import org.opensearch.search.aggregations.bucket.filter.Filter;
import org.opensearch.search.aggregations.bucket.terms.IncludeExclude;
import org.opensearch.search.aggregations.bucket.terms.Terms;
import org.opensearch.search.aggregations.bucket.terms.TermsAggregationBuilder;
import org.opensearch.search.aggregations.metrics.Max;
import org.opensearch.search.aggregations.metrics.Min;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Who accessed a project or group, how many users, how many times, from how many distinct IPs, over what time range —
 * excluding known networks, the company's e-mail domain or named users. Counts are exact: distinct users and IPs are
 * enumerated by terms aggregations sized to hold every value up to {@link #MAX_DISTINCT}; beyond that (or whenever an
 * aggregation says it left values out) the answer says {@code bound_hit}.
 *
 * <p>Cost. The report reads the matching events in one pass, plus one pass over the e-mail-bearing events of its users
 * (identity resolution), plus, with {@code exclude_email_domains}, one more pass once the users of those domains are
 * known. Each aggregation holds every row of the answer at once, so no pass is repeated per page of rows; the per-row
 * extras (first/last, related values, user agents, countries, networks) are sub-aggregations asked only with
 * {@code detail} (or CSV). When the rows and their extras would exceed the node's bucket limit
 * ({@code search.max_buckets}), the rows are read in partitions of the value space instead. Blocking: run on a generic
 * thread.
 */
public final class AccessReport {
    public static final int MAX_DISTINCT = 10_000;
    /** The event indices the investigation actions read (dead letters are not events). */
    public static final String[] EVENT_INDICES = IndexNames.eventPatterns();
    /** How many related values (a user's IPs, an IP's users) a row lists. */
    static final int RELATED = 100;

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
    private final IntSupplier maxBuckets;
    private final Function<InvestigationFilter, AccessRollup.Plan> rollup;

    /**
     * {@code maxBuckets}: the node's {@code search.max_buckets}, read when a report runs; {@code rollup}: which of a
     * filter's days the report may read from the access rollup, found as the caller.
     */
    public AccessReport(
            Client client,
            Pseudonyms pseudonyms,
            IntSupplier maxBuckets,
            Function<InvestigationFilter, AccessRollup.Plan> rollup) {
        this.client = client;
        this.pseudonyms = pseudonyms;
        this.maxBuckets = maxBuckets;
        this.rollup = rollup;
    }

    /** The report's own body keys, besides the {@link InvestigationFilter}'s. */
    static final Set<String> OWN_KEYS = Set.of("detail");

    /** Validated parameters: the investigation filter and whether the per-user and per-IP rows are wanted. */
    public record Params(InvestigationFilter filter, boolean detail) {
        /** The same question with the per-user and per-IP rows (the CSV answer is made of them). */
        public Params withDetail() {
            return new Params(filter, true);
        }
    }

    public static Params parse(Map<String, Object> body, Instant now) {
        InvestigationFilter filter = InvestigationFilter.parse(body, OWN_KEYS, now);
        return new Params(filter, InvestigationFilter.bool(body, "detail"));
    }

    /** The accesses the report counts, within its window; never request events. */
    static QueryBuilder query(Params p) {
        return p.filter().query(accesses()).mustNot(requestEvents());
    }

    /** The report's query with its window turned inside out: the same accesses at any other time. */
    static QueryBuilder outsideWindow(Params p) {
        InvestigationFilter f = p.filter();
        return f.scoped(accesses()).mustNot(requestEvents()).mustNot(InvestigationFilter.window(f.from(), f.to()));
    }

    /**
     * The GitLab request events, which share the GitLab index prefix: audit counts leave them out by this query, not by
     * an index exclusion, which the Security plugin refuses on the plugin's searches.
     */
    public static QueryBuilder requestEvents() {
        return QueryBuilders.termsQuery(Fields.EVENT_DATASET, PAGE_VIEWS, API_READS, "gitlab.auth");
    }

    /** What counts as an access: the query of {@code content/access-query.txt}, which the dashboards read too. */
    public static QueryBuilder accesses() {
        return QueryBuilders.queryStringQuery(ACCESS_QUERY);
    }

    /**
     * For an empty report: how many accesses of the scope lie outside the window, and when the first and last were, so
     * an answer of zeros says whether the window missed the data (without {@code from}/{@code to} it is the last
     * 7 days) or the scope has none.
     */
    private AccessReportResult.OutsideWindow outside(Params p, String[] indices) {
        SearchResponse r = search(
                indices,
                new SearchSourceBuilder()
                        .query(outsideWindow(p))
                        .size(0)
                        .trackTotalHits(true)
                        .aggregation(AggregationBuilders.min("first").field(Fields.TIMESTAMP))
                        .aggregation(AggregationBuilders.max("last").field(Fields.TIMESTAMP)));
        long n = r.getHits().getTotalHits().value();
        return new AccessReportResult.OutsideWindow(
                n,
                n == 0 ? null : time(((Min) r.getAggregations().get("first")).getValue()),
                n == 0 ? null : time(((Max) r.getAggregations().get("last")).getValue()),
                n == 0
                        ? "no access of this scope is stored at any time"
                        : "no access in the window "
                                + Timestamps.format(p.filter().from()) + " to "
                                + Timestamps.format(p.filter().to())
                                + " (the last 7 days when from/to are not given); " + n
                                + " lie outside it: give from and to around them");
    }

    /** Runs the report over {@code indices} (the event indices, as the Security plugin let the request through). */
    public AccessReportResult run(Params p, String[] indices) {
        InvestigationFilter f = p.filter();
        // whole days the access rollup still holds exactly are read as its rows, the rest as events: every search
        // below but the e-mails' (which reads every kind of event) and the empty answer's runs over both
        AccessRollup.Plan plan = rollup.apply(f);
        QueryBuilder direct = plan.query(query(p), f.query(null));
        String[] events = indices;
        indices = plan.indices(events);
        Identities identities = new Identities(client, maxBuckets.getAsInt(), events);
        Identities.Resolution resolved;
        Counts counts;
        if (f.domains().isEmpty()) {
            // nobody is left out by e-mail: the users to resolve and the counts come from the same pass
            counts = count(indices, direct, p.detail(), identities.candidates(MAX_DISTINCT));
            Map<Identities.User, Long> users = identities.users(indices, direct, counts.aggs(), MAX_DISTINCT);
            resolved = identities.resolve(indices, direct, users, f.domains(), f.includeRequests());
        } else {
            // the query excludes the events that carry an excluded e-mail themselves; identity resolution then finds
            // the e-mails of every remaining user from any stored event and excludes the users of an excluded domain
            // everywhere, whatever source their events came from; the counts are taken without them
            resolved = identities.resolve(indices, direct, f.domains(), MAX_DISTINCT, f.includeRequests());
            counts = count(indices, resolved.query(), p.detail(), null);
        }
        Map<Identities.User, Long> candidates = resolved.users();
        List<AccessReportResult.Identity> unresolved = new ArrayList<>();
        List<AccessReportResult.Identity> several = new ArrayList<>();
        long unresolvedAccesses = 0;
        Set<Identities.User> excludedUsers = new HashSet<>(resolved.excluded());
        Map<Identities.User, Set<String>> severalEmails = resolved.severalEmails();
        for (Map.Entry<Identities.User, Long> c : candidates.entrySet()) {
            if (resolved.emails().containsKey(c.getKey()) == false) {
                unresolved.add(identityRow(c.getKey(), c.getValue(), p, null));
                unresolvedAccesses += c.getValue();
            } else if (severalEmails.containsKey(c.getKey())) {
                several.add(identityRow(c.getKey(), c.getValue(), p, severalEmails.get(c.getKey())));
            }
        }
        unresolved.sort((a, b) -> Long.compare(b.accesses(), a.accesses()));
        Aggregations aggs = counts.aggs();
        long accesses = counts.events();
        boolean bound = counts.users().complete() == false
                || counts.ips().complete() == false
                || candidates.size() > MAX_DISTINCT;

        List<AccessReportResult.UserRow> userRows = null;
        List<AccessReportResult.IpRow> ipRows = null;
        if (p.detail()) {
            List<Map<String, Object>> users = counts.users().rows();
            List<Map<String, Object>> ips = counts.ips().rows();
            Set<String> own = ownAddresses(users, f);
            userRows = redactUsers(users.subList(0, Math.min(users.size(), MAX_DISTINCT)), f, own);
            ipRows = redactIps(ips.subList(0, Math.min(ips.size(), MAX_DISTINCT)), f, own);
        }
        return new AccessReportResult(
                f.scopes(),
                Timestamps.format(f.from()),
                Timestamps.format(f.to()),
                Math.min(counts.users().rows().size(), MAX_DISTINCT),
                accesses,
                Math.min(counts.ips().rows().size(), MAX_DISTINCT),
                accesses == 0 ? null : time(((Min) aggs.get("first")).getValue()),
                accesses == 0 ? null : time(((Max) aggs.get("last")).getValue()),
                // a search over no index at all may answer without aggregations
                aggs == null ? List.of() : buckets(aggs.get("per_project")),
                aggs == null ? List.of() : buckets(aggs.get("per_type")),
                accesses == 0 ? outside(p, events) : null,
                MAX_DISTINCT,
                bound,
                new AccessReportResult.Excluded(f.networks(), f.domains(), f.excludeUsers(), excludedUsers.size()),
                unresolved.subList(0, Math.min(unresolved.size(), MAX_DISTINCT)),
                unresolvedAccesses,
                several.subList(0, Math.min(several.size(), MAX_DISTINCT)),
                userRows,
                ipRows,
                f.includeRequests() ? requests(p, resolved.excluded()) : null,
                f.redact(),
                plan.days());
    }

    private static String time(double epochMillis) {
        return Timestamps.format(Instant.ofEpochMilli((long) epochMillis));
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
        InvestigationFilter f = p.filter();
        BoolQueryBuilder q = QueryBuilders.boolQuery().filter(InvestigationFilter.window(f.from(), f.to()));
        q.filter(f.scopeQuery());
        q.filter(QueryBuilders.boolQuery()
                .minimumShouldMatch(1)
                .should(requestReads(PAGE_VIEWS))
                .should(requestReads(API_READS)));
        f.people(q);
        // request lines carry no e-mail: the users the audit events resolved to an excluded domain are left out by name
        List<String> names = excludedUsers.stream()
                .map(Identities.User::name)
                .filter(n -> n != null)
                .toList();
        if (names.isEmpty() == false) q.mustNot(QueryBuilders.termsQuery(Fields.USER_NAME, names));
        return q;
    }

    /** Page views and API reads of the scope from the request events, per user and per IP (rows with {@code detail}). */
    private AccessReportResult.Requests requests(Params p, List<Identities.User> excludedUsers) {
        String[] indices = {IndexNames.REQUESTS};
        Counts c = count(
                indices,
                requestQuery(p, excludedUsers),
                p.detail(),
                AggregationBuilders.terms("per_dataset")
                        .field(Fields.EVENT_DATASET)
                        .size(10));
        Map<String, Long> perDataset = new LinkedHashMap<>();
        if (c.aggs() != null) {
            for (AccessReportResult.Bucket b : buckets(c.aggs().get("per_dataset")))
                perDataset.put(b.key(), b.accesses());
        }
        List<AccessReportResult.UserRow> userRows = null;
        List<AccessReportResult.IpRow> ipRows = null;
        if (p.detail()) {
            InvestigationFilter f = p.filter();
            List<Map<String, Object>> users = c.users().rows();
            List<Map<String, Object>> ips = c.ips().rows();
            Set<String> own = ownAddresses(users, f);
            userRows = redactUsers(users.subList(0, Math.min(users.size(), MAX_DISTINCT)), f, own);
            ipRows = redactIps(ips.subList(0, Math.min(ips.size(), MAX_DISTINCT)), f, own);
        }
        return new AccessReportResult.Requests(
                perDataset.getOrDefault(PAGE_VIEWS, 0L),
                perDataset.getOrDefault(API_READS, 0L),
                Math.min(c.users().rows().size(), MAX_DISTINCT),
                Math.min(c.ips().rows().size(), MAX_DISTINCT),
                c.users().complete() == false || c.ips().complete() == false,
                userRows,
                ipRows);
    }

    /**
     * A user as identity resolution names it (provider, instance, id, name) and how many accesses; with the e-mails
     * when more than one is known for it.
     */
    private AccessReportResult.Identity identityRow(Identities.User u, long accesses, Params p, Set<String> emails) {
        InvestigationFilter f = p.filter();
        boolean readable = f.readable(u.name()) || (u.id() != null && f.readable(u.id()));
        return new AccessReportResult.Identity(
                u.provider(),
                u.instance(),
                u.id() == null || readable ? u.id() : pseudonyms.of("user_id", u.id()),
                u.name() == null || readable ? u.name() : pseudonyms.of("user", u.name()),
                accesses,
                emails == null
                        ? null
                        : emails.stream()
                                .map(e -> readable || f.readable(e) ? e : pseudonyms.of("email", e))
                                .toList());
    }

    private SearchResponse search(String[] indices, SearchSourceBuilder source) {
        return client.prepareSearch(indices)
                .setIndicesOptions(IndicesOptions.lenientExpandOpen())
                .setSource(source)
                .get();
    }

    private static List<AccessReportResult.Bucket> buckets(Terms terms) {
        List<AccessReportResult.Bucket> out = new ArrayList<>();
        for (Terms.Bucket b : terms.getBuckets())
            out.add(new AccessReportResult.Bucket(b.getKeyAsString(), b.getDocCount()));
        return out;
    }

    /** The enrichment each row kind carries: row key to field. */
    static Map<String, String> extras(String field) {
        if (field.equals(Fields.USER_NAME)) return Map.of("user_agents", Fields.USER_AGENT_ORIGINAL);
        Map<String, String> ip = new LinkedHashMap<>();
        ip.put("countries", EnrichedFields.SOURCE_GEO_COUNTRY_ISO_CODE);
        ip.put("asns", EnrichedFields.SOURCE_AS_NUMBER);
        return ip;
    }

    /**
     * What one pass over a question's events counted: the events, the aggregations (summary, and whatever the caller
     * added), the distinct users and the distinct source IPs.
     */
    private record Counts(long events, Aggregations aggs, Rows users, Rows ips) {}

    /** The distinct values of one field as rows (value, accesses and, with detail, the extras), in key order. */
    record Rows(List<Map<String, Object>> rows, boolean complete) {}

    /**
     * Counts {@code query}'s events in one search: total, first and last, per project and access type, every distinct
     * user and IP (with their extras when {@code detail}), and {@code extra} if given. When the rows with their extras
     * exceed the node's bucket limit, counts without extras first, then the rows in partitions.
     */
    private Counts count(String[] indices, QueryBuilder query, boolean detail, AggregationBuilder extra) {
        try {
            return count(indices, query, detail, extra, 0, 1);
        } catch (RuntimeException e) {
            if (detail == false || tooManyBuckets(e) == false) throw e;
        }
        Counts plain = count(indices, query, false, extra, 0, 1);
        // a guess at the buckets per row; a partition that still overflows doubles the number of partitions
        long rows = plain.users().rows().size() + plain.ips().rows().size();
        int partitions = (int) Math.max(2, Math.min(1024, rows * (RELATED + 21) / 50_000 + 1));
        while (true) {
            try {
                List<Map<String, Object>> users = new ArrayList<>();
                List<Map<String, Object>> ips = new ArrayList<>();
                for (int i = 0; i < partitions; i++) {
                    Counts part = count(indices, query, true, null, i, partitions);
                    users.addAll(part.users().rows());
                    ips.addAll(part.ips().rows());
                }
                users.sort(Comparator.comparing(r -> (String) r.get("value")));
                ips.sort(Comparator.comparing(
                        r -> InetAddresses.forString((String) r.get("value")), AccessReport::compareAddresses));
                return new Counts(
                        plain.events(),
                        plain.aggs(),
                        new Rows(users, plain.users().complete()),
                        new Rows(ips, plain.ips().complete()));
            } catch (RuntimeException e) {
                if (tooManyBuckets(e) == false || partitions >= 1024) throw e;
                partitions *= 2;
            }
        }
    }

    private static final String EVENTS = "events";

    private Counts count(
            String[] indices, QueryBuilder query, boolean detail, AggregationBuilder extra, int partition, int of) {
        SearchSourceBuilder source = new SearchSourceBuilder().query(query).size(0);
        if (of == 1) {
            // a rollup row counts as the events it stands for in every bucket (its _doc_count), not in the hits
            source.aggregation(AggregationBuilders.filter(EVENTS, QueryBuilders.matchAllQuery()))
                    .aggregation(AggregationBuilders.min("first").field(Fields.TIMESTAMP))
                    .aggregation(AggregationBuilders.max("last").field(Fields.TIMESTAMP))
                    .aggregation(AggregationBuilders.terms("per_project")
                            .field(Fields.AUDIT_SCOPE_PATH)
                            .size(1000))
                    .aggregation(AggregationBuilders.terms("per_type")
                            .field(Fields.EVENT_ACTION)
                            .size(1000));
        }
        if (extra != null) source.aggregation(extra);
        source.aggregation(rowsAggregation("users", Fields.USER_NAME, Fields.SOURCE_IP, detail, partition, of));
        source.aggregation(rowsAggregation("ips", Fields.SOURCE_IP, Fields.USER_NAME, detail, partition, of));
        SearchResponse r = search(indices, source);
        Aggregations aggs = r.getAggregations();
        Filter all = aggs == null ? null : aggs.get(EVENTS);
        long events = all == null ? 0 : all.getDocCount();
        return new Counts(
                events,
                aggs,
                rows(aggs == null ? null : aggs.get("users"), Fields.USER_NAME, detail),
                rows(aggs == null ? null : aggs.get("ips"), Fields.SOURCE_IP, detail));
    }

    /**
     * Every distinct value of {@code field} (up to one more than {@link #MAX_DISTINCT}) with its count and, with
     * {@code detail}, the related values, its extras and its first and last time.
     */
    private static TermsAggregationBuilder rowsAggregation(
            String name, String field, String related, boolean detail, int partition, int of) {
        TermsAggregationBuilder t = AggregationBuilders.terms(name)
                .field(field)
                .size(MAX_DISTINCT + 1)
                .shardSize(MAX_DISTINCT + 1)
                .order(BucketOrder.key(true));
        if (of > 1) t.includeExclude(new IncludeExclude(partition, of));
        if (detail) {
            t.subAggregation(AggregationBuilders.terms("related").field(related).size(RELATED));
            t.subAggregation(AggregationBuilders.min("first").field(Fields.TIMESTAMP));
            t.subAggregation(AggregationBuilders.max("last").field(Fields.TIMESTAMP));
            // where enrichment exists: a user's clients, an IP's country and network (GeoIP/ASN fields; a terms
            // aggregation over a field no index maps yet is simply empty)
            for (Map.Entry<String, String> e : extras(field).entrySet()) {
                t.subAggregation(AggregationBuilders.terms(e.getKey())
                        .field(e.getValue())
                        .size(10));
            }
        }
        return t;
    }

    /** The rows of a {@link #rowsAggregation}; complete when no value was left out and the bound holds them. */
    private static Rows rows(Terms terms, String field, boolean detail) {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (terms == null) return new Rows(rows, true);
        for (Terms.Bucket b : terms.getBuckets()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("value", b.getKeyAsString());
            row.put("accesses", b.getDocCount());
            if (detail) {
                Aggregations sub = b.getAggregations();
                List<String> rel = new ArrayList<>();
                for (Terms.Bucket t : ((Terms) sub.get("related")).getBuckets()) rel.add(t.getKeyAsString());
                row.put("related", rel);
                for (String extra : extras(field).keySet()) {
                    List<Object> values = new ArrayList<>();
                    for (Terms.Bucket t : ((Terms) sub.get(extra)).getBuckets()) values.add(t.getKey());
                    row.put(extra, values);
                }
                row.put("first", time(((Min) sub.get("first")).getValue()));
                row.put("last", time(((Max) sub.get("last")).getValue()));
            }
            rows.add(row);
        }
        boolean complete = terms.getSumOfOtherDocCounts() == 0 && rows.size() <= MAX_DISTINCT;
        return new Rows(rows, complete);
    }

    private static int compareAddresses(InetAddress a, InetAddress b) {
        return Arrays.compare(InetAddressPoint.encode(a), InetAddressPoint.encode(b));
    }

    /** Whether {@code e} (or what it wraps, or a shard failure it carries) is the bucket limit being hit. */
    static boolean tooManyBuckets(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MultiBucketConsumerService.TooManyBucketsException) return true;
            if (t instanceof SearchPhaseExecutionException s) {
                for (ShardSearchFailure f : s.shardFailures()) {
                    if (f.getCause() != null && tooManyBuckets(f.getCause())) return true;
                }
            }
            if (t instanceof OpenSearchException o && o.getDetailedMessage().contains("too_many_buckets")) return true;
        }
        return false;
    }

    /**
     * The addresses the identities listed in {@code include_identities} accessed from: their own, so readable with
     * them (the per-user rows relate each user to the addresses of its accesses).
     */
    @SuppressWarnings("unchecked")
    private static Set<String> ownAddresses(List<Map<String, Object>> userRows, InvestigationFilter p) {
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
     * The per-user rows, with the identities that are not the caller's own ({@code include_identities}, and the
     * addresses those accessed from: {@code ownAddresses}) replaced with stable pseudonyms.
     */
    @SuppressWarnings("unchecked")
    private List<AccessReportResult.UserRow> redactUsers(
            List<Map<String, Object>> rows, InvestigationFilter p, Set<String> ownAddresses) {
        List<AccessReportResult.UserRow> out = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            out.add(new AccessReportResult.UserRow(
                    maskIf(p, "user", (String) row.get("value"), ownAddresses),
                    ((Number) row.get("accesses")).longValue(),
                    maskAll(p, "ip", (List<String>) row.get("related"), ownAddresses),
                    ((List<Object>) row.get("user_agents"))
                            .stream().map(String::valueOf).toList(),
                    (String) row.get("first"),
                    (String) row.get("last")));
        }
        return out;
    }

    /** The per-IP rows, redacted as {@link #redactUsers} does. */
    @SuppressWarnings("unchecked")
    private List<AccessReportResult.IpRow> redactIps(
            List<Map<String, Object>> rows, InvestigationFilter p, Set<String> ownAddresses) {
        List<AccessReportResult.IpRow> out = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            out.add(new AccessReportResult.IpRow(
                    maskIf(p, "ip", (String) row.get("value"), ownAddresses),
                    ((Number) row.get("accesses")).longValue(),
                    maskAll(p, "user", (List<String>) row.get("related"), ownAddresses),
                    ((List<Object>) row.get("countries"))
                            .stream().map(String::valueOf).toList(),
                    ((List<Object>) row.get("asns"))
                            .stream().map(n -> ((Number) n).longValue()).toList(),
                    (String) row.get("first"),
                    (String) row.get("last")));
        }
        return out;
    }

    private String maskIf(InvestigationFilter p, String kind, String identity, Set<String> ownAddresses) {
        return p.redact() ? mask(kind, identity, p, ownAddresses) : identity;
    }

    private List<String> maskAll(
            InvestigationFilter p, String kind, List<String> identities, Set<String> ownAddresses) {
        return p.redact()
                ? identities.stream().map(v -> mask(kind, v, p, ownAddresses)).toList()
                : identities;
    }

    private String mask(String kind, String identity, InvestigationFilter p, Set<String> ownAddresses) {
        boolean readable = p.include().contains(identity.toLowerCase(Locale.ROOT))
                || kind.equals("ip") && ownAddresses.contains(identity);
        return readable ? identity : pseudonyms.of(kind, identity);
    }

    /** Per-user and per-IP rows as CSV for a ticket (Jackson's CSV writer does the quoting). */
    public static String csv(List<? extends AccessReportResult.Row> users, List<? extends AccessReportResult.Row> ips) {
        StringBuilder sb = new StringBuilder("kind,identity,accesses,related,first,last\n");
        for (AccessReportResult.Row row :
                Stream.concat(users.stream(), ips.stream()).toList()) {
            sb.append(RawRecords.csvRow(Stream.of(
                            row.kind(),
                            row.identity(),
                            String.valueOf(row.accesses()),
                            String.join(" ", row.related()),
                            row.first(),
                            row.last())
                    .map(Export::formulaSafe)
                    .toList()));
        }
        return sb.toString();
    }

    /** The CSV answer of a report: its per-user and per-IP rows (none without {@code detail}). */
    public static String csv(AccessReportResult report) {
        return csv(
                report.users() == null ? List.of() : report.users(),
                report.sourceIps() == null ? List.of() : report.sourceIps());
    }
}
