/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.testdata;

import io.devopsaudit.parse.JsonText;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Deterministic, realistic raw audit events in every wire format, for the dedup proof and the benchmarks. One
 * logical event can be rendered in several formats that carry the same id (GitLab API object, streaming body and
 * newest audit_json.log line; CircleCI JSON object and CSV record), which is what cross-format duplicates are.
 */
public final class AuditEventGenerator {

    /** A logical event and its renderings. */
    public record Event(String provider, String key, List<String> renderings) {}

    private static final String[] USERS = {
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "mallory", "trent"
    };
    private static final String[] PROJECTS = {
        "acme/web", "acme/api", "acme/infra", "acme/mobile", "acme/data/pipeline", "beta/site"
    };
    private static final String[] GITLAB_ACTIONS = {
        "member_created",
        "member_updated",
        "project_visibility_level_updated",
        "personal_access_token_created",
        "ci_variable_updated",
        "repository_git_operation",
        "project_export_created",
        "deploy_key_added",
        "protected_branch_removed",
        "user_disable_two_factor",
        "login_failed_with_standard_authentication",
        "project_destroyed"
    };
    private static final String[] CIRCLECI_ACTIONS = {
        "context.env_var.store",
        "project.env_var.create",
        "workflow.job.start",
        "workflow.job.finish",
        "user.logged_in",
        "project.settings.update",
        "project.ssh_key.create",
        "schedule.update"
    };

    private final Random random;
    private final Instant start = Instant.parse("2024-01-01T00:00:00Z");

