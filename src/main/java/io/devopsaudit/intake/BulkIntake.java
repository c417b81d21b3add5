/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.ingest.DevopsAuditProcessor;
import io.devopsaudit.schema.IndexNames;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.DocWriteRequest;
import org.opensearch.action.DocWriteResponse;
import org.opensearch.action.bulk.BulkItemResponse;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.transport.client.Client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Sends raw events through an ingest pipeline in bulk batches ({@code {"message": raw}} documents, as the shipped
 * pipeline expects) and tallies the outcome of each: indexed (a new document), upgraded (a richer copy replaced the
 * stored one), duplicate (a copy as rich or poorer was already stored: the pipeline versions documents by their
 * source's richness, so it is a version conflict and nothing is written), failed (dead-lettered by the pipeline, or
 * rejected), with the first failures' record numbers and reasons. Blocking: run on a generic thread.
 */
public final class BulkIntake {
    public static final int MAX_REPORTED_FAILURES = 20;
    /**
     * The indices the intake actions write: the address every document has before the pipeline routes it, and every
     * audit index. The literal name matters: the Security plugin allows a request whose wildcards match no index at
     * all to any user, so each request also names one concrete index it is checked against.
     */
    static final String[] WRITE_INDICES = {IndexNames.INCOMING, IndexNames.ALL};

    private final Client client;
    private final String pipeline;
    /** The instance the events come from, passed to the processor with each document, or {@code null}. */
    private final String instance;

    private final int batchSize;
    /** Explains why a dead-lettered raw event failed (the processor's own message). */
    private final Function<String, String> explain;

    private final List<RawRecords.Record> batch = new ArrayList<>();

    long received;
    long indexed;
    long upgraded;
    long duplicates;
    long failed;
    /** Items the cluster refused (not dead-lettered): those events are NOT stored. */
    long rejected;

    final List<Map<String, Object>> failures = new ArrayList<>();

    public BulkIntake(
            Client client, String pipeline, String instance, int batchSize, Function<String, String> explain) {
        this.client = client;
        this.pipeline = pipeline;
        this.instance = instance;
        this.batchSize = batchSize;
        this.explain = explain;
    }

    public void add(RawRecords.Record record) {
        received++;
        batch.add(record);
        if (batch.size() >= batchSize) flush();
    }

    public void flush() {
        if (batch.isEmpty()) return;
        BulkRequest bulk = new BulkRequest();
        for (RawRecords.Record r : batch) {
            bulk.add(new IndexRequest(IndexNames.INCOMING)
                    .source(
                            instance == null
                                    ? Map.of("message", r.text())
                                    : Map.of("message", r.text(), DevopsAuditProcessor.INSTANCE_FIELD, instance))
                    .setPipeline(pipeline)
                    .opType(DocWriteRequest.OpType.INDEX));
        }
        BulkResponse response = client.bulk(bulk).actionGet();
        BulkItemResponse[] items = response.getItems();
        for (int i = 0; i < items.length; i++) {
            BulkItemResponse item = items[i];
            RawRecords.Record record = batch.get(i);
            if (item.isFailed()) {
                if (item.status() == RestStatus.FORBIDDEN || item.status() == RestStatus.UNAUTHORIZED) {
                    // A permission problem is the caller's answer, not a property of the event: refuse the request.
                    throw new OpenSearchStatusException(
                            "the caller may not write audit event " + record.where() + " (" + item.getIndex() + "): "
                                    + item.getFailureMessage() + "; " + indexed
                                    + " events of this request were stored before",
                            RestStatus.FORBIDDEN);
                }
                if (item.status() == RestStatus.CONFLICT) {
                    duplicates++;
                } else {
                    rejected++;
                    fail(record, item.getFailureMessage());
                }
            } else if (item.getIndex().startsWith(IndexNames.DEAD_LETTER_PREFIX)) {
                fail(record, explain.apply(record.text()) + " (kept in " + item.getIndex() + ")");
            } else if (item.getResponse().getResult() == DocWriteResponse.Result.UPDATED) {
                upgraded++;
            } else {
                indexed++;
            }
        }
        batch.clear();
    }

    void fail(RawRecords.Record record, String reason) {
        failed++;
        if (failures.size() < MAX_REPORTED_FAILURES) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("record", record.number());
            if (record.entry() > 0) f.put("entry", record.entry());
            f.put("reason", reason);
            failures.add(f);
        }
    }

    public Map<String, Object> report() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("received", received);
        out.put("indexed", indexed);
        out.put("upgraded", upgraded);
        out.put("duplicates", duplicates);
        out.put("failed", failed);
        out.put("failures", failures);
        return out;
    }
}
