/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import com.fasterxml.jackson.databind.JsonNode;
import io.devopsaudit.health.HealthRecords;
import io.devopsaudit.ingest.AuditEngine;
import io.devopsaudit.intake.BulkIntake;
import io.devopsaudit.intake.IntakeSettings;
import io.devopsaudit.intake.RawRecords;
import io.devopsaudit.parse.JsonText;
import io.devopsaudit.schema.IndexNames;
import io.devopsaudit.transport.ClusterManagerSchedule;
import io.devopsaudit.transport.StateIndex;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.ExceptionsHelper;
import org.opensearch.ResourceNotFoundException;
import org.opensearch.action.get.GetResponse;
import org.opensearch.action.support.WriteRequest;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.index.IndexNotFoundException;
import org.opensearch.index.engine.DocumentMissingException;
import org.opensearch.index.engine.VersionConflictEngineException;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The GitLab audit-events collectors: their configuration and status in the plugin's system index
 * ({@code .devops-audit-state}, one document per collector), and the polling. Polling runs on the elected
 * cluster-manager only: a one-second tick (a {@link ClusterManagerSchedule}) polls the collectors whose
 * {@code next_poll} has come. Because the
 * checkpoints are in the index, a new cluster-manager continues where the old one stopped; events fetched twice
 * around a failover collapse by {@code _id} in the pipeline. See docs/collector.md.
 */
public final class CollectorService {
    private static final Logger logger = LogManager.getLogger(CollectorService.class);

    static final String DOC_PREFIX = "collector.";
    static final String KIND = "collector";
    /**
     * Where a collector's token is bound: {@code collector_binding.<name>}, apart from the collector's document so that
     * deleting and re-creating the collector does not free its token.
     */
    static final String BINDING_PREFIX = "collector_binding.";

    static final String BINDING_KIND = "collector_binding";
    /** Each poll asks again for this much before the checkpoint, for events GitLab commits late. */
    static final Duration OVERLAP = Duration.ofMinutes(10);
    /** A backfill is fetched in windows of event time, each committed on its own, so a failure loses one window. */
    static final Duration WINDOW = Duration.ofDays(1);

    /** Concurrent HTTP calls to GitLab from this node, all collectors together. */
    static final int MAX_CONCURRENT_CALLS = 4;

    static final int MAX_RETRIES = 6;
    static final long BACKOFF_MS = 500;
    static final TimeValue TICK = TimeValue.timeValueSeconds(1);

