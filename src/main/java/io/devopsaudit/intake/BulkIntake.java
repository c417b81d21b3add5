/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.content.IndexConformance;
import io.devopsaudit.ingest.Custody;
import io.devopsaudit.ingest.DevopsAuditProcessor;
import io.devopsaudit.ingest.IntakeBounds;
import io.devopsaudit.normalize.Timestamps;
import io.devopsaudit.schema.IndexNames;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchException;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.DocWriteRequest;
import org.opensearch.action.DocWriteResponse;
import org.opensearch.action.bulk.BackoffPolicy;
import org.opensearch.action.bulk.BulkItemResponse;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.cluster.block.ClusterBlockException;
import org.opensearch.cluster.block.ClusterBlockLevel;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.UUIDs;
import org.opensearch.common.action.ActionFuture;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Sends raw events through an ingest pipeline in bulk batches ({@code {"message": raw}} documents, as the shipped
 * pipeline expects) and tallies the outcome of each: indexed (a new document), upgraded (a richer copy replaced the
 * stored one), duplicate (an agreeing copy as rich or poorer was already stored: the processor drops it, nothing is
 * written), conflict (a copy that disagrees with the stored event: kept in the dead-letter index, the stored event
 * unchanged), failed (dead-lettered by the pipeline, or rejected), with the first failures' record numbers and
 * reasons. A version conflict means another copy of the same event was written between the processor's read and
 * this write: such items are sent again, so they are compared anew (docs/dedup.md). Blocking: run on a generic
 * thread.
 */
public final class BulkIntake {
    /**
     * The indices the intake actions write: events and dead letters (and the intake address, which every request
     * names). Not {@code devops-audit-*}: that would take in the investigation trail, which no role may write.
     */
    static final String[] WRITE_INDICES = IndexNames.writePatterns();

    private final Client client;
    /** The node's applied cluster state: where the written indices' settings and mappings are compared. */
    private final ClusterService clusterService;

    private final String pipeline;
    /** The instance the events come from, passed to the processor with each document, or {@code null}. */
    private final String instance;

    /** The GitLab streaming destination that delivered the events, passed to the processor likewise, or {@code null}. */
    private String destination;

    /** The format the caller named for every record, passed to the processor likewise, or {@code null} (detect it). */
    private String format;

    private final int batchSize;
    /** Explains why a dead-lettered raw event failed (the processor's own message). */
    private final Function<String, String> explain;

    private List<RawRecords.Record> batch = new ArrayList<>();

    /** How many batches may be on the node at once (see {@link #sendBatch}). */
    static final int IN_FLIGHT = 2;

    /** A batch sent and not yet accounted for: its records and the answer to its bulk request. */
    private record Sent(List<RawRecords.Record> records, ActionFuture<BulkResponse> answer) {}

    private final ArrayDeque<Sent> inFlight = new ArrayDeque<>();

    /** The first item the caller may not write (where, index, message), once seen: the request is refused. */
    private String forbidden;

    /** The refusal ({@link #refusal}) is thrown once, after every batch in flight is accounted for. */
    private boolean refusalThrown;

    private long received;
    private long indexed;
    private long upgraded;
    /** Events for a write-blocked month: kept in the dead-letter index. */
    private long late;

    private long duplicates;
    /** Copies that disagree with the stored event of their id: kept in the dead-letter index as conflict records. */
    private long conflicts;

    private long failed;
    /**
     * Events that landed in, or were refused by, an audit index whose mappings or settings differ from its template
     * ({@link IndexConformance}): never counted as stored or late; a copy of each stored one is kept in the dead-letter
     * index.
     */
    private long nonconforming;
    /** Items the cluster refused even as dead letters: those events are NOT stored, and the request fails retriably. */
    private long rejected;

    /** Items sent again after a full write queue refused them (reported, so an operator sees the pressure). */
    private long retries;

    /** Backoff for items refused by a full write queue: 50 ms growing exponentially, 8 retries (about 8 s in all). */
    static final BackoffPolicy BACKOFF = BackoffPolicy.exponentialBackoff(TimeValue.timeValueMillis(50), 8);

    /** How often an item that lost a race with another copy of its event is sent again (each time compared anew). */
    static final int RACE_RETRIES = 5;

    private boolean busy;
    private String lastRejection;
    static final int RETRY_AFTER_SECONDS = 30;

    private final ReportedFailures failures = new ReportedFailures();

