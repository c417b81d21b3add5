/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devopsaudit.parse.JsonText;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * GET requests to GitLab's REST API with the JDK's HTTP client: the token as {@code PRIVATE-TOKEN}, a JSON array of
 * objects per page and the next page from the {@code Link} header. Waits through what waiting can fix: 429 for
 * {@code Retry-After} seconds (or the backoff when it is absent), 5xx, timeouts and refused connections with
 * exponential backoff and full jitter, a bounded number of times. Everything else becomes a
 * {@link GitlabApiException} with GitLab's message and what to check. Every request holds one permit of a semaphore
 * shared by all collectors of the node, which bounds the concurrent calls to GitLab.
 */
final class GitlabClient {
    /** One page: its objects (as received) and the next page's URI, or {@code null}. */
    record Page(List<JsonNode> items, String next) {}

    /** What is done with each page fetched. */
    interface PageHandler<E extends Exception> {
        void accept(Page page) throws E, InterruptedException;
    }

    /**
     * Waiting before a retry, told the HTTP status that caused it (0: no answer): injectable so unit tests of the retry
     * rules do not sleep, and so the backfill command can say why it waits.
     */
    interface Sleeper {
        void sleep(long millis, int status) throws InterruptedException;
    }

    /** The largest page GitLab's API serves. */
    static final int PER_PAGE = 100;

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** GitLab.com allows 400 audit-event requests a minute; a Retry-After beyond this is capped (and logged in status). */
    static final long MAX_WAIT_MS = 120_000;

    private static final ObjectMapper JSON = JsonText.boundedMapper(JsonText.MAX_DEPTH + 1);

    private final HttpClient http;
    private final Semaphore permits;
    private final int maxRetries;
    private final long backoffMs;
    private final Sleeper sleeper;
    private final Advice advice;
    /** Requests made and retries waited, for status. */
    long requests;

    long retries;

    GitlabClient(HttpClient http, Semaphore permits, int maxRetries, long backoffMs, Sleeper sleeper, Advice advice) {
        this.http = http;
        this.permits = permits;
        this.maxRetries = maxRetries;
        this.backoffMs = backoffMs;
        this.sleeper = sleeper;
        this.advice = advice;
    }

    static HttpClient newHttpClient() {
        return builder().build();
    }

    static HttpClient newHttpClient(java.util.concurrent.Executor executor) {
        return builder().executor(executor).build();
    }