    private final Client client;
    private final ClusterService clusterService;
    private final ThreadPool threadPool;
    private final CollectorTokens tokens;
    private final AuditEngine engine;
    private final Semaphore permits = new Semaphore(MAX_CONCURRENT_CALLS);
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final AtomicBoolean ticking = new AtomicBoolean();
    private volatile HttpClient http;
    /** The HTTP client's own threads, stopped with the node (the client's default pool would linger a minute). */
    private final ExecutorService httpExecutor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "devops-audit-gitlab-http");
        t.setDaemon(true);
        return t;
    });

    private final ClusterManagerSchedule schedule;
    /** Failed and recovered polls, for the monitors (they cannot read the state index). */
    private final HealthRecords health;

    public CollectorService(
            Client client,
            ClusterService clusterService,
            ThreadPool threadPool,
            CollectorTokens tokens,
            AuditEngine engine) {
        this.client = client;
        this.clusterService = clusterService;
        this.threadPool = threadPool;
        this.tokens = tokens;
        this.engine = engine;
        this.health = new HealthRecords(client, clusterService);
        this.schedule = new ClusterManagerSchedule(clusterService, threadPool, "collector polling", TICK, this::tick);
    }

    // ---- scheduling ------------------------------------------------------------------------------------------------

    public synchronized void close() {
        schedule.close();
        if (http != null) {
            http.shutdownNow();
        }
        httpExecutor.shutdownNow();
    }

    /** Polls every collector that is due, as the node: collecting is the plugin's own work. */
    private void tick() {
        if (ticking.compareAndSet(false, true) == false) return; // a long poll is still running: skip this tick
        try {
            Instant now = Instant.now();
            for (Stored s : all().values()) {
                if (clusterService.state().nodes().isLocalNodeElectedClusterManager() == false) return;
                if (due(s, now)) poll(s.config.name(), "schedule");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ticking.set(false);
        }
    }

    /** Due when never polled, when its next poll has come, or when its token appeared or changed since. */
    private boolean due(Stored s, Instant now) {
        CollectorStatus st = s.status;
        if (st == null || st.nextPoll() == null) return true;
        if (st.tokenGeneration() != null && st.tokenGeneration() != tokens.generation()) return true;
        return st.nextPoll().isAfter(now) == false;
    }

    // ---- the state index -------------------------------------------------------------------------------------------

    /** A stored collector: its configuration and its status ({@code null} before its first poll). */
    record Stored(CollectorConfig config, CollectorStatus status) {
        CollectorView view() {
            return new CollectorView(config, status == null ? CollectorStatus.NEVER_POLLED : status);
        }
    }

    /**
     * Creates or replaces a collector's configuration. The status (checkpoints, counts) is kept unless the URL changed:
     * checkpoints of another GitLab instance mean nothing here.
     * @return {@code created} or {@code updated}
     */
    public String put(CollectorConfig config) {
        try (ThreadContext.StoredContext ignored = threadPool.getThreadContext().stashContext()) {
            // refused now when this node can tell (it holds the token, or the operator's host); else at the poll
            Refusal refused = refusal(config.name(), config.url(), tokens.get(config.name()), false);
            if (refused != null) {
                throw new IllegalArgumentException(refused.message() + "; " + refused.hint());
            }
            Stored before = load(config.name());
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("kind", KIND);
            doc.put("name", config.name());
            doc.put("config", JsonText.write(config.toMap()));
            if (before != null && before.status != null && before.config.url().equals(config.url())) {
                // a changed configuration is polled at the next tick
                doc.put("status", before.status.withoutNextPoll().toStoredJson());
            }
            return StateIndex.put(client, clusterService, DOC_PREFIX + config.name(), doc);
        }
    }

    /** One collector's configuration and status; 404 when there is none of that name. */
    public CollectorView get(String name) {
        Stored s;
        try (ThreadContext.StoredContext ignored = threadPool.getThreadContext().stashContext()) {
            s = load(name);
        }
        if (s == null) throw notFound(name);
        return s.view();
    }

    /** Every collector, by name. */
    public List<CollectorView> list() {
        Map<String, CollectorView> out = new TreeMap<>();
        try (ThreadContext.StoredContext ignored = threadPool.getThreadContext().stashContext()) {
            all().forEach((name, s) -> out.put(name, s.view()));
        }
        return List.copyOf(out.values());
    }

    public void delete(String name) {
        try (ThreadContext.StoredContext ignored = threadPool.getThreadContext().stashContext()) {
            if (StateIndex.delete(client, DOC_PREFIX + name) == false) throw notFound(name);
        }
    }

    static ResourceNotFoundException notFound(String name) {
        return new ResourceNotFoundException("no collector named [" + name + "]");
    }

    private Stored load(String name) {
        Map<String, Object> doc = StateIndex.get(client, DOC_PREFIX + name);
        return doc == null ? null : stored(doc);
    }

    private Map<String, Stored> all() {
        Map<String, Stored> out = new TreeMap<>();
        for (Map<String, Object> doc : StateIndex.ofKind(client, KIND)) {
            Stored s = stored(doc);
            out.put(s.config.name(), s);
        }
        return out;
    }

    /**
     * Configuration and status are stored as JSON texts, not as objects: the state index is dynamically mapped and
     * shared with retention, and a group given by id in one collector and by path in another would otherwise be a
     * mapping conflict.
     */
    @SuppressWarnings("unchecked")
    private static Stored stored(Map<String, Object> doc) {
        String name = (String) doc.get("name");
        Map<String, Object> config =
                (Map<String, Object>) JsonText.parse("collector", "config", (String) doc.get("config"));
        Object status = doc.get("status");
        return new Stored(
                CollectorConfig.parse(name, config),
                status == null
                        ? null
                        : CollectorStatus.fromStored(
                                (Map<?, ?>) JsonText.parse("collector", "status", (String) status)));
    }

    private void saveStatus(String name, CollectorStatus status) {
        try {
            client.prepareUpdate(IndexNames.STATE, DOC_PREFIX + name)
                    .setDoc(Map.of("status", status.toStoredJson()))
                    .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE)
                    .get();
        } catch (DocumentMissingException | IndexNotFoundException e) {
            // deleted while it was polled: do not bring it back
        }
    }

    /** Why a collector's token may not be sent to a URL, and what the operator can do about it. */
    record Refusal(String message, String hint) {}

    /**
     * Whether the collector's token may be sent to {@code url}: never over plain http to anything but loopback; only
     * to the origin set beside it in the keystore ({@code devops_audit.collector.<name>.host}); else only to the
     * origin it was first sent to. With {@code bind}, a token not yet bound (new, or replaced in the keystore: its
     * digest differs) is bound to {@code url}'s origin before it is sent. Runs as the node.
     * @return {@code null} when it may
     */
    Refusal refusal(String name, String url, String token, boolean bind) {
        try {
            TokenDestination.requireSecureTransport(url);
        } catch (IllegalArgumentException e) {
            return new Refusal(e.getMessage(), "nothing is sent until [url] is an https:// address");
        }
        String origin = TokenDestination.origin(url);
        String pinned = tokens.host(name);
        String replace = "bin/opensearch-keystore add " + CollectorTokens.key(name)
                + " on every cluster-manager-eligible node, then POST _nodes/reload_secure_settings";
        if (pinned != null) {
            String pinnedOrigin;
            try {
                pinnedOrigin = TokenDestination.origin(pinned);
            } catch (IllegalArgumentException e) {
                return new Refusal(
                        "[" + CollectorTokens.hostKey(name) + "] in the keystore is not an http(s) origin such as "
                                + "https://gitlab.example.com",
                        "correct it in the keystore; the token is sent nowhere until then");
            }
            if (pinnedOrigin.equals(origin)) return null;
            return new Refusal(
                    "the token of collector [" + name + "] may only be sent to [" + pinnedOrigin + "], set in the "
                            + "keystore as [" + CollectorTokens.hostKey(name) + "]; it is not sent to [" + origin + "]",
                    "point [url] back at [" + pinnedOrigin + "], or change [" + CollectorTokens.hostKey(name)
                            + "] in the keystore of every cluster-manager-eligible node and reload secure settings");
        }
        if (token == null) return null;
        String digest = TokenDestination.digest(token);
        String id = BINDING_PREFIX + name;
        for (int attempt = 0; attempt < 3; attempt++) {
            GetResponse r;
            try {
                r = client.prepareGet(IndexNames.STATE, id).get();
            } catch (IndexNotFoundException e) {
                r = null;
            }
            boolean exists = r != null && r.isExists();
            if (exists && digest.equals(r.getSourceAsMap().get("token_sha256"))) {
                String bound = (String) r.getSourceAsMap().get("origin");
                if (bound.equals(origin)) return null;
                return new Refusal(
                        "the token of collector [" + name + "] is bound to [" + bound + "], where it was first sent; "
                                + "it is not sent to [" + origin + "]",
                        "point [url] back at [" + bound + "], or, to collect from [" + origin + "], replace the "
                                + "token: " + replace);
            }
            if (bind == false) return null;
            StateIndex.ensure(client, clusterService);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("kind", BINDING_KIND);
            doc.put("name", name);
            doc.put("token_sha256", digest);
            doc.put("origin", origin);
            doc.put("bound_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            var write = client.prepareIndex(IndexNames.STATE)
                    .setId(id)
                    .setSource(doc)
                    .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
            if (exists) {
                write.setIfSeqNo(r.getSeqNo()).setIfPrimaryTerm(r.getPrimaryTerm());
            } else {
                write.setCreate(true);
            }
            try {
                write.get();
                logger.info("collector [{}]: its token is now bound to [{}]", name, origin);
                return null;
            } catch (RuntimeException e) {
                // bound meanwhile by another poll: read that binding
                if (ExceptionsHelper.unwrapCause(e) instanceof VersionConflictEngineException == false) throw e;
            }
        }
        return new Refusal(
                "the token of collector [" + name + "] could not be bound to [" + origin + "]",
                "the next poll tries again");
    }

    // ---- polling ---------------------------------------------------------------------------------------------------

    private HttpClient http() {
        if (http == null) {
            synchronized (this) {
                if (http == null) http = GitlabClient.newHttpClient(httpExecutor);
            }
        }
        return http;
    }

    /**
     * Polls one collector now, as the node, and returns its new status. One poll of a collector at a time on this node:
     * a manual run waits for a scheduled one to end (up to ten minutes).
     */
    public CollectorStatus poll(String name, String trigger) throws InterruptedException {
        ReentrantLock lock = locks.computeIfAbsent(name, n -> new ReentrantLock());
        if (lock.tryLock(10, TimeUnit.MINUTES) == false) {
            throw new IllegalStateException("collector [" + name + "] is still polling; try again later");
        }
        try (ThreadContext.StoredContext ignored = threadPool.getThreadContext().stashContext()) {
            Stored s = load(name);
            if (s == null) throw notFound(name);
            // GET _collectors/<name> shows that a poll is under way (a _run that answered "running" points there);
            // the poll's own status, written at its end, has no polling_since
            CollectorStatus before = s.status == null ? CollectorStatus.NEVER_POLLED : s.status;
            saveStatus(name, before.polling(Instant.now().truncatedTo(ChronoUnit.SECONDS), trigger, before.scopes()));
            CollectorStatus status = pollStored(s.config, before, trigger);
            saveStatus(name, status);
            health.write(HealthRecords.collectorPoll(name, s.status == null ? null : s.status.toMap(), status.toMap()));
            return status;
        } finally {
            lock.unlock();
        }
    }

    private CollectorStatus pollStored(CollectorConfig c, CollectorStatus before, String trigger)
            throws InterruptedException {
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long generation = tokens.generation();
        String token = tokens.get(c.name());
        Map<String, CollectorStatus.ScopeStatus> rows = new LinkedHashMap<>();
        if (before.scopes() != null) {
            for (CollectorStatus.ScopeStatus row : before.scopes()) rows.put(row.scope(), row);
        }
        CollectorStatus.PollError error = null;
        Refusal refused = null;
        PollCounts[] poll = {PollCounts.NONE};
        List<CollectorStatus.ScopeStatus> scopes = new ArrayList<>();
        Long requests = null;
        Long retries = null;
        if (token == null) {
            error = error(
                    null,
                    null,
                    "no token: [" + CollectorTokens.key(c.name()) + "] is not in the keystore of node ["
                            + clusterService.localNode().getName() + "]",
                    "add it with bin/opensearch-keystore add " + CollectorTokens.key(c.name())
                            + " on every cluster-manager-eligible node, then POST _nodes/reload_secure_settings; "
                            + "nothing is polled until then");
        } else if (pipelineInstalled() == false) {
            error = error(
                    null,
                    null,
                    "the [" + IndexNames.PIPELINE + "] ingest pipeline is not installed",
                    "run PUT /_plugins/devops_audit/_setup first; nothing is polled until then");
        } else if ((refused = refusal(c.name(), c.url(), token, true)) != null) {
            error = error(null, null, refused.message(), refused.hint());
        } else {
            GitlabClient gitlab = new GitlabClient(
                    http(),
                    permits,
                    MAX_RETRIES,
                    BACKOFF_MS,
                    (ms, httpStatus) -> Thread.sleep(ms),
                    GitlabClient.Advice.COLLECTOR);
            for (CollectorConfig.Scope scope : c.scopes()) {
                CollectorStatus.ScopeStatus[] row = {
                    rows.getOrDefault(scope.key(), CollectorStatus.ScopeStatus.of(scope.key()))
                            .withLastError(null)
                };
                // after each complete window of a backfill, its checkpoint is saved at once: a cluster-manager lost in
                // the middle of a long backfill leaves its successor the windows already stored
                List<CollectorStatus.ScopeStatus> done = List.copyOf(scopes);
                Runnable progress = () -> {
                    List<CollectorStatus.ScopeStatus> list = new ArrayList<>(done);
                    list.add(row[0]);
                    rows.forEach((key, old) -> {
                        if (list.stream().noneMatch(r -> key.equals(r.scope()))) list.add(old);
                    });
                    saveStatus(c.name(), before.polling(started, trigger, list));
                };
                try {
                    pollScope(c, scope, token, gitlab, row, poll, started, progress);
                } catch (GitlabApiException e) {
                    error = error(scope.key(), e.status() == 0 ? null : e.status(), e.gitlabMessage(), e.hint());
                    row[0] = row[0].withLastError(error);
                } catch (RuntimeException e) {
                    // a cluster-side failure (bulk refused, pipeline missing): the scope's checkpoint stays
                    error = error(
                            scope.key(), null, e.getMessage(), "the checkpoint was kept: the next poll fetches again");
                    row[0] = row[0].withLastError(error);
                    logger.warn("collector [" + c.name() + "] scope [" + scope.key() + "] failed", e);
                }
                scopes.add(row[0]);
            }
            requests = gitlab.requests;
            retries = gitlab.retries;
        }
        if (requests == null) {
            // the poll stopped before GitLab (no token, no pipeline, a refused host): the scopes keep their rows
            for (CollectorConfig.Scope scope : c.scopes()) {
                scopes.add(rows.getOrDefault(scope.key(), CollectorStatus.ScopeStatus.of(scope.key())));
            }
        }
        CollectorStatus.State state = token == null
                ? CollectorStatus.State.MISSING_TOKEN
                : refused != null
                        ? CollectorStatus.State.HOST_REFUSED
                        : error == null ? CollectorStatus.State.OK : CollectorStatus.State.ERROR;
        PollCounts totals = (before.totals() == null ? PollCounts.NONE : before.totals()).plus(poll[0]);
        if (error != null) {
            // GitLab's words and the scope, never the token (it is in no URL and no message)
            logger.warn("collector [{}] poll failed: {}", c.name(), error);
        }
        return new CollectorStatus(
                state,
                trigger,
                clusterService.localNode().getName(),
                started,
                error == null ? started : before.lastSuccess(),
                started.plusMillis(c.interval().millis()),
                poll[0],
                totals,
                requests,
                retries,
                scopes,
                error != null ? error : before.lastError(),
                generation,
                null,
                null);
    }

    private static CollectorStatus.PollError error(String scope, Integer httpStatus, String message, String hint) {
        return new CollectorStatus.PollError(
                Instant.now().truncatedTo(ChronoUnit.SECONDS), scope, httpStatus, message, hint);
    }

    private boolean pipelineInstalled() {
        return client.admin()
                .cluster()
                .prepareGetPipeline(IndexNames.PIPELINE)
                .get()
                .isFound();
    }

    /**
     * Fetches one scope from its checkpoint (minus the overlap) up to now, window by window. GitLab answers newest
     * first, so a window's events are all stored before its end becomes the checkpoint: a failure in the middle of a
     * window leaves the checkpoint where it was, and the next poll fetches the window again (duplicates collapse).
     */
    private void pollScope(
            CollectorConfig c,
            CollectorConfig.Scope scope,
            String token,
            GitlabClient gitlab,
            CollectorStatus.ScopeStatus[] row,
            PollCounts[] poll,
            Instant now,
            Runnable progress)
            throws GitlabApiException, InterruptedException {
        Instant checkpoint = row[0].checkpoint();
        Instant from = checkpoint == null ? c.since() : checkpoint.minus(OVERLAP);
        if (from.isBefore(c.since())) from = c.since();
        PollCounts counts = PollCounts.NONE;
        int bulkSize = clusterService.getClusterSettings().get(IntakeSettings.BULK_SIZE);
        long pages = 0;
        while (true) {
            Instant to = from.plus(WINDOW).isBefore(now) ? from.plus(WINDOW) : null;
            String first = GitlabClient.firstPage(c.url(), scope, from, to);
            BulkIntake intake =
                    new BulkIntake(client, clusterService, IndexNames.PIPELINE, c.instance(), bulkSize, raw -> {
                        String why = engine.simulate(raw, c.instance()).error();
                        return why == null ? "the pipeline failed" : why;
                    });
            long[] n = {0};
            long[] skipped = {0};
            pages += gitlab.forEachPage(c.url(), first, token, page -> {
                for (JsonNode item : page.items()) {
                    n[0]++;
                    if (c.wanted(eventName(item)) == false) {
                        skipped[0]++;
                        continue;
                    }
                    intake.add(new RawRecords.Record(n[0], item.toString()));
                }
            });
            intake.flush();
            counts = counts.plusFetched(n[0], skipped[0]).plus(intake.counts());
            // everything up to the window's end is stored: that is the checkpoint now
            Instant end = to == null ? now : to;
            row[0] = row[0].withCheckpoint(end);
            if (to == null) break;
            progress.run();
            from = to.minusSeconds(1); // windows overlap by a second: GitLab's bounds are inclusive, so none is lost
        }
        poll[0] = poll[0].plus(counts);
        String note = checkpoint == null && counts.fetched() == 0
                ? "GitLab returned no events since [" + c.since() + "]: if there should be some, the token's "
                        + "user may lack the rights to see them (instance events need an administrator, group and project "
                        + "events the Owner role)"
                : null;
        row[0] = row[0].polled(counts, pages, note);
    }

    /** The event's name: the API object's {@code event_name}, or the one in its details (older GitLab versions). */
    private static String eventName(JsonNode item) {
        JsonNode name = item.get("event_name");
        if (name == null || name.isTextual() == false) {
            JsonNode details = item.get("details");
            name = details == null ? null : details.get("event_name");
        }
        return name != null && name.isTextual() ? name.asText() : null;
    }
}
