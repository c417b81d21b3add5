/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.golden.GoldenCases;
import io.devopsaudit.parse.JsonText;
import io.devopsaudit.parse.SourceFormat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A real log shipper end to end: Debian's rsyslog with omelasticsearch tails a growing GitLab {@code audit_json.log}
 * and sends every line as {@code {"message": line}} to {@code _bulk?pipeline=devops-audit} on the real node, with
 * the configuration shipped in docs/shippers.md (read from {@code shippers/rsyslog.conf}). After a restart with its
 * read position forgotten, rsyslog sends the whole file again: the re-sent lines are duplicates (the processor
 * drops them: {@code noop}, 200) and must neither be stored twice nor stop the lines after them. Skipped, saying why, when rsyslog or its
 * Elasticsearch output module is not installed ({@code .ci/run} installs both).
 */
public class RsyslogShipperIT extends DevopsAuditRestTestCase {

    static final Path RSYSLOGD = Path.of("/usr/sbin/rsyslogd");
    static final Path OMELASTICSEARCH = Path.of("/usr/lib/x86_64-linux-gnu/rsyslog/omelasticsearch.so");
    static final int FIRST_BATCH = 60;
    static final int SECOND_BATCH = 40;
    static final int AFTER_RESTART = 25;

    public void testRsyslogTailsAGrowingAuditLogAndARereadAfterRestartStoresNothingTwice() throws Exception {
        skipUnless(Files.isExecutable(RSYSLOGD), RSYSLOGD + " is not installed (apt-get install rsyslog)");
        skipUnless(
                Files.isRegularFile(OMELASTICSEARCH),
                OMELASTICSEARCH + " is not installed (apt-get install rsyslog-elasticsearch)");
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\":0}");

        Path dir = createTempDir();
        Path work = Files.createDirectory(dir.resolve("work"));
        Path log = dir.resolve("audit_json.log");
        Path errors = dir.resolve("errors.json");
        Files.createFile(log);
        // the request logs, each with the golden lines of its format (GitLab's documented examples among them)
        Map<SourceFormat, Path> requestLogs = new LinkedHashMap<>();
        requestLogs.put(SourceFormat.GITLAB_PRODUCTION_LOG, dir.resolve("production_json.log"));
        requestLogs.put(SourceFormat.GITLAB_API_LOG, dir.resolve("api_json.log"));
        requestLogs.put(SourceFormat.GITLAB_AUTH_LOG, dir.resolve("auth_json.log"));
        for (Path p : requestLogs.values()) Files.createFile(p);
        Path conf = dir.resolve("rsyslog.conf");
        String[] hostPort =
                System.getProperty("tests.rest.cluster").split(",")[0].split(":");
        Files.writeString(
                conf,
                template()
                        .replace("@WORK_DIR@", work.toString())
                        .replace("@LOG_FILE@", log.toString())
                        .replace(
                                "@PRODUCTION_LOG@",
                                requestLogs
                                        .get(SourceFormat.GITLAB_PRODUCTION_LOG)
                                        .toString())
                        .replace(
                                "@API_LOG@",
                                requestLogs.get(SourceFormat.GITLAB_API_LOG).toString())
                        .replace(
                                "@AUTH_LOG@",
                                requestLogs.get(SourceFormat.GITLAB_AUTH_LOG).toString())
                        .replace("@ERROR_FILE@", errors.toString())
                        .replace("@HOST@", hostPort[0])
                        .replace("@PORT@", hostPort[1]));

