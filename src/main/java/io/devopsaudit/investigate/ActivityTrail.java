/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.content.SetupService;
import io.devopsaudit.schema.IndexNames;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchException;
import org.opensearch.ResourceAlreadyExistsException;
import org.opensearch.action.DocWriteRequest;
import org.opensearch.cluster.metadata.Metadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The investigation trail: every access report, context lookup and export — answered, or refused as a bad request —
 * leaves one record in {@code devops-audit-activity-<yyyy.MM>}: when, who (the user the Security plugin
 * authenticated), which action, the parameters as given, how many events or rows were handed over, the outcome, and
 * for an export the SHA-256 of the exact body sent. The record is written by the plugin as the node (the caller may
 * neither write nor delete the trail) and before the answer is sent: when it cannot be written, the caller gets an
 * error instead of the answer, so nothing is handed over without its record (docs/investigation.md).
 */
public final class ActivityTrail {
    /**
     * Where the Security plugin leaves the authenticated user for other plugins, as
     * {@code name|backend roles|roles|tenant...} (a '|' in a name escaped as '\|'). Only the Security plugin sets
     * transients; a request's headers cannot.
     */
    public static final String SECURITY_USER_INFO = "_opendistro_security_user_info";

    public static final String REPORT = "access_report";
    public static final String CONTEXT = "context";
    public static final String EXPORT = "export";

    /** Longer parameter texts are cut here (and the record says so): a body may be large. */
    static final int MAX_PARAMETERS = 16_384;

    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy.MM", Locale.ROOT);

    /** What an answered call handed over: the answer, how many events and rows, and an export's digest and size. */
    public record Outcome<T>(T response, long events, long rows, String sha256, Long bytes) {}

    @FunctionalInterface
    public interface Work<T> {
        Outcome<T> run() throws Exception;
    }

    private final Client client;
    private final ThreadPool threadPool;
    private final ClusterService clusterService;

    public ActivityTrail(Client client, ThreadPool threadPool, ClusterService clusterService) {
        this.client = client;
        this.threadPool = threadPool;
        this.clusterService = clusterService;
    }

    /**
     * Runs an investigation and records it. The caller is read from the thread context before anything else; the
     * work runs as the caller; the record is written as the node.
     */
    public <T> T record(String action, InvestigationRequest request, Work<T> work) throws Exception {
        String user = user(threadPool.getThreadContext());
        Instant at = Instant.now();
        Outcome<T> outcome;
        try {
            outcome = work.run();
        } catch (Exception e) {
            try {
                write(at, document(at, user, action, request, null, e));
            } catch (Exception unwritten) {
                e.addSuppressed(unwritten);
            }
            throw e;
        }
        try {
            write(at, document(at, user, action, request, outcome, null));
        } catch (Exception e) {
            throw new IllegalStateException(
                    "the " + action + " was not answered: its record could not be written to the investigation trail ["
                            + index(at) + "]",
                    e);
        }
        return outcome.response();
    }

    /** The authenticated user's name from the Security plugin's thread context; {@code null} without Security. */
    public static String user(ThreadContext context) {
        Object info = context.getTransient(SECURITY_USER_INFO);
        if (info instanceof String s && s.isEmpty() == false) {
            StringBuilder name = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '|') {
                    name.append('|');
                    i++;
                } else if (c == '|') {
                    break;
                } else {
                    name.append(c);
                }
            }
            return name.length() == 0 ? null : name.toString();
        }
        return null;
    }

    static String index(Instant at) {
        return IndexNames.ACTIVITY_PREFIX + MONTH.format(at.atZone(ZoneOffset.UTC));
    }

    static Map<String, Object> document(
            Instant at, String user, String action, InvestigationRequest request, Outcome<?> outcome, Exception error) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("@timestamp", at.toString());
        if (user != null) doc.put("user", Map.of("name", user));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("kind", "event");
        event.put("action", action);
        event.put("outcome", error == null ? "success" : "failure");
        doc.put("event", event);
        Map<String, Object> investigation = new LinkedHashMap<>();
        String parameters = json(request.given());
        if (parameters.length() > MAX_PARAMETERS) {
            parameters = parameters.substring(0, MAX_PARAMETERS);
            investigation.put("parameters_truncated", true);
        }
        investigation.put("parameters", parameters);
        if (outcome != null) {
            investigation.put("events", outcome.events());
            investigation.put("rows", outcome.rows());
        }
        doc.put("investigation", investigation);
        if (outcome != null && outcome.sha256() != null) {
            doc.put("file", Map.of("hash", Map.of("sha256", outcome.sha256()), "size", outcome.bytes()));
        }
        if (error != null) {
            Throwable cause = ExceptionsHelper.unwrapCause(error);
            doc.put(
                    "error",
                    Map.of(
                            "type", OpenSearchException.getExceptionName(cause),
                            "message", String.valueOf(cause.getMessage())));
            doc.put(
                    "http",
                    Map.of(
                            "response",
                            Map.of("status_code", ExceptionsHelper.status(cause).getStatus())));
        }
        return doc;
    }

    private static String json(Map<String, Object> map) {
        try (XContentBuilder b = JsonXContent.contentBuilder()) {
            b.map(map);
            return b.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As the node: the trail is the plugin's own record, which no shipped role may write. */
    private void write(Instant at, Map<String, Object> doc) {
        String index = index(at);
        try (ThreadContext.StoredContext ignored = threadPool.getThreadContext().stashContext()) {
            ensureIndex(index);
            client.prepareIndex(index)
                    .setOpType(DocWriteRequest.OpType.CREATE)
                    .setSource(doc)
                    .get();
        }
    }

    /**
     * Creates the month's index with the shipped template's settings and mappings, so the trail keeps its mapping
     * whether or not {@code _setup} has installed the template yet.
     */
    @SuppressWarnings("unchecked")
    private void ensureIndex(String index) {
        Metadata metadata = clusterService.state().metadata();
        if (metadata.hasIndex(index)) return;
        var create = client.admin().indices().prepareCreate(index);
        if (metadata.templatesV2().containsKey(IndexNames.ACTIVITY_TEMPLATE) == false) {
            // no _setup yet: the shipped template's own settings and mappings (with it, the installed one applies)
            Map<String, Object> template = (Map<String, Object>)
                    SetupService.resource("activity-template.json").get("template");
            create.setSettings((Map<String, Object>) template.get("settings"))
                    .setMapping((Map<String, Object>) template.get("mappings"));
        }
        try {
            create.get();
        } catch (RuntimeException e) {
            // created meanwhile by another record: fine
            if (ExceptionsHelper.unwrapCause(e) instanceof ResourceAlreadyExistsException == false) throw e;
        }
    }
}