    public AuditEventGenerator(long seed) {
        this.random = new Random(seed);
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private String ip() {
        return random.nextInt(4) == 0 ? "198.51.100." + random.nextInt(255) : "192.0.2." + random.nextInt(255);
    }

    private Instant time() {
        return start.plus(random.nextInt(180 * 24 * 3600), ChronoUnit.SECONDS).plusMillis(random.nextInt(1000));
    }

    /** A GitLab database event (integer id) as API object, streaming body and newest log line. */
    public Event gitlab(long id) {
        String user = pick(USERS);
        int authorId = 100 + random.nextInt(900);
        String project = pick(PROJECTS);
        int projectId = 1000 + project.hashCode() % 1000;
        String action = pick(GITLAB_ACTIONS);
        String created = time().toString();
        String ip = ip();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("event_name", action);
        details.put("author_name", user);
        details.put("author_class", "User");
        details.put("target_id", projectId);
        details.put("target_type", "Project");
        details.put("target_details", project);
        details.put("ip_address", ip);
        details.put("entity_path", project);
        switch (action) {
            case "member_created" -> {
                details.put("add", "user_access");
                details.put("as", random.nextBoolean() ? "Developer" : "Owner");
            }
            case "member_updated" -> {
                details.put("change", "access_level");
                details.put("from", "Developer");
                details.put("to", "Maintainer");
            }
            case "project_visibility_level_updated" -> {
                details.put("change", "visibility_level");
                details.put("from", "Private");
                details.put("to", "Public");
            }
            case "ci_variable_updated" -> {
                details.put("change", "variable protection");
                details.put("from", "true");
                details.put("to", "false");
            }
            case "repository_git_operation" -> details.put(
                    "custom_message", Map.of("protocol", "ssh", "action", "git-upload-pack"));
            default -> details.put("custom_message", "Performed " + action.replace('_', ' ') + " on " + project);
        }
        Map<String, Object> api = new LinkedHashMap<>();
        api.put("id", id);
        api.put("author_id", authorId);
        api.put("entity_id", projectId);
        api.put("entity_type", "Project");
        api.put("event_name", action);
        api.put("details", details);
        api.put("created_at", created);

        Map<String, Object> stream = new LinkedHashMap<>(api);
        stream.put("author_name", user);
        stream.put("entity_path", project);
        stream.put("target_id", projectId);
        stream.put("target_type", "Project");
        stream.put("target_details", project);
        stream.put("ip_address", ip);
        stream.put("event_type", action);

        Map<String, Object> log = new LinkedHashMap<>();
        log.put("severity", "INFO");
        log.put("time", created);
        log.put(
                "correlation_id",
                UUID.nameUUIDFromBytes(("c" + id).getBytes(StandardCharsets.UTF_8))
                        .toString()
                        .replace("-", ""));
        log.put("meta.remote_ip", ip);
        log.put("meta.user", user);
        log.putAll(api);
        log.putAll(details);
        return new Event(
                "gitlab", "gitlab:" + id, List.of(JsonText.write(api), JsonText.write(stream), JsonText.write(log)));
    }

    /** The GitLab UI export header (with Author Email). */
    public static final String GITLAB_CSV_HEADER =
            "ID,Author ID,Author Name,Author Email,Entity ID,Entity Type,Entity Path,Target ID,Target Type,"
                    + "Target Details,Action,IP Address,Created At (UTC)";

    /** A GitLab event as one row of the UI CSV export, with its header line in front (what the processor takes as one record). */
    public String gitlabCsv(long id) {
        String user = pick(USERS);
        String project = pick(PROJECTS);
        String[] actions = {
            "Changed visibility_level from Private to Public",
            "Added user access as Developer",
            "Removed user access",
            "Signed in with STANDARD authentication",
            "Changed access_level from Developer to Maintainer",
            "Created personal access token with id 7"
        };
        return GITLAB_CSV_HEADER + "\n"
                + String.join(
                        ",",
                        Long.toString(id),
                        Integer.toString(100 + random.nextInt(900)),
                        user,
                        user + "@example.com",
                        Integer.toString(1000 + random.nextInt(1000)),
                        "Project",
                        project,
                        Integer.toString(random.nextInt(5000)),
                        "User",
                        pick(USERS),
                        csvCell(pick(actions)),
                        ip(),
                        time().toString());
    }

    /** A GitLab stream-only event delivered {@code deliveries} times, each with a fresh per-delivery UUID id. */
    public Event gitlabStreamOnly(int deliveries) {
        String user = pick(USERS);
        String project = pick(PROJECTS);
        String created = time().toString();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < deliveries; i++) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", new UUID(random.nextLong(), random.nextLong()).toString());
            body.put("author_id", 100 + Math.abs(user.hashCode() % 900));
            body.put("author_name", user);
            body.put("entity_id", 42);
            body.put("entity_type", "Project");
            body.put("entity_path", project);
            body.put("event_type", "repository_git_operation");
            body.put("ip_address", "203.0.113.9");
            body.put("created_at", created);
            body.put(
                    "details",
                    Map.of(
                            "custom_message",
                            Map.of("protocol", "http", "action", "git-upload-pack"),
                            "author_name",
                            user));
            bodies.add(JsonText.write(body));
        }
        return new Event("gitlab", "stream-only:" + created + ":" + user, bodies);
    }

    /** A CircleCI event (UUID id) as a JSON object and as a CSV record in the documented column order. */
    public Event circleci() {
        String id = new UUID(random.nextLong(), random.nextLong()).toString();
        String action = pick(CIRCLECI_ACTIONS);
        String user = pick(USERS);
        Map<String, Object> actor = Map.of(
                "id",
                UUID.nameUUIDFromBytes(user.getBytes(StandardCharsets.UTF_8)).toString(),
                "type",
                "user",
                "name",
                user);
        Map<String, Object> target = Map.of(
                "id",
                "p-" + random.nextInt(50),
                "type",
                action.startsWith("context") ? "context" : "project",
                "name",
                "acme-" + random.nextInt(50));
        Map<String, Object> scope =
                Map.of("id", "0b9d0000-0000-4000-8000-000000000003", "type", "account", "name", "acme");
        Map<String, Object> payload =
                action.contains("env_var") ? Map.of("env_var_name", "SECRET_" + random.nextInt(20)) : Map.of();
        Map<String, Object> request =
                Map.of("id", new UUID(random.nextLong(), random.nextLong()).toString(), "ip_address", ip());
        boolean success = random.nextInt(10) != 0;
        String occurred = time().toString();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("action", action);
        json.put("actor", actor);
        json.put("target", target);
        json.put("payload", payload);
        json.put("occurred_at", occurred);
        json.put("metadata", Map.of("source", "web"));
        json.put("version", 1);
        json.put("scope", scope);
        json.put("success", success);
        json.put("request", request);
        String csv = String.join(
                ",",
                id,
                action,
                csvCell(JsonText.write(actor)),
                csvCell(JsonText.write(target)),
                csvCell(JsonText.write(payload)),
                occurred,
                csvCell(JsonText.write(Map.of("source", "web"))),
                "1",
                csvCell(JsonText.write(scope)),
                String.valueOf(success),
                csvCell(JsonText.write(request)));
        return new Event("circleci", "circleci:" + id, List.of(JsonText.write(json), csv));
    }

    public static String csvCell(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    public Random random() {
        return random;
    }
}