        int total = FIRST_BATCH + SECOND_BATCH;
        Process rsyslog = start(conf, dir, 1);
        try {
            append(log, 1, FIRST_BATCH);
            awaitCount(AUDIT, FIRST_BATCH, dir, errors);
            append(log, FIRST_BATCH + 1, SECOND_BATCH); // the file grows while rsyslog tails it
            awaitCount(AUDIT, total, dir, errors);
            for (Map.Entry<SourceFormat, Path> e : requestLogs.entrySet()) {
                StringBuilder lines = new StringBuilder();
                for (GoldenCases.Case c : GoldenCases.all()) {
                    if (c.format() == e.getKey()) lines.append(c.text().strip()).append('\n');
                }
                Files.writeString(e.getValue(), lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
            awaitCount(REQUESTS, requestLines(), dir, errors);
        } finally {
            stop(rsyslog);
        }
        assertEquals(total, count(AUDIT));
        assertEquals(requestLines(), count(REQUESTS));

        // Forget the read position: rsyslog reads the whole file again, then the lines appended after the restart.
        try (DirectoryStream<Path> state = Files.newDirectoryStream(work, "imfile-state*")) {
            int deleted = 0;
            for (Path p : state) {
                Files.delete(p);
                deleted++;
            }
            assertEquals("imfile state files in " + work + ": the audit log and the three request logs", 4, deleted);
        }
        rsyslog = start(conf, dir, 2);
        try {
            append(log, total + 1, AFTER_RESTART);
            awaitCount(AUDIT, total + AFTER_RESTART, dir, errors);
        } finally {
            stop(rsyslog);
        }
        assertEquals(total + AFTER_RESTART, count(AUDIT));
        assertEquals("the re-read request lines are duplicates too", requestLines(), count(REQUESTS));
        assertEquals(0, count("devops-audit-failed-*"));
        // The re-sent lines were answered as duplicates (noop, 200: the processor compared them with the stored
        // events and dropped them), so no bulk item failed and rsyslog's error file holds no failed item.
        Map<Integer, Integer> statuses = bulkItemStatuses(errors);
        logger.info("bulk item statuses in the rsyslog error file after the re-read: {}", statuses);
        for (int status : statuses.keySet()) {
            assertTrue(statuses.toString(), status == 200 || status == 201);
        }
    }

    /**
     * omelasticsearch's errorFile holds one JSON object per failed bulk request: {@code request} and {@code reply}
     * (the bulk response, as an object or as its text). Counts the reply items by HTTP status.
     */
    @SuppressWarnings("unchecked")
    private static Map<Integer, Integer> bulkItemStatuses(Path errors) throws IOException {
        Map<Integer, Integer> statuses = new TreeMap<>();
        if (Files.exists(errors) == false) return statuses;
        for (String line : Files.readAllLines(errors, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            Map<String, Object> entry = (Map<String, Object>) JsonText.parse("rsyslog error file", "line", line);
            Object reply = entry.get("reply");
            if (reply instanceof String text) reply = JsonText.parse("rsyslog error file", "reply", text);
            assertNotNull("no reply in " + line, reply);
            for (Object item : (List<Object>) ((Map<String, Object>) reply).get("items")) {
                for (Object result : ((Map<String, Object>) item).values()) {
                    int status = ((Number) ((Map<String, Object>) result).get("status")).intValue();
                    statuses.merge(status, 1, Integer::sum);
                }
            }
        }
        return statuses;
    }

    /** The reason goes to the build's console (the test's log) as well as into the report's skip entry. */
    private void skipUnless(boolean installed, String missing) {
        String reason = "rsyslog shipper test SKIPPED: " + missing;
        if (installed == false) logger.warn(reason);
        assumeTrue(reason, installed);
    }

    private static String template() throws IOException {
        try (InputStream in = RsyslogShipperIT.class.getResourceAsStream("/shippers/rsyslog.conf")) {
            assertNotNull("shippers/rsyslog.conf on the test class path", in);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** GitLab audit_json.log lines (the golden file's shape) with ids from..from+n-1, one event each. */
    private static void append(Path log, int from, int n) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int id = from; id < from + n; id++) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("remove", "user_access");
            details.put("member_id", 1000 + id);
            details.put("author_name", "alice");
            details.put("target_id", 5000 + id);
            details.put("target_type", "User");
            details.put("target_details", "user" + id);
            details.put("custom_message", "Membership removed \"quoted\" \\ back");
            details.put("ip_address", "192.0.2.10");
            details.put("entity_path", "acme");
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("severity", "INFO");
            line.put("time", String.format(Locale.ROOT, "2024-06-01T12:%02d:%02d.300Z", id / 60 % 60, id % 60));
            line.put("correlation_id", "01HZRSYSLOG" + id);
            line.put("id", 700_000 + id);
            line.put("author_id", 7);
            line.put("entity_id", 3);
            line.put("entity_type", "Group");
            line.put(
                    "created_at",
                    String.format(Locale.ROOT, "2024-06-01T12:%02d:%02d.250+00:00", id / 60 % 60, id % 60));
            line.put("details", details);
            line.putAll(details);
            lines.append(JsonText.write(line)).append('\n');
        }
        Files.writeString(log, lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private static Process start(Path conf, Path dir, int run) throws IOException {
        return new ProcessBuilder(
                        RSYSLOGD.toString(),
                        "-n",
                        "-f",
                        conf.toString(),
                        "-i",
                        dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("rsyslogd-" + run + ".out").toFile())
                .start();
    }

    /** SIGTERM (rsyslog flushes and exits), and never leave it running. */
    private static void stop(Process rsyslog) throws InterruptedException {
        rsyslog.destroy();
        if (rsyslog.waitFor(30, TimeUnit.SECONDS) == false) {
            rsyslog.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("rsyslogd did not stop within 30 s of SIGTERM");
        }
    }

    /** The audit event indices, without the request indices that share their prefix. */
    static final String AUDIT = "devops-audit-gitlab-*,-devops-audit-gitlab-requests-*";

    static final String REQUESTS = "devops-audit-gitlab-requests-*";

    private static long requestLines() {
        return GoldenCases.all().stream().filter(c -> c.format().isRequest()).count();
    }

    private void awaitCount(String indices, long expected, Path dir, Path errors) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        long seen = -1;
        while (System.nanoTime() < deadline) {
            seen = count(indices);
            if (seen >= expected) {
                assertEquals(expected, seen);
                return;
            }
            Thread.sleep(500);
        }
        fail("waited 90 s for " + expected + " documents, have " + seen + "; rsyslog said: " + outputs(dir)
                + "; error file: " + (Files.exists(errors) ? Files.readString(errors) : "(none)"));
    }

    private static String outputs(Path dir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (DirectoryStream<Path> outs = Files.newDirectoryStream(dir, "rsyslogd-*.out")) {
            for (Path p : outs) {
                all.append(p.getFileName())
                        .append(": ")
                        .append(Files.readString(p))
                        .append('\n');
            }
        }
        return all.toString();
    }

    private static long count(String indices) throws IOException {
        client().performRequest(new org.opensearch.client.Request("POST", "/" + indices + "/_refresh"));
        return ((Number) call("GET", "/" + indices + "/_count", null).get("count")).longValue();
    }
}
