/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.normalize.Timestamps;
import io.devopsaudit.parse.AuditParseException;
import org.opensearch.common.cache.Cache;
import org.opensearch.common.cache.CacheBuilder;
import org.opensearch.common.unit.TimeValue;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/**
 * The bounds the processor puts on what one event may cause: its event time (from 1970-01-01 to
 * {@code devops_audit.intake.max_future_skew} after now) and the number of new event indices one intake request may
 * create ({@code devops_audit.intake.max_new_indices_per_request}). An event outside them is refused with an
 * {@link OutOfBounds}, which the processor marks with its {@code event.kind} before the pipeline's on_failure keeps
 * it in the dead-letter index. The limits are dynamic cluster settings: the plugin updates them here.
 */
public final class IntakeBounds {
    /** Event times before this are not audit events of GitLab or CircleCI (both started decades later). */
    public static final Instant EARLIEST = Instant.EPOCH;

    public static final TimeValue DEFAULT_MAX_FUTURE_SKEW = TimeValue.timeValueDays(1);
    /** Two years of monthly indices per request: a typical export or backfill, far from a node's shard limit. */
    public static final int DEFAULT_MAX_NEW_INDICES = 24;

    /** The document field naming the intake request a document belongs to (removed by the processor). */
    public static final String REQUEST_FIELD = "devops_audit_request";

    private volatile long maxFutureSkewMillis = DEFAULT_MAX_FUTURE_SKEW.millis();
    private volatile int maxNewIndices = DEFAULT_MAX_NEW_INDICES;
    /** Whether an index (or alias) exists; until the node wires its cluster state, every index counts as existing. */
    private volatile Predicate<String> exists = name -> true;

    /** The new indices each recent intake request created on this node, forgotten 10 minutes after its last use. */
    private final Cache<String, Set<String>> created = CacheBuilder.<String, Set<String>>builder()
            .setExpireAfterAccess(TimeValue.timeValueMinutes(10))
            .setMaximumWeight(10_000)
            .build();

    /** An event the bounds refuse: dead-lettered with {@link #kind()} as its {@code event.kind}. */
    public static final class OutOfBounds extends AuditParseException {
        private final String kind;

        OutOfBounds(String kind, String format, String message) {
            super(format, message);
            this.kind = kind;
        }

        public String kind() {
            return kind;
        }
    }

    public static final String OUT_OF_RANGE_TIME = "out_of_range_time";
    public static final String INDEX_BUDGET = "index_budget_exceeded";

    public void setMaxFutureSkew(TimeValue skew) {
        maxFutureSkewMillis = skew.millis();
    }

    public void setMaxNewIndices(int max) {
        maxNewIndices = max;
    }

    public void setIndexExists(Predicate<String> exists) {
        this.exists = exists;
    }

    public TimeValue maxFutureSkew() {
        return TimeValue.timeValueMillis(maxFutureSkewMillis);
    }

    /** Refuses an event time before 1970 or later than now plus the allowed skew. */
    public void checkTime(String format, String timestamp, Instant now) {
        Instant t;
        try {
            t = Timestamps.parseFormatted(timestamp);
        } catch (RuntimeException e) {
            throw new OutOfBounds(OUT_OF_RANGE_TIME, format, "event time [" + timestamp + "] cannot be read");
        }
        Instant latest = now.plusMillis(maxFutureSkewMillis);
        if (t.isBefore(EARLIEST) || t.isAfter(latest)) {
            throw new OutOfBounds(
                    OUT_OF_RANGE_TIME,
                    format,
                    "event time [" + timestamp + "] is out of range: it must be from " + Timestamps.format(EARLIEST)
                            + " to " + Timestamps.format(latest)
                            + " (now plus devops_audit.intake.max_future_skew [" + maxFutureSkew() + "])");
        }
    }

    /**
     * Admits {@code index} for the intake request {@code request} (null: a document not sent by the plugin's intake,
     * which only the time bounds limit): an existing index always, a new one while the request has created fewer than
     * the allowed number of new indices on this node.
     */
    public void checkNewIndex(String format, String request, String index) {
        if (request == null || exists.test(index)) return;
        Set<String> mine;
        try {
            mine = created.computeIfAbsent(request, k -> new TreeSet<>());
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        int max = maxNewIndices;
        synchronized (mine) {
            if (mine.contains(index) || mine.size() < max) {
                mine.add(index);
                return;
            }
            throw new OutOfBounds(
                    INDEX_BUDGET,
                    format,
                    "the event belongs in [" + index + "], a new index, but this request already creates " + max
                            + " new event indices " + mine
                            + " (devops_audit.intake.max_new_indices_per_request): send the events of other months in"
                            + " another request");
        }
    }
}