    public BulkIntake(
            Client client,
            ClusterService clusterService,
            String pipeline,
            String instance,
            int batchSize,
            Function<String, String> explain) {
        this.client = client;
        this.clusterService = clusterService;
        this.pipeline = pipeline;
        this.instance = instance;
        this.batchSize = batchSize;
        this.explain = explain;
    }

    /** Names this intake request to the processor, which bounds the new event indices one request creates. */
    private final String requestId = UUIDs.randomBase64UUID();

    /** The counts so far; complete once every batch is flushed. */
    public IntakeCounts counts() {
        return new IntakeCounts(
                received,
                indexed,
                upgraded,
                duplicates,
                conflicts,
                late,
                nonconforming,
                failed,
                retries,
                failures.listed(),
                failures.truncated());
    }

    /**
     * Keeps a record the intake refuses before the pipeline (a body that is not UTF-8, ...) in the dead-letter index
     * with its raw text, {@code kind} and reason, and counts it as received and failed.
     */
    public void keep(RawRecords.Record record, String kind, String reason) {
        received++;
        String now = Timestamps.format(Instant.now());
        String index = deadLetterIndex(now);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", kind);
        error.put("message", reason);
        error.put("pipeline", pipeline);
        BulkItemResponse item = client.bulk(new BulkRequest()
                        .add(new IndexRequest(index).source(deadLetter(now, record.text(), kind, error))))
                .actionGet()
                .getItems()[0];
        if (item.isFailed()) {
            throw new OpenSearchStatusException(
                    "record " + record.where() + " could not be kept in " + index + ": " + item.getFailureMessage(),
                    item.status());
        }
        fail(record, reason + " (kept in " + index + ")");
    }

    /** The dead-letter index of the ingest month of {@code now} (a formatted instant). */
    static String deadLetterIndex(String now) {
        return IndexNames.DEAD_LETTER_PREFIX + now.substring(0, 4) + "." + now.substring(5, 7);
    }

