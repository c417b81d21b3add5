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

    @Param({
        "gitlab_api",
        "gitlab_stream",
        "gitlab_log",
        "gitlab_csv",
        "circleci_json",
        "circleci_csv",
        "gitlab_production_log",
        "gitlab_api_log"
    })
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
                case "gitlab_production_log" -> productionLine(i);
                case "gitlab_api_log" -> apiLine(i);
                default -> gen.circleci().renderings().get(1);};
        }
        // as the shipped pipeline configures it: the public-address mark for the lookups after the processor included
        Map<String, Object> config = new HashMap<>(
                Map.of("field", "message", "format", format, "public_ip_field", "_ingest.devops_audit_public_ip"));
        processor = new AuditEngine().factory().create(null, "bench", null, config);
    }

    /**
     * A production_json.log line with the keys and counters GitLab writes (its log documentation's example plus the
     * meta.* keys of a project page), varied per event: time, user, client, path and correlation id.
     */
    static String productionLine(int i) {
        return String.format(
                java.util.Locale.ROOT,
                "{\"method\":\"GET\",\"path\":\"/acme/project-%d/-/issues/%d\",\"format\":\"html\","
                        + "\"controller\":\"Projects::IssuesController\",\"action\":\"show\",\"status\":200,"
                        + "\"time\":\"2024-05-10T20:%02d:%02d.%03dZ\",\"params\":[{\"key\":\"private_token\",\"value\":\"[FILTERED]\"}],"
                        + "\"remote_ip\":\"198.51.100.%d\",\"user_id\":%d,\"username\":\"user%d\","
                        + "\"ua\":\"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0\","
                        + "\"queue_duration_s\":0.0,\"gitaly_calls\":16,\"gitaly_duration_s\":0.16,\"redis_calls\":115,"
                        + "\"redis_duration_s\":0.13,\"redis_read_bytes\":1507378,\"redis_write_bytes\":2920,"
                        + "\"correlation_id\":\"01HXJ4Z3K9T5Y6%04d\",\"cpu_s\":0.5,\"db_duration_s\":0.08,"
                        + "\"view_duration_s\":0.39,\"duration_s\":0.54,\"pid\":81836,\"worker_id\":\"puma_0\","
                        + "\"meta.caller_id\":\"Projects::IssuesController#show\",\"meta.remote_ip\":\"198.51.100.%d\","
                        + "\"meta.feature_category\":\"team_planning\",\"meta.user\":\"user%d\",\"meta.user_id\":%d,"
                        + "\"meta.project\":\"acme/project-%d\",\"meta.root_namespace\":\"acme\",\"meta.client_id\":\"user/%d\"}",
                i % 50,
                i,
                i / 60 % 60,
                i % 60,
                i % 1000,
                i % 250,
                i % 300,
                i % 300,
                i,
                i % 250,
                i % 300,
                i % 300,
                i % 50,
                i % 300);
    }

    /** An api_json.log line with a token and a proxy chain, varied per event like {@link #productionLine}. */
    static String apiLine(int i) {
        return String.format(
                java.util.Locale.ROOT,
                "{\"time\":\"2024-05-10T20:%02d:%02d.%03dZ\",\"severity\":\"INFO\",\"duration_s\":0.04213,"
                        + "\"db_duration_s\":0.01,\"view_duration_s\":0.03213,\"status\":200,\"method\":\"GET\","
                        + "\"path\":\"/api/v4/projects/%d/repository/tree\",\"params\":[{\"key\":\"ref\",\"value\":\"main\"}],"
                        + "\"host\":\"gitlab.example.com\",\"remote_ip\":\"198.51.100.%d, 127.0.0.1\",\"ua\":\"python-requests/2.31.0\","
                        + "\"route\":\"/api/:version/projects/:id/repository/tree\",\"user_id\":%d,\"username\":\"user%d\","
                        + "\"token_type\":\"PersonalAccessToken\",\"token_id\":%d,\"correlation_id\":\"01HXJ5B2VQ8N%04d\","
                        + "\"meta.caller_id\":\"GET /api/:version/projects/:id/repository/tree\",\"meta.remote_ip\":\"198.51.100.%d\","
                        + "\"meta.feature_category\":\"source_code_management\",\"meta.user\":\"user%d\",\"meta.user_id\":%d,"
                        + "\"meta.project\":\"acme/project-%d\",\"meta.root_namespace\":\"acme\",\"meta.client_id\":\"user/%d\"}",
                i / 60 % 60,
                i % 60,
                i % 1000,
                i % 50,
                i % 250,
                i % 300,
                i % 300,
                4000 + i % 300,
                i,
                i % 250,
                i % 300,
                i % 300,
                i % 50,
                i % 300);
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
