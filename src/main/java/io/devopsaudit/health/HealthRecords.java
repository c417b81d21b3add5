/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.health;

import io.devopsaudit.normalize.RecordBuilder;
import io.devopsaudit.retention.RetentionRun;
import io.devopsaudit.schema.IndexNames;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.transport.client.Client;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The plugin's health records in {@code devops-audit-health-<yyyy.MM>}: a normal index the Alerting monitors and
 * Dashboards can query (collector status lives in the plugin's system state index, which monitors cannot read). One
 * record per collector poll that fails or recovers, per retention run, and per streaming destination that delivers
 * again after a silence. Records carry the collector's name, scope,
 * HTTP status, GitLab's message and the hint, never the token (which is in no status field to begin with). Writing
 * is best effort: a health record that cannot be written is logged and never fails the poll or run it describes.
 */
public final class HealthRecords {
    private static final Logger logger = LogManager.getLogger(HealthRecords.class);
    private static final DateTimeFormatter MONTH =
            DateTimeFormatter.ofPattern("yyyy.MM", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Client client;
    private final ClusterService clusterService;

    public HealthRecords(Client client, ClusterService clusterService) {
        this.client = client;
        this.clusterService = clusterService;
    }

    /** The index a record written at this instant goes to. */
    public static String index(Instant at) {
        return IndexNames.HEALTH_PREFIX + MONTH.format(at);
    }

    /**
     * The record for a collector poll, or {@code null} when there is nothing to report: a poll is recorded when it
     * fails (every failed poll: monitors count them) and when it succeeds after a failure (the recovery).
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> collectorPoll(
            String collector, Map<String, Object> before, Map<String, Object> after) {
        boolean failed = "ok".equals(after.get("state")) == false;
        boolean wasFailing = before != null
                && before.get("state") != null
                && "ok".equals(before.get("state")) == false
                && "never_polled".equals(before.get("state")) == false;
        if (failed == false && wasFailing == false) return null;
        Map<String, Object> r = base(
                String.valueOf(after.getOrDefault("last_poll", Instant.now().toString())),
                failed ? "collector_poll_failed" : "collector_poll_recovered",
                failed ? "failure" : "success");
        r.put("event.provider", "gitlab");
        r.put("collector.name", collector);
        Map<String, Object> error = (Map<String, Object>) (failed ? after.get("last_error") : before.get("last_error"));
        if (error != null) {
            r.put("collector.scope", error.get("scope"));
            r.put("http.response.status_code", error.get("http_status"));
            r.put("error.message", error.get("message"));
            r.put("error.hint", error.get("hint"));
        }
        r.put("collector.state", after.get("state"));
        return r;
    }

    /** The record for a retention run (not for a dry run): what was deleted and what was warmed. */
    public static Map<String, Object> retentionRun(RetentionRun result) {
        Map<String, Object> r = base(result.ranAt(), "retention_run", "success");
        List<String> deleted =
                result.deleted().stream().map(RetentionRun.Expired::index).toList();
        r.put("retention.deleted", deleted);
        r.put("retention.deleted_count", deleted.size());
        r.put("retention.warmed", result.warmed());
        r.put("retention.warmed_count", result.warmed().size());
        return r;
    }

    /**
     * The record for a GitLab streaming destination that delivers again after a silence: the destination, its instance,
     * when its last event before the silence was stored and how long the silence lasted.
     */
    public static Map<String, Object> destinationResumed(
            String destination, String instance, Instant lastDelivery, Instant now) {
        Map<String, Object> r = base(now.toString(), "destination_delivery_resumed", "success");
        r.put("event.provider", "gitlab");
        r.put("audit.destination", destination);
        if (instance != null) r.put("audit.instance", instance);
        r.put("health.last_delivery", lastDelivery.toString());
        r.put(
                "health.silence_seconds",
                java.time.Duration.between(lastDelivery, now).toSeconds());
        return r;
    }

    private static Map<String, Object> base(String at, String action, String outcome) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("@timestamp", at);
        r.put("event.kind", "health");
        r.put("event.action", action);
        r.put("event.outcome", outcome);
        return r;
    }

    /**
     * Writes one record (dotted keys become objects) as the caller's context allows: callers write as the node. Only
     * once {@code _setup} installed the health template: without it the index would take the events template.
     */
    public void write(Map<String, Object> record) {
        if (record == null) return;
        if (clusterService.state().metadata().templatesV2().containsKey(IndexNames.HEALTH_TEMPLATE) == false) {
            logger.debug("health template not installed (run _setup): health record not written: {}", record);
            return;
        }
        try {
            RecordBuilder source = new RecordBuilder();
            record.forEach(source::put);
            client.prepareIndex(index(Instant.parse((String) record.get("@timestamp"))))
                    .setSource(source.build())
                    .get();
        } catch (Exception e) {
            logger.warn("could not write health record " + record.get("event.action"), e);
        }
    }
}
