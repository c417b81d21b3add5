/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.bench;

import io.devopsaudit.ingest.AuditEngine;
import io.devopsaudit.ingest.DevopsAuditProcessor;
import io.devopsaudit.testdata.AuditEventGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.opensearch.ingest.IngestDocument;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The devops_audit processor on one core, per wire format, on 1,000 realistic generated events cycled: the measured
 * operation is what the ingest node does per document — build the IngestDocument for {"message": raw} and run the
 * processor (parse, normalize, classify, tag, dedup key, index name). Throughput is events/s on one thread; run with
 * {@code -prof gc} for bytes allocated per event ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ProcessorBenchmark {

    @Param({"gitlab_api", "gitlab_stream", "gitlab_log", "gitlab_csv", "circleci_json", "circleci_csv"})
    public String format;

    private String[] events;
    private int next;
    private DevopsAuditProcessor processor;

    @Setup
    public void setup() {
        AuditEventGenerator gen = new AuditEventGenerator(42);
        events = new String[1000];
        for (int i = 0; i < events.length; i++) {
            events[i] = switch (format) {
                case "gitlab_api" -> gen.gitlab(i + 1).renderings().get(0);
                case "gitlab_stream" -> gen.gitlab(i + 1).renderings().get(1);
                case "gitlab_log" -> gen.gitlab(i + 1).renderings().get(2);
                case "gitlab_csv" -> gen.gitlabCsv(i + 1);
                case "circleci_json" -> gen.circleci().renderings().get(0);
                default -> gen.circleci().renderings().get(1);};
        }
        Map<String, Object> config = new HashMap<>(Map.of("field", "message", "format", format));
        processor = new AuditEngine().factory().create(null, "bench", null, config);
    }

    @Benchmark
    public Object process() {
        String raw = events[next];
        next = (next + 1) % events.length;
        Map<String, Object> source = new HashMap<>();
        source.put("message", raw);
        IngestDocument doc = new IngestDocument("devops-audit-incoming", null, null, null, null, source);
        return processor.execute(doc);
    }
}