    /** A dead letter the intake writes itself, in the shape the pipeline's on_failure gives its own. */
    static Map<String, Object> deadLetter(String now, String raw, String kind, Map<String, Object> error) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("kind", kind);
        event.put("original", raw);
        event.put("ingested", now);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("@timestamp", now);
        doc.put("message", raw);
        doc.put("event", event);
        doc.put("error", error);
        return doc;
    }

    /** Names the GitLab streaming destination that delivered the events (the processor puts it in audit.destination). */
    public BulkIntake destination(String name) {
        this.destination = name;
        return this;
    }

    /** Names the records' format (the processor then reads each as that format instead of detecting it). */
    public BulkIntake format(String id) {
        this.format = id;
        return this;
    }

    public void add(RawRecords.Record record) {
        received++;
        batch.add(record);
        if (batch.size() >= batchSize) sendBatch();
    }

    /**
     * Sends what is left and accounts for every batch in flight: the counts are complete when this returns. Throws
     * what the intake refuses (the caller may not write, events the cluster could not store) once every batch sent is
     * accounted for, so the counts in the answer are exact.
     */
    public void flush() {
        if (refused() == false && batch.isEmpty() == false) send(batch);
        batch = new ArrayList<>();
        while (inFlight.isEmpty() == false) account(inFlight.removeFirst());
        if (refused() && refusalThrown == false) {
            refusalThrown = true;
            throw refusal();
        }
    }

    /**
     * Sends the full batch without waiting for it, so the node indexes one batch while it runs the pipeline on the
     * next: with one batch at a time, ingest and indexing take turns and one of a node's cores waits. At most
     * {@link #IN_FLIGHT} batches are on the node; the oldest is accounted for before another is sent.
     */
    private void sendBatch() {
        while (refused() == false && inFlight.size() >= IN_FLIGHT) account(inFlight.removeFirst());
        if (refused()) {
            // refused: nothing more is sent; what was sent is accounted for before the refusal is thrown
            flush();
            return;
        }
        send(batch);
        batch = new ArrayList<>();
    }

    private void send(List<RawRecords.Record> records) {
        inFlight.addLast(new Sent(records, client.bulk(bulkOf(records, allOf(records)))));
    }

    private static List<Integer> allOf(List<RawRecords.Record> records) {
        List<Integer> all = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) all.add(i);
        return all;
    }

    /** The caller may not write, or events could not be stored even as dead letters: nothing more is sent. */
    private boolean refused() {
        return forbidden != null || rejected > 0;
    }

    private OpenSearchStatusException refusal() {
        if (forbidden != null) {
            return new OpenSearchStatusException(
                    "the caller may not write audit event " + forbidden + "; " + indexed
                            + " events of this request were stored before",
                    RestStatus.FORBIDDEN);
        }
        // Nothing is acknowledged that is not stored: the sender must send again (stored events then count as
        // duplicates, so a retry cannot double-count).
        RestStatus status = busy ? RestStatus.TOO_MANY_REQUESTS : RestStatus.SERVICE_UNAVAILABLE;
        OpenSearchStatusException e = new OpenSearchStatusException(
                rejected + " events could not be stored, not even in the dead-letter index (" + lastRejection + "); "
                        + (indexed + upgraded + duplicates) + " events of this request are stored: send it again later",
                status);
        e.addHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        return e;
    }

    /** Accounts for one sent batch: retries, outcome of every item, dead letters and copies. */
    private void account(Sent sent) {
        List<RawRecords.Record> records = sent.records();
        BulkItemResponse[] items = complete(sent);
        drift = nonconformingIndices(items);
        List<Integer> notWritten = new ArrayList<>();
        List<Integer> copies = new ArrayList<>();
        for (int i = 0; i < items.length; i++) {
            BulkItemResponse item = items[i];
            RawRecords.Record record = records.get(i);
            if (item == null || queueFull(item)) {
                // A full write queue is the cluster's state, not the event's: keep nothing as a dead letter (the
                // event is good) and answer 429 so the sender sends it again; stored events then count as duplicates.
                rejected++;
                busy = true;
                lastRejection =
                        item == null ? "the bulk request was rejected: write queue full" : item.getFailureMessage();
                fail(record, "not stored: the cluster is busy (" + lastRejection + ")");
                continue;
            }
            if (item.isFailed()) {
                // a write-blocked index answers 403 too: that is a property of the month, not of the caller
                boolean blocked = item.getFailure().getCause() instanceof ClusterBlockException;
                if ((item.status() == RestStatus.FORBIDDEN || item.status() == RestStatus.UNAUTHORIZED)
                        && blocked == false) {
                    // A permission problem is the caller's answer, not a property of the event: refuse the request
                    // (once the other batches in flight are accounted for, so the count below is exact).
                    if (forbidden == null)
                        forbidden = record.where() + " (" + item.getIndex() + "): " + item.getFailureMessage();
                    continue;
                }
                if (item.status() == RestStatus.CONFLICT) {
                    fail(
                            record,
                            "not resolved: other copies of the same event were written concurrently " + RACE_RETRIES
                                    + " times in a row (" + item.getFailureMessage() + ")");
                } else {
                    notWritten.add(i);
                }
            } else if (item.getResponse().getResult() == DocWriteResponse.Result.NOOP) {
                duplicates++; // the processor dropped an agreeing copy that is not richer than the stored one
            } else if (item.getIndex().startsWith(IndexNames.DEAD_LETTER_PREFIX)
                    && item.getId().startsWith(Custody.CONFLICT_ID_PREFIX)) {
                conflicts++;
                note(
                        record,
                        "conflicting copy: disagrees with a stored event; kept in " + item.getIndex() + " as "
                                + item.getId());
            } else if (drift.containsKey(item.getIndex())) {
                nonconforming++;
                note(
                        record,
                        differs(item.getIndex()) + "; the event was written there"
                                + (item.getIndex().startsWith(IndexNames.DEAD_LETTER_PREFIX)
                                        ? " as a dead letter (" + explain.apply(record.text()) + ")"
                                        : ", and a copy is kept in the dead-letter index"));
                if (item.getIndex().startsWith(IndexNames.DEAD_LETTER_PREFIX) == false) copies.add(i);
            } else if (item.getIndex().startsWith(IndexNames.DEAD_LETTER_PREFIX)) {
                fail(record, explain.apply(record.text()) + " (kept in " + item.getIndex() + ")");
            } else if (item.getResponse().getResult() == DocWriteResponse.Result.UPDATED) {
                upgraded++;
            } else {
                indexed++;
            }
        }
        if (notWritten.isEmpty() == false) keepAsDeadLetters(records, notWritten, items);
        if (copies.isEmpty() == false) keepCopies(records, copies, items);
    }

    /**
     * Sends the batch through the pipeline. Items refused because a write queue is full (429) are sent again, alone,
     * after an exponential backoff, as OpenSearch's own BulkProcessor does; what is still refused after the last retry
     * comes back as a 429 item, or as {@code null} where the whole bulk request was refused.
     */
    private BulkItemResponse[] complete(Sent sent) {
        List<RawRecords.Record> records = sent.records();
        BulkItemResponse[] results = new BulkItemResponse[records.size()];
        List<Integer> pending = allOf(records);
        Iterator<TimeValue> backoff = BACKOFF.iterator();
        int races = 0;
        ActionFuture<BulkResponse> answer = sent.answer();
        while (pending.isEmpty() == false) {
            if (answer == null) answer = client.bulk(bulkOf(records, pending));
            List<Integer> again = new ArrayList<>();
            List<Integer> raced = new ArrayList<>();
            try {
                BulkItemResponse[] items = answer.actionGet().getItems();
                for (int k = 0; k < items.length; k++) {
                    results[pending.get(k)] = items[k];
                    if (queueFull(items[k])) {
                        again.add(pending.get(k));
                    } else if (items[k].isFailed() && items[k].status() == RestStatus.CONFLICT) {
                        raced.add(pending.get(k));
                    }
                }
            } catch (RuntimeException e) {
                if (ExceptionsHelper.status(ExceptionsHelper.unwrapCause(e)) != RestStatus.TOO_MANY_REQUESTS) throw e;
                again.addAll(pending); // the whole request was refused: every pending item stays null (or its last 429)
            }
            answer = null;
            int busyItems = again.size();
            if (raced.isEmpty() == false && races < RACE_RETRIES) {
                // lost a race with another copy of the same event: sent again at once, it is compared with what won
                races++;
                if (again.isEmpty()) {
                    pending = raced;
                    continue;
                }
                again.addAll(raced);
                again.sort(null);
            }
            if (again.isEmpty() || backoff.hasNext() == false) break;
            retries += busyItems;
            try {
                Thread.sleep(backoff.next().millis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pending = again;
        }
        return results;
    }

    /** The bulk request for the records at {@code positions}, through the pipeline. */
    private BulkRequest bulkOf(List<RawRecords.Record> records, List<Integer> positions) {
        BulkRequest bulk = new BulkRequest();
        for (int i : positions) {
            bulk.add(new IndexRequest(IndexNames.INCOMING)
                    .source(source(records.get(i).text()))
                    .setPipeline(pipeline)
                    .opType(DocWriteRequest.OpType.INDEX));
        }
        return bulk;
    }

    /**
     * The document the pipeline receives for a raw event, written straight to JSON (no map per record to walk and
     * serialize): the raw text, then the instance, request, destination and format the processor reads.
     */
    private XContentBuilder source(String raw) {
        try {
            XContentBuilder source = XContentFactory.jsonBuilder().startObject().field("message", raw);
            if (instance != null) source.field(DevopsAuditProcessor.INSTANCE_FIELD, instance);
            source.field(IntakeBounds.REQUEST_FIELD, requestId);
            if (destination != null) source.field(DevopsAuditProcessor.DESTINATION_FIELD, destination);
            if (format != null) source.field(DevopsAuditProcessor.FORMAT_FIELD, format);
            return source.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
    }

    /**
     * Events the pipeline accepted but the index refused (a write-blocked month, a mapping rejection, a full write
     * queue, a disk block) are kept in the dead-letter index with their raw text and the failure's type and reason.
     * A write-blocked month is counted as {@code late}; an event that cannot be stored even there is {@code rejected}.
     */
    private void keepAsDeadLetters(
            List<RawRecords.Record> records, List<Integer> notWritten, BulkItemResponse[] items) {
        String now = Timestamps.format(Instant.now());
        String index = deadLetterIndex(now);
        BulkRequest bulk = new BulkRequest();
        for (int i : notWritten) {
            BulkItemResponse item = items[i];
            Map<String, Object> error = new LinkedHashMap<>();
            error.put(
                    "type",
                    OpenSearchException.getExceptionName(item.getFailure().getCause()));
            error.put("message", item.getFailureMessage());
            error.put("pipeline", pipeline);
            error.put("index", item.getIndex());
            bulk.add(new IndexRequest(index)
                    .source(deadLetter(now, records.get(i).text(), "write_error", error)));
        }
        BulkItemResponse[] kept = client.bulk(bulk).actionGet().getItems();
        for (int k = 0; k < kept.length; k++) {
            BulkItemResponse refused = items[notWritten.get(k)];
            RawRecords.Record record = records.get(notWritten.get(k));
            String why = OpenSearchException.getExceptionName(
                            refused.getFailure().getCause()) + ": " + refused.getFailureMessage();
            if (kept[k].isFailed()) {
                rejected++;
                busy |= refused.status() == RestStatus.TOO_MANY_REQUESTS
                        || kept[k].status() == RestStatus.TOO_MANY_REQUESTS;
                lastRejection = why;
                fail(
                        record,
                        "not stored in " + refused.getIndex() + " (" + why + ") nor in " + index + " ("
                                + kept[k].getFailureMessage() + ")");
            } else if (drift.containsKey(refused.getIndex())) {
                nonconforming++;
                note(record, "not stored: " + differs(refused.getIndex()) + " (" + why + "); kept in " + index);
            } else if (writeBlocked(refused)) {
                late++;
                note(record, "late: " + refused.getIndex() + " is write-blocked; kept in " + index);
            } else {
                fail(record, "not stored in " + refused.getIndex() + " (" + why + "); kept in " + index);
            }
        }
    }

    /** The nonconforming audit indices of the current batch, by name, with their differences. */
    private Map<String, List<String>> drift = Map.of();

    /**
     * The audit indices the batch landed in or was refused by that differ from their templates, read from the
     * cluster state this node has applied and remembered for it ({@link ConformanceMemo}). No request: a cluster-state
     * action, even a local one, copies and rebuilds the whole metadata on every flush, which was a large part of a
     * single streamed event's time. The node's state
     * is what a local request answered too, and checking the plugin's own indices is its bookkeeping, whoever the
     * caller is.
     */
    private Map<String, List<String>> nonconformingIndices(BulkItemResponse[] items) {
        Set<String> names = null;
        for (BulkItemResponse item : items) {
            if (item == null || item.getIndex() == null) continue;
            if (names == null) names = new TreeSet<>();
            names.add(item.getIndex());
        }
        if (names == null) return Map.of();
        return ConformanceMemo.nonconforming(clusterService.state().metadata(), names, Instant.now());
    }

    private String differs(String index) {
        return index + " differs from its template (" + String.join("; ", drift.get(index))
                + "; GET _plugins/devops_audit/_setup lists it)";
    }

    /**
     * Copies of events stored in a nonconforming event index go to the dead-letter index too ({@code event.kind:
     * nonconforming_index}), with their raw text: the index may not keep them readable (no {@code _source}).
     */
    private void keepCopies(List<RawRecords.Record> records, List<Integer> stored, BulkItemResponse[] items) {
        String now = Timestamps.format(Instant.now());
        String index = deadLetterIndex(now);
        BulkRequest bulk = new BulkRequest();
        for (int i : stored) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("type", "nonconforming_index");
            error.put("message", differs(items[i].getIndex()));
            error.put("index", items[i].getIndex());
            bulk.add(new IndexRequest(index)
                    .source(deadLetter(now, records.get(i).text(), "nonconforming_index", error)));
        }
        BulkItemResponse[] kept;
        try {
            kept = client.bulk(bulk).actionGet().getItems();
        } catch (RuntimeException e) {
            // the events are stored (in the nonconforming index) and counted so: a lost copy is reported, not thrown
            for (int i : stored) note(records.get(i), "no copy kept in " + index + ": " + e.getMessage());
            return;
        }
        for (int k = 0; k < kept.length; k++) {
            if (kept[k].isFailed()) {
                note(records.get(stored.get(k)), "no copy kept in " + index + ": " + kept[k].getFailureMessage());
            }
        }
    }

    /**
     * A write thread pool's queue was full (429 without a cluster block): transient. The disk flood-stage block also
     * answers 429, but it is a block that lasts until an operator acts: that goes the dead-letter way.
     */
    private static boolean queueFull(BulkItemResponse item) {
        return item.isFailed()
                && item.status() == RestStatus.TOO_MANY_REQUESTS
                && item.getFailure().getCause() instanceof ClusterBlockException == false;
    }

    /** An index write block: the month was warmed (or blocked by hand), so the event arrived late. */
    private static boolean writeBlocked(BulkItemResponse item) {
        return item.getFailure().getCause() instanceof ClusterBlockException blocks
                && blocks.blocks().stream()
                        .anyMatch(b ->
                                b.contains(ClusterBlockLevel.WRITE) && b.id() == IndexMetadata.INDEX_WRITE_BLOCK.id());
    }

    private void fail(RawRecords.Record record, String reason) {
        failed++;
        failures.add(record, reason);
    }

    private void note(RawRecords.Record record, String reason) {
        failures.add(record, reason);
    }
}