    private static HttpClient.Builder builder() {
        // never follow redirects: a redirect to another host would carry the PRIVATE-TOKEN header there
        return HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER);
    }

    /**
     * The first page of a scope's audit events created in {@code [createdAfter, createdBefore]} (GitLab's bounds are
     * inclusive), newest first; either bound may be {@code null}. Bounds are sent to the second.
     */
    static String firstPage(String origin, CollectorConfig.Scope scope, Instant createdAfter, Instant createdBefore) {
        return origin + "/api/v4" + scope.apiPath() + "?per_page=" + PER_PAGE
                + (createdAfter == null ? "" : "&created_after=" + queryValue(createdAfter))
                + (createdBefore == null ? "" : "&created_before=" + queryValue(createdBefore));
    }

    private static String queryValue(Instant t) {
        return URLEncoder.encode(t.truncatedTo(ChronoUnit.SECONDS).toString(), StandardCharsets.UTF_8);
    }

    /**
     * Fetches every page from {@code first} to the last and hands each to {@code handler} before fetching the next.
     * @return how many pages were fetched
     */
    <E extends Exception> long forEachPage(String origin, String first, String token, PageHandler<E> handler)
            throws GitlabApiException, InterruptedException, E {
        long pages = 0;
        for (String uri = first; uri != null; ) {
            Page page = get(origin, uri, token);
            pages++;
            handler.accept(page);
            uri = page.next();
        }
        return pages;
    }

    /**
     * Fetches one page. {@code origin} is the configured instance URL: the next page's path and query are taken from
     * GitLab's link but always sent to that origin, so a GitLab whose {@code external_url} differs from the address
     * the collector uses still pages, and a link can never send the token to another host.
     */
    Page get(String origin, String uri, String token) throws GitlabApiException, InterruptedException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(uri))
                    .timeout(REQUEST_TIMEOUT)
                    .header("PRIVATE-TOKEN", token)
                    .header("Accept", "application/json")
                    .GET()
                    .build();
        } catch (IllegalArgumentException e) {
            // the JDK's message may quote the offending header value: it is replaced, never passed on
            throw new GitlabApiException(
                    0,
                    "the request to " + origin
                            + " could not be built: the token holds characters an HTTP header cannot "
                            + "carry, or the address is malformed",
                    "put the token into the keystore again without spaces or line breaks; check [url]");
        }
        String path = URI.create(uri).getRawPath();
        for (int attempt = 0; ; attempt++) {
            HttpResponse<byte[]> response;
            permits.acquire();
            try {
                requests++;
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                // timeouts, refused or reset connections: GitLab may be restarting
                if (attempt >= maxRetries) {
                    throw new GitlabApiException(
                            0,
                            "no answer from " + origin + path + " after " + (attempt + 1) + " attempts ("
                                    + e.getClass().getSimpleName() + ")",
                            hint(0));
                }
                retries++;
                sleeper.sleep(backoff(attempt), 0);
                continue;
            } finally {
                permits.release();
            }
            int status = response.statusCode();
            if (status == 200) {
                return new Page(items(origin + path, response.body()), nextPage(origin, response));
            }
            if ((status == 429 || status >= 500) && attempt < maxRetries) {
                retries++;
                long wait = status == 429 ? retryAfter(response, attempt) : backoff(attempt);
                sleeper.sleep(wait, status);
                continue;
            }
            throw new GitlabApiException(status, message(response), hint(status));
        }
    }

    /** Full jitter: a uniform wait between 0 and base·2^attempt, which spreads retries of several collectors apart. */
    long backoff(int attempt) {
        long cap = Math.min(MAX_WAIT_MS, backoffMs << Math.min(attempt, 16));
        return ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
    }

    /** {@code Retry-After} in seconds or as an HTTP date; without one, the backoff. */
    long retryAfter(HttpResponse<?> response, int attempt) {
        String value = response.headers().firstValue("Retry-After").orElse(null);
        if (value != null) {
            try {
                return Math.min(MAX_WAIT_MS, Math.max(0, Long.parseLong(value.trim()) * 1000));
            } catch (NumberFormatException e) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                    return Math.min(
                            MAX_WAIT_MS, Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis()));
                } catch (DateTimeParseException ignored) {
                    // an unreadable Retry-After: back off as for a 5xx
                }
            }
        }
        return backoff(attempt);
    }

    private static String nextPage(String origin, HttpResponse<?> response) {
        String next = LinkHeader.next(response.headers().allValues("Link"));
        if (next == null) return null;
        URI link = URI.create(next);
        URI base = URI.create(origin);
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        String linkPath = link.getRawPath();
        // GitLab under a relative root (https://host/gitlab) links to /gitlab/api/v4/...; keep the path as linked
        String pathOnly = linkPath.startsWith(basePath) ? linkPath.substring(basePath.length()) : linkPath;
        return origin + pathOnly + (link.getRawQuery() == null ? "" : "?" + link.getRawQuery());
    }

    private static List<JsonNode> items(String where, byte[] body) throws GitlabApiException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException j && j.getLocation() != null
                    ? " at offset " + j.getLocation().getCharOffset()
                    : "";
            throw new GitlabApiException(
                    200,
                    where + " answered with a body that is not JSON" + detail,
                    "check that [url] points to GitLab itself, not a login page or proxy");
        }
        if (root == null || root.isArray() == false) {
            throw new GitlabApiException(
                    200,
                    where + " answered with JSON that is not an array of audit events",
                    "check that [url] points to GitLab itself");
        }
        List<JsonNode> out = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            if (root.get(i).isObject() == false) {
                throw new GitlabApiException(
                        200, where + " element " + i + " is not a JSON object", "check that [url] points to GitLab");
            }
            out.add(root.get(i));
        }
        return out;
    }

    /** GitLab's own words: {@code {"message": ...}} or {@code {"error": ...}}, else the start of the body. */
    static String message(HttpResponse<byte[]> response) {
        byte[] body = response.body();
        try {
            JsonNode root = JSON.readTree(body);
            if (root != null && root.isObject()) {
                for (String key : List.of("message", "error", "error_description")) {
                    JsonNode v = root.get(key);
                    if (v != null && v.isNull() == false) return v.isTextual() ? v.asText() : v.toString();
                }
            }
        } catch (IOException e) {
            // not JSON: the text itself
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) return "(empty body)";
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    /**
     * The part of a hint that depends on who calls: where a new token goes, and what to do when GitLab cannot be
     * reached or keeps refusing for now. GitLab's side of each hint is the same for everyone.
     */
    record Advice(String newToken, String unreachable, String rateLimited, String failing) {
        /** The in-cluster collectors: the token is in the keystore, and the next poll starts from the checkpoint. */
        static final Advice COLLECTOR = new Advice(
                "put a valid personal, group or project access token with the read_api scope into the keystore and "
                        + "reload secure settings",
                "check that [url] is the GitLab instance's address and that the cluster-manager nodes can reach it",
                "lengthen [interval]",
                "check its health; the next poll starts again from the checkpoint");
        /** The one-shot backfill command: the token is in a file, and a rerun stores nothing twice. */
        static final Advice COMMAND = new Advice(
                "put a valid personal, group or project access token with the read_api scope into the --token-file",
                "check that --url is the GitLab instance's address and that this machine can reach it",
                "run the command again later (what was imported is not stored twice)",
                "check its health and run the command again (what was imported is not stored twice)");
    }

    String hint(int status) {
        return switch (status) {
            case 0 -> advice.unreachable();
            case 401 -> "the token is wrong, expired or revoked: " + advice.newToken();
            case 403 -> "audit events need GitLab Premium or Ultimate (check the license tier); instance events need "
                    + "an administrator's token, group and project events a token of a user with the Owner role "
                    + "(a project's also Maintainer), with the read_api scope";
            case 404 -> "the group or project does not exist, or the token's user cannot see it: check the id or full "
                    + "path and the token's rights";
            case 429 -> "GitLab kept answering 429 (GitLab.com allows 400 audit-event requests a minute): "
                    + advice.rateLimited();
            default -> status >= 500
                    ? "GitLab kept failing: " + advice.failing()
                    : "check the GitLab address and the scopes";
        };
    }
}
