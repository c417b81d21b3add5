/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.bench;

import io.devopsaudit.ingest.AuditEngine;
import io.devopsaudit.ingest.DevopsAuditProcessor;
import io.devopsaudit.intake.StreamingToken;
import io.devopsaudit.parse.JsonText;
import io.devopsaudit.testdata.AuditEventGenerator;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.RestClient;
import org.opensearch.ingest.IngestDocument;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * End-to-end bulk benchmark on the real node (the integration-test harness's node), in one run, interleaved:
 * (a) the processor's output, prepared beforehand, indexed with no pipeline — the floor, the cost of indexing the final
 * documents; (b) the raw events through the devops-audit pipeline; (c) the audit_json.log events through a reference
 * pipeline of stock processors (json, date, script, rename, set) doing the essential normalization, against (b) on the
 * same events; (d) those events through a one-set pipeline (the framework's own cost); (e) the raw events through the
 * devops-audit pipeline without its enrichment steps (geoip, user_agent), so b - e is what enrichment costs, and the
 * audit_json.log events the same way (the processor alone, beside (b), (c) and (d) on those events); (f) with
 * {@code -Dbench.external.pipeline=<file>}, the audit_json.log events through a pipeline read from that file (for
 * example Elastic's GitLab audit pipeline adapted to OpenSearch, which this repository does not ship). Client
 * addresses are a mix ({@code -Dbench.public.percent}, 70 by default): that share of the events carries public
 * addresses from a small set that repeats, the rest private ones. Bulk bodies are prepared before timing; each way
 * starts from empty indices.
 */
public final class EndToEndBenchmark {
    static final int BATCH = 2000;

    /** A way to index the events: {@code _bulk} bodies through {@code pipeline} (null: none), or posted to {@code path}. */
    record Way(String name, List<byte[]> bodies, String pipeline, int docs, String path) {
        Way(String name, List<byte[]> bodies, String pipeline, int docs) {
            this(name, bodies, pipeline, docs, null);
        }
    }

    record Result(String way, int run, double seconds, int docs, long ingestTookMs) {}

    public static void main(String[] args) throws Exception {
        String url = System.getProperty("bench.url", "http://127.0.0.1:9200");
        int n = Integer.getInteger("bench.events", 200_000);
        int runs = Integer.getInteger("bench.runs", 5);
        Path out = Path.of(System.getProperty("bench.out", "target/bench"));
        Files.createDirectories(out);
        // a generous response timeout: the first batch through the pipeline opens the GeoLite2 databases and creates
        // the month indices, which took over the client's default 30 s on a machine shared with other builds
        try (RestClient client = RestClient.builder(HttpHost.create(url))
                .setRequestConfigCallback(c -> c.setResponseTimeout(Timeout.ofMinutes(5)))
                .build()) {
            call(client, "PUT", "/_plugins/devops_audit/_setup", "{\"replicas\":0}");
            call(client, "PUT", "/_ingest/pipeline/bench-reference", referencePipeline());
            // (e): the installed pipeline without its enrichment steps (tags enrich/...), so b - e is what the geoip
            // and
            // user_agent processors add per event
            call(client, "PUT", "/_ingest/pipeline/bench-no-enrichment", withoutEnrichment(client));
            String externalPipeline = System.getProperty("bench.external.pipeline", "");
            if (externalPipeline.isBlank() == false) {
                call(
                        client,
                        "PUT",
                        "/_ingest/pipeline/bench-external",
                        Files.readString(Path.of(externalPipeline), StandardCharsets.UTF_8));
            }
            // the ingest framework's own per-document cost (source to map and back): one trivial processor
            call(
                    client,
                    "PUT",
                    "/_ingest/pipeline/bench-noop",
                    "{\"processors\":[{\"set\":{\"field\":\"bench\",\"value\":1}}]}");
            // the same for the finished documents, whose strict mapping admits no new field: the one set writes the
            // ingest metadata
            call(
                    client,
                    "PUT",
                    "/_ingest/pipeline/bench-noop-finished",
                    "{\"processors\":[{\"set\":{\"field\":\"_ingest.bench\",\"value\":1}}]}");
            // the references keep the vendor original like devops-audit does: as flat_object, so mixed types cannot
            // conflict (gitlab_audit for the stock reference, gitlab.audit for an external one such as Elastic's)
            call(
                    client,
                    "PUT",
                    "/_index_template/bench-ref",
                    "{\"index_patterns\":[\"bench-ref-*\"],\"priority\":300,\"template\":{\"settings\":"
                            + "{\"number_of_shards\":1,\"number_of_replicas\":0},\"mappings\":{\"properties\":{\"gitlab_audit\":{\"type\":\"flat_object\"},"
                            + "\"gitlab\":{\"properties\":{\"audit\":{\"type\":\"flat_object\"}}},"
                            + "\"event\":{\"properties\":{\"original\":{\"type\":\"keyword\",\"index\":false,\"doc_values\":false}}}}}}}");

            System.out.printf(Locale.ROOT, "generating %d events (mixed formats, 10%% duplicates)%n", n);
            AuditEventGenerator gen = new AuditEventGenerator(7);
            Random r = new Random(7);
            List<String> raw = new ArrayList<>(n);
            List<String> logLines = new ArrayList<>();
            while (raw.size() < n) {
                if (raw.size() > 1000 && r.nextInt(10) == 0) {
                    raw.add(raw.get(r.nextInt(raw.size()))); // a duplicate delivery
                    continue;
                }
                int k = r.nextInt(100);
                String e;
                if (k < 20) e = gen.gitlab(raw.size() + 1L).renderings().get(0);
                else if (k < 40) e = gen.gitlab(raw.size() + 1L).renderings().get(1);
                else if (k < 60) {
                    e = gen.gitlab(raw.size() + 1L).renderings().get(2);
                    logLines.add(e);
                } else if (k < 70) e = gen.gitlabCsv(raw.size() + 1L);
                else if (k < 85) e = gen.circleci().renderings().get(0);
                else e = gen.circleci().renderings().get(1);
                raw.add(e);
            }
            // The generator's addresses are documentation ranges no GeoLite2 database knows, and its events carry no
            // user agent: move the addresses to public networks the databases place and give the JSON events a
            // browser's or tool's user agent, so the enrichment does the work it does on real audit logs.
            raw.replaceAll(EndToEndBenchmark::realistic);
            logLines.replaceAll(EndToEndBenchmark::realistic);
            System.out.printf(
                    Locale.ROOT,
                    "client addresses: %d %% of the events public (repeating), the rest private%n",
                    PUBLIC_PERCENT);
            System.out.println("normalizing in-process for the no-pipeline floor");
            DevopsAuditProcessor processor = new AuditEngine()
                    .factory()
                    .create(
                            null,
                            "bench",
                            null,
                            new HashMap<>(Map.of("field", "message", "use_document_if_missing", true)));
            List<String> normalizedLines = new ArrayList<>(n);
            List<String> rawLines = new ArrayList<>(n);
            long totalBytes = 0;
            for (String e : raw) {
                normalizedLines.add(normalizedBulkLines(processor, e));
                rawLines.add("{\"index\":{\"_index\":\"devops-audit-incoming\"}}\n{\"message\":" + JsonText.write(e)
                        + "}\n");
                totalBytes += e.length();
            }
            // the audit_json.log events once more, pre-normalized (the floor for _import) and as an audit_json.log file
            // posted to _import in bodies of BATCH lines
            List<String> logNormalized = new ArrayList<>();
            for (String e : logLines) {
                logNormalized.add(normalizedBulkLines(processor, e));
            }
            List<String> logFile = new ArrayList<>();
            for (String e : logLines) logFile.add(e + "\n");
            List<String> logRaw = new ArrayList<>();
            for (String e : logLines)
                logRaw.add("{\"index\":{\"_index\":\"bench-incoming\"}}\n{\"message\":" + JsonText.write(e) + "}\n");

            List<Way> allWays = new ArrayList<>(List.of(
                    new Way("a_no_pipeline", bodies(normalizedLines), null, n),
                    new Way("a_no_pipeline_gitlab_log", bodies(logNormalized), null, logNormalized.size()),
                    new Way(
                            "i_import_gitlab_log",
                            bodies(logFile),
                            null,
                            logFile.size(),
                            "/_plugins/devops_audit/_import?format=gitlab_log"),
                    new Way("b_devops_audit", bodies(rawLines), "devops-audit", n),
                    new Way("c_stock_reference_gitlab_log", bodies(logRaw), "bench-reference", logRaw.size()),
                    new Way("b_devops_audit_gitlab_log", bodies(logRaw), "devops-audit", logRaw.size()),
                    new Way(
                            "d_noop_pipeline_gitlab_log",
                            bodies(logRaw.stream()
                                    .map(l -> l.replace("bench-incoming", "bench-ref-noop"))
                                    .toList()),
                            "bench-noop",
                            logRaw.size()),
                    // the finished documents (a) through the one-set pipeline: what the ingest framework alone costs
                    // for a document of this shape (parsing it to a map and writing it back as _source), whatever
                    // produced it
                    new Way(
                            "g_output_floor_gitlab_log",
                            bodies(logNormalized),
                            "bench-noop-finished",
                            logNormalized.size()),
                    new Way("e_devops_audit_no_enrichment", bodies(rawLines), "bench-no-enrichment", n),
                    new Way(
                            "e_devops_audit_no_enrichment_gitlab_log",
                            bodies(logRaw),
                            "bench-no-enrichment",
                            logRaw.size())));
            if (externalPipeline.isBlank() == false) {
                allWays.add(new Way(
                        "f_external_reference_gitlab_log",
                        bodies(logRaw.stream()
                                .map(l -> l.replace("bench-incoming", "bench-ref-external"))
                                .toList()),
                        "bench-external",
                        logRaw.size()));
            }
            // -Dbench.ways=b_,c_ runs a subset (for profiling one way); the ratios need all of them
            List<String> selected = List.of(System.getProperty("bench.ways", "").split(",")).stream()
                    .filter(w -> w.isBlank() == false)
                    .toList();
            List<Way> ways = java.util.stream.Stream.concat(
                            allWays.stream(), requestWays(logRaw.size(), selected).stream())
                    .filter(w -> selected.isEmpty()
                            || selected.stream().anyMatch(p -> w.name().startsWith(p.trim())))
                    .toList();
            System.out.printf(
                    Locale.ROOT,
                    "%d events, %.0f bytes per raw event on average; %d audit_json.log events for (c) vs (b)%n",
                    n,
                    (double) totalBytes / n,
                    logRaw.size());

            // Warm-up, not counted: the first 10 batches of every way, so no way pays the node's JIT and cache warm-up
            // alone
            // (without it the first way of run 1 measured up to 40 % slow).
            for (Way way : ways) {
                runOnce(
                        client,
                        new Way(
                                way.name(),
                                way.bodies()
                                        .subList(0, Math.min(10, way.bodies().size())),
                                way.pipeline(),
                                0,
                                way.path()),
                        0);
            }
            List<Result> results = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                for (int w = 0; w < ways.size(); w++) {
                    Way way = ways.get((w + run - 1) % ways.size()); // rotate the order in each run
                    results.add(runOnce(client, way, run));
                    Result last = results.get(results.size() - 1);
                    System.out.printf(
                            Locale.ROOT,
                            "run %d %-30s %8.0f docs/s  %6.1f s  ingest %6.1f us/event%n",
                            run,
                            way.name(),
                            last.docs() / last.seconds(),
                            last.seconds(),
                            last.ingestTookMs() * 1000.0 / last.docs());
                }
            }
            String report = results.isEmpty()
                    ? ""
                    : report(results, n, logRaw.size(), (double) totalBytes / n) + requestComparison(results);
            if (selected.stream().anyMatch(p -> p.trim().startsWith("s_"))) {
                report += streamSingleEvents(client, gen, runs);
            }
            if (ways.stream().anyMatch(w -> w.name().equals("b_devops_audit"))) {
                report += coverage(
                        client,
                        ways.stream()
                                .filter(w -> w.name().equals("b_devops_audit"))
                                .findFirst()
                                .orElseThrow());
            }
            System.out.println(report);
            Files.writeString(out.resolve("end-to-end.md"), report, StandardCharsets.UTF_8);
        }
    }

    /**
     * GitLab request-log lines through the devops-audit pipeline, as many as there are audit_json.log lines in
     * {@code b_devops_audit_gitlab_log}: production_json.log ({@code r_devops_audit_gitlab_production_log}) and
     * api_json.log ({@code r_devops_audit_gitlab_api_log}) lines as ProcessorBenchmark generates them, with public
     * addresses. Only when {@code -Dbench.ways} names them ({@code r_}): the default mix and its figures stay as they
     * were.
     */
    static List<Way> requestWays(int count, List<String> selected) {
        if (selected.stream().noneMatch(p -> p.trim().startsWith("r_"))) return List.of();
        List<String> production = new ArrayList<>(count);
        List<String> api = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            production.add(requestDocument(ProcessorBenchmark.productionLine(i)));
            api.add(requestDocument(ProcessorBenchmark.apiLine(i)));
        }
        return List.of(
                new Way("r_devops_audit_gitlab_production_log", bodies(production), "devops-audit", count),
                new Way("r_devops_audit_gitlab_api_log", bodies(api), "devops-audit", count));
    }

    private static String requestDocument(String line) {
        return "{\"index\":{\"_index\":\"bench-incoming\"}}\n{\"message\":"
                + JsonText.write(line.replace("198.51.100.", "81.2.69.")) + "}\n";
    }

    /** Senders of the single-event streaming measurement, as a GitLab instance with several Sidekiq threads. */
    static final int STREAM_SENDERS = 8;

    /**
     * {@code s_stream_single}: GitLab streaming deliveries, one event per request, from {@link #STREAM_SENDERS}
     * concurrent senders to {@code _stream/gitlab} (token, REST handler, transport action, bulk through the shipped
     * pipeline with its stored-copy read, counts) — what GitLab's streaming destination does. Per run: events/s and
     * the median and 99th percentile of the request latency seen by the sender. Each run sends new events (never a
     * redelivery) into empty indices, after a warm-up of the same size as a tenth of a run. Only when
     * {@code -Dbench.ways} names it ({@code s_}); {@code -Dbench.stream.events} events per run (4,000 by default).
     */
    static String streamSingleEvents(RestClient client, AuditEventGenerator gen, int runs) throws Exception {
        int perRun = Integer.getInteger("bench.stream.events", 4000);
        String token = "bench-stream-token-" + Long.toHexString(new Random().nextLong());
        // the streaming token is a keystore secret: set it in the harness node's keystore and reload
        Path home = Path.of(System.getProperty("bench.node.home", "target/it-node"));
        Process keystore = new ProcessBuilder(
                        "bash",
                        "devops-audit",
                        "node-keystore",
                        "--home",
                        home.toString(),
                        StreamingToken.SETTING.getKey())
                .redirectErrorStream(true)
                .start();
        keystore.getOutputStream().write(token.getBytes(StandardCharsets.UTF_8));
        keystore.getOutputStream().close();
        String keystoreOutput = new String(keystore.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keystore.waitFor() != 0) throw new IllegalStateException("node-keystore failed: " + keystoreOutput);
        call(client, "POST", "/_nodes/reload_secure_settings", "{}");

        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "%nSingle-event streaming, %d senders, %d events per run (one event per request, POST"
                        + " _plugins/devops_audit/_stream/gitlab):%n%n| run | events/s | p50 ms | p99 ms |%n|---|---|---|---|%n",
                STREAM_SENDERS,
                perRun));
        long next = 10_000_000L; // event ids apart from the bulk ways'
        for (int run = 0; run <= runs; run++) { // run 0: warm-up, not reported
            int count = run == 0 ? Math.max(STREAM_SENDERS, perRun / 10) : perRun;
            List<String> events = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
                events.add(realistic(gen.gitlab(next++).renderings().get(1)));
            call(
                    client,
                    "DELETE",
                    "/devops-audit-gitlab-*,devops-audit-failed-*?allow_no_indices=true&ignore_unavailable=true",
                    null);
            long[] latencies = new long[count];
            java.util.concurrent.atomic.AtomicInteger cursor = new java.util.concurrent.atomic.AtomicInteger();
            List<Thread> senders = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            long start = System.nanoTime();
            for (int t = 0; t < STREAM_SENDERS; t++) {
                senders.add(Thread.ofPlatform().start(() -> {
                    for (int i = cursor.getAndIncrement(); i < count; i = cursor.getAndIncrement()) {
                        Request request = new Request("POST", "/_plugins/devops_audit/_stream/gitlab");
                        request.setOptions(
                                request.getOptions().toBuilder().addHeader("X-Gitlab-Event-Streaming-Token", token));
                        request.setJsonEntity(events.get(i));
                        long sent = System.nanoTime();
                        try {
                            client.performRequest(request);
                        } catch (IOException | RuntimeException e) {
                            errors.add(e);
                            return;
                        }
                        latencies[i] = System.nanoTime() - sent;
                    }
                }));
            }
            for (Thread sender : senders) sender.join();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (errors.isEmpty() == false) throw new IllegalStateException("stream request failed", errors.get(0));
            call(client, "POST", "/devops-audit-gitlab-*/_refresh", null);
            long stored = count(client, "/devops-audit-gitlab-*/_count", null);
            if (run == 0) continue;
            long[] sorted = latencies.clone();
            java.util.Arrays.sort(sorted);
            String line = String.format(
                    Locale.ROOT,
                    "| %d | %.0f | %.1f | %.1f |%n",
                    run,
                    count / seconds,
                    sorted[count / 2] / 1e6,
                    sorted[(int) Math.ceil(count * 0.99) - 1] / 1e6);
            System.out.print("stream " + line + "  (" + stored + " stored)\n");
            sb.append(line);
        }
        return sb.toString();
    }

    /** Per run, a request way's ingest time per event over the audit_json.log way's, on the same number of lines. */
    static String requestComparison(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        for (String way : List.of("r_devops_audit_gitlab_production_log", "r_devops_audit_gitlab_api_log")) {
            List<Double> ratios = new ArrayList<>();
            for (Result r : results) {
                if (r.way().equals(way) == false) continue;
                results.stream()
                        .filter(x -> x.run() == r.run() && x.way().equals("b_devops_audit_gitlab_log"))
                        .filter(x -> x.ingestTookMs() > 0)
                        .findFirst()
                        .ifPresent(log -> ratios.add(
                                (r.ingestTookMs() / (double) r.docs()) / (log.ingestTookMs() / (double) log.docs())));
            }
            if (ratios.isEmpty()) continue;
            ratios.sort(null);
            sb.append(String.format(
                    Locale.ROOT,
                    "Ingest time per event, %s over b_devops_audit_gitlab_log (audit_json.log), same number of lines: median %.2fx (%.2f-%.2f)%n",
                    way,
                    median(ratios),
                    ratios.get(0),
                    ratios.get(ratios.size() - 1)));
        }
        return sb.toString();
    }

    static List<byte[]> bodies(List<String> lines) {
        List<byte[]> out = new ArrayList<>();
        for (int from = 0; from < lines.size(); from += BATCH) {
            out.add(String.join("", lines.subList(from, Math.min(lines.size(), from + BATCH)))
                    .getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The processor's output for one raw event as the two {@code _bulk} lines that index it without a pipeline. */
    static String normalizedBulkLines(DevopsAuditProcessor processor, String rawEvent) {
        Map<String, Object> source = new HashMap<>();
        source.put("message", rawEvent);
        IngestDocument doc = new IngestDocument("x", null, null, null, null, source);
        processor.execute(doc);
        Map<String, Object> s = new LinkedHashMap<>(doc.getSourceAndMetadata());
        String index = (String) s.remove("_index");
        String id = (String) s.remove("_id");
        s.keySet().removeIf(k -> k.startsWith("_"));
        return "{\"index\":{\"_index\":\"" + index + "\",\"_id\":" + JsonText.write(id) + "}}\n" + JsonText.write(s)
                + "\n";
    }

    @SuppressWarnings("unchecked")
    static Result runOnce(RestClient client, Way way, int run) throws IOException {
        call(
                client,
                "DELETE",
                "/devops-audit-gitlab-*,devops-audit-circleci-*,devops-audit-failed-*,bench-ref-*?allow_no_indices=true&ignore_unavailable=true",
                null);
        long took = 0;
        long start = System.nanoTime();
        for (byte[] body : way.bodies()) {
            if (way.path() != null) {
                Request request = new Request("POST", way.path());
                request.setEntity(new ByteArrayEntity(body, ContentType.create("application/x-ndjson")));
                Map<String, Object> counts = json(client.performRequest(request));
                if (counts.get("received").equals(counts.get("indexed")) == false)
                    throw new IllegalStateException(way.name() + ": not every event was indexed: " + counts);
                continue;
            }
            Request request =
                    new Request("POST", "/_bulk" + (way.pipeline() == null ? "" : "?pipeline=" + way.pipeline()));
            request.setEntity(new ByteArrayEntity(body, ContentType.create("application/x-ndjson")));
            Map<String, Object> response = json(client.performRequest(request));
            if (Boolean.TRUE.equals(response.get("errors"))) {
                // a duplicate delivery through the pipeline is refused as a version conflict by design (the richest
                // copy wins, docs/dedup.md); anything else is a real error
                Object firstError = ((List<Object>) response.get("items"))
                        .stream()
                                .filter(i -> i.toString().contains("error="))
                                .filter(i -> i.toString().contains("version_conflict_engine_exception") == false)
                                .findFirst()
                                .orElse(null);
                if (firstError != null)
                    throw new IllegalStateException(way.name() + ": bulk errors, the first: " + firstError);
            }
            Object ingest = response.get("ingest_took");
            if (ingest instanceof Number num) took += num.longValue();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (run > 0) System.out.print(writeSideEffects(client));
        return new Result(way.name(), run, seconds, way.docs(), took);
    }

    /**
     * What the run cost the written indices besides indexing: refreshes (a real-time read of a document written since the
     * last refresh forces one) and shard-level gets (the processor's comparison with stored copies), as a line.
     */
    @SuppressWarnings("unchecked")
    static String writeSideEffects(RestClient client) throws IOException {
        Map<String, Object> all = (Map<String, Object>) call(
                        client,
                        "GET",
                        "/devops-audit-gitlab-*,devops-audit-circleci-*,bench-ref-*/_stats/refresh,get?allow_no_indices=true",
                        null)
                .get("_all");
        Map<String, Object> total = (Map<String, Object>) all.get("primaries");
        Map<String, Object> refresh = (Map<String, Object>) total.get("refresh");
        Map<String, Object> get = (Map<String, Object>) total.get("get");
        if (refresh == null || get == null) return "";
        return String.format(
                Locale.ROOT,
                "      refreshes %s (%s ms), shard gets %s (%s ms)%n",
                refresh.get("total"),
                refresh.get("total_time_in_millis"),
                get.get("total"),
                get.get("time_in_millis"));
    }

    /** Wall time of {@code way} over wall time of {@code floor} per run (the same events), when both ran. */
    static String overFloor(Map<String, List<Result>> byWay, String way, String floor) {
        if (byWay.containsKey(way) == false || byWay.containsKey(floor) == false) return "";
        List<Double> ratios = new ArrayList<>();
        for (Result x : byWay.get(way)) {
            byWay.get(floor).stream()
                    .filter(f -> f.run() == x.run())
                    .findFirst()
                    .ifPresent(f -> ratios.add(x.seconds() / f.seconds()));
        }
        if (ratios.isEmpty()) return "";
        ratios.sort(null);
        return String.format(
                Locale.ROOT,
                "%s over %s (wall time per run, the same audit_json.log events): median %.2fx (%.2f-%.2f)%n",
                way,
                floor,
                median(ratios),
                ratios.get(0),
                ratios.get(ratios.size() - 1));
    }

    static String report(List<Result> results, int n, int logEvents, double avgBytes) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "| way | docs | docs/s median (min-max) | ingest us/event median (min-max) |%n|---|---|---|---|%n"));
        Map<String, List<Result>> byWay = new LinkedHashMap<>();
        results.forEach(
                x -> byWay.computeIfAbsent(x.way(), k -> new ArrayList<>()).add(x));
        for (Map.Entry<String, List<Result>> e : byWay.entrySet()) {
            List<Double> rate = e.getValue().stream()
                    .map(x -> x.docs() / x.seconds())
                    .sorted()
                    .toList();
            List<Double> ingest = e.getValue().stream()
                    .map(x -> x.ingestTookMs() * 1000.0 / x.docs())
                    .sorted()
                    .toList();
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %.0f (%.0f-%.0f) | %.1f (%.1f-%.1f) |%n",
                    e.getKey(),
                    e.getValue().get(0).docs(),
                    median(rate),
                    rate.get(0),
                    rate.get(rate.size() - 1),
                    median(ingest),
                    ingest.get(0),
                    ingest.get(ingest.size() - 1)));
        }
        sb.append(logEventFigures(byWay, logEvents));
        sb.append(overFloor(byWay, "i_import_gitlab_log", "a_no_pipeline_gitlab_log"));
        sb.append(overFloor(byWay, "b_devops_audit_gitlab_log", "a_no_pipeline_gitlab_log"));
        sb.append(overFloor(byWay, "g_output_floor_gitlab_log", "a_no_pipeline_gitlab_log"));
        if (byWay.keySet()
                        .containsAll(List.of(
                                "a_no_pipeline",
                                "b_devops_audit",
                                "c_stock_reference_gitlab_log",
                                "b_devops_audit_gitlab_log",
                                "d_noop_pipeline_gitlab_log",
                                "e_devops_audit_no_enrichment"))
                == false) {
            return sb.toString();
        }
        List<Double> ea = new ArrayList<>();
        List<Double> enrichUs = new ArrayList<>();
        List<Double> ba = new ArrayList<>();
        List<Double> cb = new ArrayList<>();
        List<Double> cbNet = new ArrayList<>();
        for (int run = 1; run <= results.stream().mapToInt(Result::run).max().orElse(0); run++) {
            final int rr = run;
            Result a = results.stream()
                    .filter(x -> x.run() == rr && x.way().equals("a_no_pipeline"))
                    .findFirst()
                    .orElseThrow();
            Result b = results.stream()
                    .filter(x -> x.run() == rr && x.way().equals("b_devops_audit"))
                    .findFirst()
                    .orElseThrow();
            Result c = results.stream()
                    .filter(x -> x.run() == rr && x.way().equals("c_stock_reference_gitlab_log"))
                    .findFirst()
                    .orElseThrow();
            Result bl = results.stream()
                    .filter(x -> x.run() == rr && x.way().equals("b_devops_audit_gitlab_log"))
                    .findFirst()
                    .orElseThrow();
            Result d = results.stream()
                    .filter(x -> x.run() == rr && x.way().equals("d_noop_pipeline_gitlab_log"))
                    .findFirst()
                    .orElseThrow();
            Result e = results.stream()
                    .filter(x -> x.run() == rr && x.way().equals("e_devops_audit_no_enrichment"))
                    .findFirst()
                    .orElseThrow();
            ba.add(b.seconds() / a.seconds());
            ea.add(e.seconds() / a.seconds());
            enrichUs.add((b.ingestTookMs() - e.ingestTookMs()) * 1000.0 / b.docs());
            cb.add((double) c.ingestTookMs() / Math.max(1, bl.ingestTookMs()));
            cbNet.add(
                    (double) (c.ingestTookMs() - d.ingestTookMs()) / Math.max(1, bl.ingestTookMs() - d.ingestTookMs()));
        }
        ba.sort(null);
        cb.sort(null);
        ea.sort(null);
        enrichUs.sort(null);
        sb.append(String.format(
                Locale.ROOT,
                "%nPipeline overhead b/a (time with the devops-audit pipeline over time without, per run): median %.2f (%.2f-%.2f)%n",
                median(ba),
                ba.get(0),
                ba.get(ba.size() - 1)));
        sb.append(String.format(
                Locale.ROOT,
                "Without the enrichment steps e/a (same pipeline minus geoip, rename, user_agent): median %.2f (%.2f-%.2f)%n",
                median(ea),
                ea.get(0),
                ea.get(ea.size() - 1)));
        sb.append(String.format(
                Locale.ROOT,
                "Enrichment's ingest cost per event, (b - e) ingest_took / events: median %.1f us (%.1f-%.1f)%n",
                median(enrichUs),
                enrichUs.get(0),
                enrichUs.get(enrichUs.size() - 1)));
        sb.append(String.format(
                Locale.ROOT,
                "Ingest time per event, stock-processor reference (c) over devops-audit (b), same %d audit_json.log events: median %.2fx (%.2f-%.2f)%n",
                logEvents,
                median(cb),
                cb.get(0),
                cb.get(cb.size() - 1)));
        cbNet.sort(null);
        sb.append(String.format(
                Locale.ROOT,
                "Same, after subtracting the ingest framework's own cost (d, a one-processor pipeline on the same events): median %.2fx (%.2f-%.2f)%n",
                median(cbNet),
                cbNet.get(0),
                cbNet.get(cbNet.size() - 1)));
        sb.append(String.format(
                Locale.ROOT,
                "%d events per way, %.0f bytes per raw event on average, bulk batches of %d, one client.%n",
                n,
                avgBytes,
                BATCH));
        return sb.toString();
    }

    /**
     * The audit_json.log events side by side, ingest time per event from {@code ingest_took}: the one-{@code set}
     * floor (d), the same floor for the finished documents (g: what writing a document of this shape costs the
     * framework, whatever produced it), the processor alone (e), the shipped pipeline (b), and the external reference
     * (f) when given, with the reference's cost over each of ours and over (g), per run (the ways of one run are
     * measured back to back).
     */
    static String logEventFigures(Map<String, List<Result>> byWay, int logEvents) {
        String floor = "d_noop_pipeline_gitlab_log";
        String alone = "e_devops_audit_no_enrichment_gitlab_log";
        String shipped = "b_devops_audit_gitlab_log";
        String external = "f_external_reference_gitlab_log";
        if (byWay.keySet().containsAll(List.of(floor, alone, shipped)) == false) return "";
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "%nSame %d audit_json.log events, %d %% public (repeating) / %d %% private client addresses, ingest"
                        + " us/event median (min-max):%n",
                logEvents,
                PUBLIC_PERCENT,
                100 - PUBLIC_PERCENT));
        String outputFloor = "g_output_floor_gitlab_log";
        for (String way : List.of(floor, outputFloor, alone, shipped, external)) {
            if (byWay.containsKey(way) == false) continue;
            List<Double> us = byWay.get(way).stream()
                    .map(x -> x.ingestTookMs() * 1000.0 / x.docs())
                    .sorted()
                    .toList();
            sb.append(String.format(
                    Locale.ROOT, "- %s: %.1f (%.1f-%.1f)%n", way, median(us), us.get(0), us.get(us.size() - 1)));
        }
        if (byWay.containsKey(external)) {
            for (String ours : List.of(alone, shipped, outputFloor)) {
                if (byWay.containsKey(ours) == false) continue;
                List<Double> ratio = new ArrayList<>();
                for (Result f : byWay.get(external)) {
                    byWay.get(ours).stream()
                            .filter(x -> x.run() == f.run())
                            .findFirst()
                            .ifPresent(x -> ratio.add((double) f.ingestTookMs() / Math.max(1, x.ingestTookMs())));
                }
                ratio.sort(null);
                if (ratio.isEmpty()) continue;
                sb.append(String.format(
                        Locale.ROOT,
                        "- %s over %s: median %.2fx (%.2f-%.2f)%n",
                        external,
                        ours,
                        median(ratio),
                        ratio.get(0),
                        ratio.get(ratio.size() - 1)));
            }
        }
        return sb.toString();
    }

    /** The installed devops-audit pipeline without the processors tagged {@code enrich/...}. */
    @SuppressWarnings("unchecked")
    static String withoutEnrichment(RestClient client) throws IOException {
        Map<String, Object> installed = (Map<String, Object>)
                call(client, "GET", "/_ingest/pipeline/devops-audit", null).get("devops-audit");
        List<Object> kept = new ArrayList<>();
        for (Object p : (List<Object>) installed.get("processors")) {
            Map<String, Object> config = (Map<String, Object>)
                    ((Map<String, Object>) p).values().iterator().next();
            if (String.valueOf(config.get("tag")).startsWith("enrich/") == false) kept.add(p);
        }
        Map<String, Object> copy = new LinkedHashMap<>(installed);
        copy.put("processors", kept);
        copy.put("description", "bench: devops-audit without its enrichment steps");
        return JsonText.write(copy);
    }

    static final String[] USER_AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "python-requests/2.31.0",
        "curl/8.5.0",
        "git/2.43.0"
    };

    /** The share of events with a public client address, in percent; the others get private addresses. */
    static final int PUBLIC_PERCENT = Integer.getInteger("bench.public.percent", 70);

    /**
     * The event with realistic addresses and, for JSON events, a user agent, both picked by the event's text (so a
     * duplicate delivery stays identical). {@link #PUBLIC_PERCENT} of the events get public addresses (192.0.2.x to
     * 89.160.20.x in Sweden, 198.51.100.x to 81.2.69.x in the UK, both known to GeoLite2 City and ASN; the generator
     * uses a few hundred addresses, so they repeat as a company's do), the others private ones (10.20.2.x,
     * 192.168.100.x), which no database places. CSV rows keep no user agent: their columns are fixed.
     */
    static String realistic(String e) {
        boolean isPublic = Math.floorMod(e.hashCode() * 31 + 17, 100) < PUBLIC_PERCENT;
        String out = isPublic
                ? e.replace("192.0.2.", "89.160.20.").replace("198.51.100.", "81.2.69.")
                : e.replace("192.0.2.", "10.20.2.").replace("198.51.100.", "192.168.100.");
        if (out.startsWith("{") == false) return out;
        String ua = JsonText.write(USER_AGENTS[Math.floorMod(e.hashCode(), USER_AGENTS.length)]);
        if (out.contains("\"request\":{"))
            return out.replace("\"request\":{", "\"request\":{\"user_agent\":" + ua + ",");
        return "{\"user_agent\":" + ua + "," + out.substring(1);
    }

    /** How many documents of the first batches of (b) the enrichment filled, so the figures show it did its work. */
    static String coverage(RestClient client, Way b) throws IOException {
        runOnce(
                client,
                new Way(b.name(), b.bodies().subList(0, Math.min(5, b.bodies().size())), b.pipeline(), 0),
                0);
        call(client, "POST", "/devops-audit-gitlab-*,devops-audit-circleci-*/_refresh", null);
        String idx = "/devops-audit-gitlab-*,devops-audit-circleci-*/_count";
        long all = count(client, idx, "{\"query\":{\"match_all\":{}}}");
        long ip = count(client, idx, "{\"query\":{\"exists\":{\"field\":\"source.ip\"}}}");
        long geo = count(client, idx, "{\"query\":{\"exists\":{\"field\":\"source.geo.country_iso_code\"}}}");
        long as = count(client, idx, "{\"query\":{\"exists\":{\"field\":\"source.as.number\"}}}");
        long ua = count(client, idx, "{\"query\":{\"exists\":{\"field\":\"user_agent.name\"}}}");
        return String.format(
                Locale.ROOT,
                "Enrichment in (b), first %d stored documents: %d with source.ip, %d with source.geo.country_iso_code, "
                        + "%d with source.as.number, %d with user_agent.name.%n",
                all,
                ip,
                geo,
                as,
                ua);
    }

    static long count(RestClient client, String endpoint, String query) throws IOException {
        return ((Number) call(client, "POST", endpoint, query).get("count")).longValue();
    }

    static double median(List<Double> sorted) {
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(Response response) throws IOException {
        try (InputStream in = response.getEntity().getContent()) {
            return (Map<String, Object>)
                    JsonText.parse("bench", "response", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static Map<String, Object> call(RestClient client, String method, String endpoint, String body) throws IOException {
        Request request = new Request(method, endpoint);
        if (body != null) request.setJsonEntity(body);
        return json(client.performRequest(request));
    }

    /** The reference: what a skilled user builds from stock processors for audit_json.log (json, date, script, rename, set). */
    static String referencePipeline() throws IOException {
        Map<String, String> taxonomy = new LinkedHashMap<>();
        try (InputStream in =
                EndToEndBenchmark.class.getResourceAsStream("/io/devopsaudit/classify/gitlab-taxonomy.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] c = line.split("\t");
                if (line.startsWith("#") || c.length != 5 || c[0].equals("action")) continue;
                taxonomy.put(c[0], c[1]);
            }
        }
        String script = String.join(
                " ",
                "def gl = ctx.gl; def d = gl.details instanceof Map ? gl.details : [:];",
                "String action = gl.event_name != null ? gl.event_name : (d.event_name != null ? d.event_name : 'audit_operation');",
                "ctx.event = ['kind': 'event', 'provider': 'gitlab', 'dataset': 'gitlab.audit', 'action': action,",
                "  'outcome': (gl.failed_login != null || action.contains('failed')) ? 'failure' : 'success'];",
                "if (gl.id != null) { ctx.event.id = gl.id.toString(); ctx._id = 'gitlab:' + gl.id; }",
                "ctx.user = ['id': gl.author_id == null ? null : gl.author_id.toString(), 'name': gl.author_name != null ? gl.author_name : gl['meta.user']];",
                "def ip = gl.ip_address != null ? gl.ip_address : gl['meta.remote_ip'];",
                "if (ip != null) { ctx.source = ['ip': ip]; }",
                "def cat = params.taxonomy[action];",
                "ctx.audit = ['category': cat == null ? 'other' : cat, 'source_format': 'gitlab_log', 'correlation_id': gl.correlation_id,",
                "  'scope': ['type': gl.entity_type == null ? 'instance' : gl.entity_type.toLowerCase(), 'id': gl.entity_id == null ? null : gl.entity_id.toString(), 'path': gl.entity_path],",
                "  'target': ['type': gl.target_type, 'id': gl.target_id == null ? null : gl.target_id.toString(), 'name': gl.target_details]];",
                "if (gl.change != null) { ctx.audit.change = ['operation': 'change', 'field': gl.change, 'from': String.valueOf(gl.from), 'to': String.valueOf(gl.to)]; }",
                "else if (gl.add != null) { ctx.audit.change = ['operation': 'add', 'field': gl.add, 'role': gl.as]; }",
                "else if (gl.remove != null) { ctx.audit.change = ['operation': 'remove', 'field': gl.remove]; }",
                "if (gl.custom_message instanceof String) { ctx.audit.message = gl.custom_message; }",
                "ctx.related = ['user': [ctx.user.name], 'ip': ip == null ? [] : [ip]];",
                "ctx._index = 'bench-ref-gitlab-' + ctx['@timestamp'].substring(0, 7).replace('-', '.');");
        Map<String, Object> pipeline = new LinkedHashMap<>();
        pipeline.put("description", "reference: audit_json.log normalization with stock processors only");
        pipeline.put(
                "processors",
                List.of(
                        Map.of("json", Map.of("field", "message", "target_field", "gl")),
                        Map.of(
                                "date",
                                Map.of(
                                        "field",
                                        "gl.created_at",
                                        "target_field",
                                        "@timestamp",
                                        "formats",
                                        List.of("ISO8601"),
                                        "output_format",
                                        "yyyy-MM-dd'T'HH:mm:ss.SSSXXX")),
                        Map.of(
                                "script",
                                Map.of("lang", "painless", "source", script, "params", Map.of("taxonomy", taxonomy))),
                        Map.of("rename", Map.of("field", "message", "target_field", "event.original")),
                        Map.of("rename", Map.of("field", "gl", "target_field", "gitlab_audit")),
                        Map.of("set", Map.of("field", "event.ingested", "value", "{{_ingest.timestamp}}"))));
        return JsonText.write(pipeline);
    }
}
