/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.devopsaudit.schema.Fields;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.search.CreatePitAction;
import org.opensearch.action.search.CreatePitRequest;
import org.opensearch.action.search.DeletePitAction;
import org.opensearch.action.search.DeletePitRequest;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.PointInTimeBuilder;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.sort.SortOrder;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The events of a log request, handed over as they are stored (normalized), in time order: every event of the scope
 * and window that passes the filters, exactly once. Pages through a point in time with {@code search_after} on
 * ({@code @timestamp}, {@code audit.dedup_key}) — the dedup key is the document id, unique per event — so the
 * searches hold one page at a time and the answer is the snapshot of the moment the export started, whatever is
 * written meanwhile. The rendered text is built into one paged buffer that the transport response carries: the
 * export is bounded by {@link #MAX_EVENTS} (checked on the exact total before anything is rendered), not streamed
 * to the HTTP client. Blocking: run on a generic thread.
 */
public final class Export {
    public static final Setting<Integer> MAX_EVENTS = Setting.intSetting(
            "devops_audit.export.max_events",
            200_000,
            1,
            10_000_000,
            Setting.Property.Dynamic,
            Setting.Property.NodeScope);

    /** The documented columns, in order; NDJSON objects carry the same keys. */
    public static final List<String> COLUMNS = List.of(
            "time",
            "provider",
            "actor",
            "source_ip",
            "action",
            "category",
            "scope_path",
            "target",
            "outcome",
            "message",
            "event_id");

    static final int PAGE = 2000;
    static final TimeValue KEEP_ALIVE = TimeValue.timeValueMinutes(5);
    private static final String[] SOURCE_FIELDS = {
        Fields.TIMESTAMP,
        Fields.EVENT_PROVIDER,
        Fields.USER_NAME,
        Fields.USER_ID,
        Fields.SOURCE_IP,
        Fields.EVENT_ACTION,
        Fields.AUDIT_CATEGORY,
        Fields.AUDIT_SCOPE_PATH,
        Fields.AUDIT_SCOPE_TYPE,
        Fields.AUDIT_TARGET_NAME,
        Fields.AUDIT_TARGET_TYPE,
        Fields.EVENT_OUTCOME,
        Fields.AUDIT_MESSAGE,
        Fields.AUDIT_DEDUP_KEY
    };
    private static final JsonFactory JSON = new JsonFactory();
    private static final CsvMapper CSV = new CsvMapper();

    /** Validated parameters: the investigation filter and the format. */
    public record Params(InvestigationFilter filter, boolean csv) {}

    /** The REST body and {@code format} parameter; {@code from}/{@code to} default to the last 7 days, as the report. */
    public static Params parse(Map<String, Object> body, String format, Instant now) {
        if (format.equals("ndjson") == false && format.equals("csv") == false)
            throw new IllegalArgumentException("[format] must be ndjson or csv, found [" + format + "]");
        return new Params(InvestigationFilter.parse(body, Set.of(), now), format.equals("csv"));
    }

    /** The rendered export and how many events it holds. */
    public record Result(BytesReference body, long events) {}

    private final Client client;
    private final Pseudonyms pseudonyms;
    private final IntSupplier maxBuckets;

    /** {@code maxBuckets}: the node's {@code search.max_buckets}, read when an export runs. */
    public Export(Client client, Pseudonyms pseudonyms, IntSupplier maxBuckets) {
        this.client = client;
        this.pseudonyms = pseudonyms;
        this.maxBuckets = maxBuckets;
    }

    /** Every event of the filter (not only accesses); request events only with {@code include_requests}. */
    static QueryBuilder query(Params p) {
        BoolQueryBuilder q = p.filter().query(null);
        if (p.filter().includeRequests() == false) q.mustNot(AccessReport.requestEvents());
        return q;
    }

    /** Runs the export over {@code indices} (the event indices, as the Security plugin let the request through). */
    public Result run(Params p, String[] eventIndices, int max) throws IOException {
        // the GitLab event pattern holds the request indices too: query(p) leaves them out unless include_requests
        String[] indices = eventIndices;
        InvestigationFilter f = p.filter();
        if (f.redact() && pseudonyms.configured() == false) {
            pseudonyms.of("user", "check"); // throws the 400 that names the missing key, before any search
        }
        QueryBuilder query = query(p);
        if (f.domains().isEmpty() == false) {
            Identities.Resolution r = new Identities(client, maxBuckets.getAsInt(), indices)
                    .resolve(indices, query, f.domains(), AccessReport.MAX_DISTINCT, false);
            if (r.users().size() > AccessReport.MAX_DISTINCT) {
                throw new IllegalArgumentException("[exclude_email_domains] the export holds more than "
                        + AccessReport.MAX_DISTINCT
                        + " distinct users, too many to resolve their e-mails: narrow [scope],"
                        + " [from]/[to] or [users]");
            }
            query = r.query();
        }
        long total = client.prepareSearch(indices)
                .setIndicesOptions(IndicesOptions.lenientExpandOpen())
                .setSource(new SearchSourceBuilder().query(query).size(0).trackTotalHits(true))
                .get()
                .getHits()
                .getTotalHits()
                .value();
        tooMany(total, max);
        BytesStreamOutput out = new BytesStreamOutput();
        Writer writer = p.csv() ? new CsvWriter(out) : new NdjsonWriter(out);
        if (total == 0) return new Result(writer.finish(), 0);

        CreatePitRequest create = new CreatePitRequest(KEEP_ALIVE, false, indices);
        create.setIndicesOptions(IndicesOptions.lenientExpandOpen());
        String pit =
                client.execute(CreatePitAction.INSTANCE, create).actionGet().getId();
        long written = 0;
        Exception failure = null;
        try {
            Object[] after = null;
            while (true) {
                SearchSourceBuilder source = new SearchSourceBuilder()
                        .query(query)
                        .size(PAGE)
                        .fetchSource(SOURCE_FIELDS, null)
                        .trackTotalHits(after == null)
                        .pointInTimeBuilder(new PointInTimeBuilder(pit).setKeepAlive(KEEP_ALIVE))
                        .sort(Fields.TIMESTAMP, SortOrder.ASC)
                        .sort(Fields.AUDIT_DEDUP_KEY, SortOrder.ASC);
                if (after != null) source.searchAfter(after);
                SearchResponse r = client.search(new SearchRequest(indices)
                                .indicesOptions(IndicesOptions.lenientExpandOpen())
                                .source(source))
                        .actionGet();
                // (the request also names the indices: a search naming none is authorized by the Security plugin as a
                // search of every index, 403 even for the admin role; the point in time decides the shards searched)
                // the point in time's own total is the snapshot that is rendered: check it too
                if (after == null) tooMany(r.getHits().getTotalHits().value(), max);
                SearchHit[] hits = r.getHits().getHits();
                for (SearchHit h : hits) {
                    writer.row(row(h, f));
                    written++;
                }
                if (hits.length < PAGE) break;
                after = hits[hits.length - 1].getSortValues();
            }
        } catch (RuntimeException | IOException e) {
            failure = e;
            throw e;
        } finally {
            try {
                client.execute(DeletePitAction.INSTANCE, new DeletePitRequest(pit))
                        .actionGet();
            } catch (RuntimeException e) {
                // an unreleased point in time expires after KEEP_ALIVE; the export's own failure is the one to report
                if (failure != null) failure.addSuppressed(e);
                else throw e;
            }
        }
        return new Result(writer.finish(), written);
    }

    private static void tooMany(long total, int max) {
        if (total > max) {
            throw new OpenSearchStatusException(
                    "the export holds " + total + " events, more than " + MAX_EVENTS.getKey() + " (" + max
                            + "): narrow [scope], [from]/[to], [users], [actions] or [categories], or raise the setting",
                    RestStatus.BAD_REQUEST);
        }
    }

    /** One event as the documented columns; under {@code redact} identities become pseudonyms and messages go. */
    List<String> row(SearchHit hit, InvestigationFilter p) {
        Map<String, Object> s = hit.getSourceAsMap();
        String actor = first(value(s, Fields.USER_NAME), value(s, Fields.USER_ID));
        String ip = value(s, Fields.SOURCE_IP);
        String scopePath = value(s, Fields.AUDIT_SCOPE_PATH);
        String target = value(s, Fields.AUDIT_TARGET_NAME);
        String message = value(s, Fields.AUDIT_MESSAGE);
        if (p.redact()) {
            // the address a listed identity acted from is its own: readable with it (another account's use of the
            // same address shows only as that account's pseudonym)
            boolean own = actor != null && p.include().contains(actor.toLowerCase(Locale.ROOT));
            actor = mask("user", actor, p);
            ip = own ? ip : mask("ip", ip, p);
            // a user's own namespace and an identity target (a user, a deploy key, a token, a bot: one kind with the
            // actors, so the same identity gets the same pseudonym either way) are identities; free text may name
            // anyone
            if ("user".equalsIgnoreCase(value(s, Fields.AUDIT_SCOPE_TYPE))) scopePath = mask("user", scopePath, p);
            if (Pseudonyms.identityType(value(s, Fields.AUDIT_TARGET_TYPE))) target = mask("user", target, p);
            message = null;
        }
        List<String> row = new ArrayList<>(COLUMNS.size());
        row.add(value(s, Fields.TIMESTAMP));
        row.add(value(s, Fields.EVENT_PROVIDER));
        row.add(actor);
        row.add(ip);
        row.add(value(s, Fields.EVENT_ACTION));
        row.add(value(s, Fields.AUDIT_CATEGORY));
        row.add(scopePath);
        row.add(target);
        row.add(value(s, Fields.EVENT_OUTCOME));
        row.add(message);
        row.add(first(value(s, Fields.AUDIT_DEDUP_KEY), hit.getId()));
        return row;
    }

    private String mask(String kind, String identity, InvestigationFilter p) {
        if (identity == null || p.include().contains(identity.toLowerCase(Locale.ROOT))) return identity;
        return pseudonyms.of(kind, identity);
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    /** A dotted field of a source map ({@code user.name} is {@code {"user":{"name":...}}}); a list's values joined. */
    @SuppressWarnings("unchecked")
    static String value(Map<String, Object> source, String field) {
        Object v = source;
        for (String part : field.split("\\.")) {
            if (v instanceof Map<?, ?> m) v = ((Map<String, Object>) m).get(part);
            else return null;
        }
        if (v == null) return null;
        if (v instanceof List<?> l)
            return String.join(" ", l.stream().map(String::valueOf).toList());
        return v.toString();
    }

    /** Renders rows into the buffer as they come. */
    private abstract static class Writer {
        final BytesStreamOutput out;

        Writer(BytesStreamOutput out) {
            this.out = out;
        }

        abstract void row(List<String> row) throws IOException;

        abstract BytesReference finish() throws IOException;
    }

    private static final class NdjsonWriter extends Writer {
        NdjsonWriter(BytesStreamOutput out) {
            super(out);
        }

        @Override
        void row(List<String> row) throws IOException {
            try (JsonGenerator g = JSON.createGenerator((OutputStream) out, JsonEncoding.UTF8)) {
                g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                g.writeStartObject();
                for (int i = 0; i < COLUMNS.size(); i++) {
                    if (row.get(i) == null) g.writeNullField(COLUMNS.get(i));
                    else g.writeStringField(COLUMNS.get(i), row.get(i));
                }
                g.writeEndObject();
            }
            out.write('\n');
        }

        @Override
        BytesReference finish() {
            return out.bytes();
        }
    }

    /**
     * A CSV cell a spreadsheet cannot run as a formula: a value starting with {@code =}, {@code +}, {@code -},
     * {@code @}, tab or carriage return gets a leading {@code '} (OWASP's advice against CSV injection; GitLab's own
     * export guards its cells the same way). The stored value and the NDJSON export stay exact; only CSV cells are
     * guarded, so {@code -1} reads as the text {@code '-1} there.
     */
    public static String formulaSafe(String cell) {
        if (cell == null || cell.isEmpty()) return "";
        char c = cell.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + cell : cell;
    }

    private static final class CsvWriter extends Writer {
        private final SequenceWriter rows;

        CsvWriter(BytesStreamOutput out) {
            super(out);
            try {
                rows = CSV.writerFor(String[].class)
                        .with(CsvSchema.emptySchema())
                        .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                        .writeValues((OutputStream) out);
                // the header is written even when no event matches, so an empty export is still a valid table
                rows.write(COLUMNS.toArray(new String[0]));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        void row(List<String> row) throws IOException {
            rows.write(row.stream().map(Export::formulaSafe).toArray(String[]::new));
        }

        @Override
        BytesReference finish() throws IOException {
            rows.close();
            return out.bytes();
        }
    }
}
