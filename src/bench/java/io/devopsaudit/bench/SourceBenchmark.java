/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.ingest.IngestDocument;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the ingest node does around any pipeline, per document, on one core: {@code _source} parsed to a map before the
 * pipeline and the map written back as {@code _source} after it (OpenSearch's {@code XContentBuilder.map}, as
 * {@code IndexRequest.source(Map)} does). Measured for the incoming document ({@code {"message": raw}}) and for the
 * document the devops_audit processor finishes, on the same events as {@link ProcessorBenchmark}, so the cost the
 * finished document's shape adds to every pipeline that produces it can be set beside the processor's own.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SourceBenchmark {

    @Param({"gitlab_log", "gitlab_stream", "circleci_json"})
    public String format;

    private Map<String, Object>[] incoming;
    private Map<String, Object>[] finished;
    private BytesReference[] incomingSource;
    private BytesReference[] finishedSource;
    private int next;

    @Setup
    @SuppressWarnings("unchecked")
    public void setup() throws IOException {
        ProcessorBenchmark events = new ProcessorBenchmark();
        events.format = format;
        events.setup();
        int n = 1000;
        incoming = new Map[n];
        finished = new Map[n];
        incomingSource = new BytesReference[n];
        finishedSource = new BytesReference[n];
        for (int i = 0; i < n; i++) {
            IngestDocument doc = (IngestDocument) events.process();
            incoming[i] = new HashMap<>(Map.of("message", doc.getFieldValue("event.original", String.class)));
            // what the node writes back: the document without its metadata (_index, _id, ...), which it extracts first
            Map<String, Object> source = new HashMap<>(doc.getSourceAndMetadata());
            source.keySet().removeIf(k -> k.startsWith("_"));
            finished[i] = source;
            incomingSource[i] = write(incoming[i]);
            finishedSource[i] = write(finished[i]);
        }
    }

    private static BytesReference write(Map<String, Object> source) throws IOException {
        XContentBuilder builder = XContentFactory.jsonBuilder();
        builder.map(source);
        return BytesReference.bytes(builder);
    }

    private int next() {
        int i = next;
        next = (next + 1) % incoming.length;
        return i;
    }

    @Benchmark
    public Object writeIncoming() throws IOException {
        return write(incoming[next()]);
    }

    @Benchmark
    public Object writeFinished() throws IOException {
        return write(finished[next()]);
    }

    @Benchmark
    public Object parseIncoming() {
        return XContentHelper.convertToMap(incomingSource[next()], false, XContentType.JSON)
                .v2();
    }

    @Benchmark
    public Object parseFinished() {
        return XContentHelper.convertToMap(finishedSource[next()], false, XContentType.JSON)
                .v2();
    }
}
