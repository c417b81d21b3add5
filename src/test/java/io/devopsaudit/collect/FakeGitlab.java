/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.opensearch.common.SuppressForbidden;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A GitLab Audit Events API on 127.0.0.1 for the tests: {@code /api/v4/audit_events} (every event),
 * {@code /api/v4/groups/<id or url-encoded path>/audit_events} (the group's own events) and
 * {@code /api/v4/projects/<id or path>/audit_events}, with GitLab's offset pagination ({@code page}, {@code per_page} up
 * to 100, {@code X-Page}, {@code X-Per-Page}, {@code X-Total}, {@code X-Total-Pages}, {@code X-Next-Page} and a
 * {@code Link} header with next/prev/first/last), inclusive {@code created_after}/{@code created_before}, newest
 * first, a {@code PRIVATE-TOKEN} check answering GitLab's 401, and injected faults: every n-th request a 429 with
 * {@code Retry-After: 1} or a 500. Links point at {@link #externalUrl}, as a GitLab whose {@code external_url} differs
 * from the address the collector uses would send them.
 */
@SuppressForbidden(
        reason =
                "com.sun.net.httpserver is the JDK's exported, supported HTTP server (module jdk.httpserver): the fake GitLab")
public final class FakeGitlab implements AutoCloseable {
    public static final String GROUP = "acme";
    public static final long GROUP_ID = 42;
    public static final String PROJECT = "acme/web";
    public static final long PROJECT_ID = 7;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One audit event; {@code entityType} is Group (of acme), Project (acme/web) or User (instance-level only). */
    public record Event(long id, Instant createdAt, String entityType, String eventName) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<Event> events = new CopyOnWriteArrayList<>();
    public volatile String token;
    public volatile int every429;
    public volatile int every500;
    public volatile Set<String> forbidden = Set.of();
    public volatile String externalUrl;
    public final AtomicInteger requests = new AtomicInteger();
    public final AtomicInteger served429 = new AtomicInteger();
    public final AtomicInteger served500 = new AtomicInteger();
    public final AtomicInteger served200 = new AtomicInteger();
    public final List<String> tokensSeen = new CopyOnWriteArrayList<>();
    /** The {@code created_after} of every answered request, in order. */
    public final List<String> createdAfterSeen = new CopyOnWriteArrayList<>();
    /** How long each answer takes, to make a poll slow enough to interrupt. */
    public volatile long delayMs;

    public FakeGitlab(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v4/", this::handle);
        server.setExecutor(executor);
        server.start();
        externalUrl = url();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Adds {@code n} events of each kind at {@code at} minus 1..n seconds, with ids from {@code firstId}. */
    public void add(long firstId, int groupEvents, int projectEvents, int userEvents, Instant at) {
        long id = firstId;
        int s = 0;
        for (int i = 0; i < groupEvents; i++)
            events.add(new Event(id++, at.minusSeconds(++s), "Group", "member_updated"));
        for (int i = 0; i < projectEvents; i++)
            events.add(new Event(id++, at.minusSeconds(++s), "Project", "repository_git_operation"));
        for (int i = 0; i < userEvents; i++)
            events.add(new Event(id++, at.minusSeconds(++s), "User", "user_email_changed"));
    }

    public int size() {
        return events.size();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            int n = requests.incrementAndGet();
            tokensSeen.add(String.valueOf(x.getRequestHeaders().getFirst("PRIVATE-TOKEN")));
            if (token == null || token.equals(x.getRequestHeaders().getFirst("PRIVATE-TOKEN")) == false) {
                send(x, 401, Map.of("message", "401 Unauthorized"));
                return;
            }
            if (every429 > 0 && n % every429 == 0) {
                served429.incrementAndGet();
                x.getResponseHeaders().add("Retry-After", "1");
                send(x, 429, Map.of("message", "Retry later"));
                return;
            }
            if (every500 > 0 && n % every500 == 0) {
                served500.incrementAndGet();
                send(x, 500, Map.of("message", "500 Internal Server Error"));
                return;
            }
            String path = x.getRequestURI().getRawPath().substring("/api/v4".length());
            String[] parts = path.split("/");
            String entityType;
            if (path.equals("/audit_events")) {
                entityType = null;
            } else if (parts.length == 4 && parts[3].equals("audit_events")) {
                String id = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
                boolean group = parts[1].equals("groups");
                boolean known = group
                        ? id.equals(GROUP) || id.equals(Long.toString(GROUP_ID))
                        : parts[1].equals("projects") && (id.equals(PROJECT) || id.equals(Long.toString(PROJECT_ID)));
                if (known == false) {
                    send(x, 404, Map.of("message", group ? "404 Group Not Found" : "404 Project Not Found"));
                    return;
                }
                if (forbidden.contains(id)) {
                    send(x, 403, Map.of("message", "403 Forbidden"));
                    return;
                }
                entityType = group ? "Group" : "Project";
            } else {
                send(x, 404, Map.of("error", "404 Not Found"));
                return;
            }
            Map<String, String> q = query(x.getRequestURI().getRawQuery());
            createdAfterSeen.add(q.getOrDefault("created_after", ""));
            if (delayMs > 0) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Instant after = q.containsKey("created_after") ? Instant.parse(q.get("created_after")) : Instant.EPOCH;
            Instant before = q.containsKey("created_before") ? Instant.parse(q.get("created_before")) : Instant.MAX;
            int perPage = Math.min(100, Integer.parseInt(q.getOrDefault("per_page", "20")));
            int page = Integer.parseInt(q.getOrDefault("page", "1"));
            List<Event> matching = events.stream()
                    .filter(e -> entityType == null || e.entityType.equals(entityType))
                    .filter(e -> e.createdAt.isBefore(after) == false && e.createdAt.isAfter(before) == false)
                    .sorted(Comparator.comparing(Event::createdAt)
                            .thenComparing(Event::id)
                            .reversed())
                    .toList();
            int total = matching.size();
            int pages = Math.max(1, (total + perPage - 1) / perPage);
            List<Map<String, Object>> body = new ArrayList<>();
            for (Event e : matching.subList(Math.min(total, (page - 1) * perPage), Math.min(total, page * perPage))) {
                body.add(object(e));
            }
            var h = x.getResponseHeaders();
            h.add("X-Page", Integer.toString(page));
            h.add("X-Per-Page", Integer.toString(perPage));
            h.add("X-Total", Integer.toString(total));
            h.add("X-Total-Pages", Integer.toString(pages));
            h.add("X-Next-Page", page < pages ? Integer.toString(page + 1) : "");
            h.add("X-Prev-Page", page > 1 ? Integer.toString(page - 1) : "");
            List<String> links = new ArrayList<>();
            if (page > 1) links.add(link(x, q, page - 1, "prev"));
            if (page < pages) links.add(link(x, q, page + 1, "next"));
            links.add(link(x, q, 1, "first"));
            links.add(link(x, q, pages, "last"));
            h.add("Link", String.join(", ", links));
            served200.incrementAndGet();
            send(x, 200, body);
        }
    }

    private String link(HttpExchange x, Map<String, String> q, int page, String rel) {
        Map<String, String> params = new LinkedHashMap<>(q);
        params.put("page", Integer.toString(page));
        StringBuilder s = new StringBuilder(externalUrl)
                .append(x.getRequestURI().getRawPath())
                .append('?');
        params.forEach((k, v) -> s.append(k)
                .append('=')
                .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8))
                .append('&'));
        s.setLength(s.length() - 1);
        return "<" + s + ">; rel=\"" + rel + "\"";
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) return out;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            out.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** An API object like GitLab's (see src/test/resources/golden/gitlab_api). */
    static Map<String, Object> object(Event e) {
        long entityId =
                e.entityType.equals("Group") ? GROUP_ID : e.entityType.equals("Project") ? PROJECT_ID : 1000 + e.id % 5;
        String path =
                e.entityType.equals("Group") ? GROUP : e.entityType.equals("Project") ? PROJECT : "user" + entityId;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("event_name", e.eventName);
        details.put("custom_message", "fake event " + e.id);
        details.put("author_name", "alice");
        details.put("author_class", "User");
        details.put("target_id", entityId);
        details.put("target_type", e.entityType);
        details.put("target_details", path);
        details.put("ip_address", "198.51.100.7");
        details.put("entity_path", path);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", e.id);
        o.put("author_id", 9);
        o.put("entity_id", entityId);
        o.put("entity_type", e.entityType);
        o.put("event_name", e.eventName);
        o.put("details", details);
        o.put("created_at", e.createdAt.toString());
        return o;
    }

    private static void send(HttpExchange x, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        executor.shutdown();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }
}
