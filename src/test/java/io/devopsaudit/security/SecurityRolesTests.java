/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.security;

import io.devopsaudit.DevopsAuditPlugin;
import io.devopsaudit.content.SetupService;
import io.devopsaudit.schema.IndexNames;
import org.opensearch.common.regex.Regex;
import org.opensearch.test.OpenSearchTestCase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shipped roles file against the plugin's own actions: each role is in the Security REST API's shape, and
 * which plugin actions each role grants is exactly the intended set. The real Security plugin proves the same
 * matrix end to end in {@code io.devopsaudit.secure}; this catches a wrong pattern without a node.
 */
public class SecurityRolesTests extends OpenSearchTestCase {

    static final Set<String> ROLE_KEYS = Set.of("description", "cluster_permissions", "index_permissions");

    private static Set<String> pluginActions() {
        Set<String> names = new TreeSet<>();
        new DevopsAuditPlugin()
                .getActions()
                .forEach(h -> names.add(h.getAction().name()));
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Set<String> granted(Map<String, Object> role, Set<String> actions) {
        List<String> patterns = new ArrayList<>((List<String>) role.get("cluster_permissions"));
        for (Map<String, Object> ip : (List<Map<String, Object>>) role.get("index_permissions")) {
            patterns.addAll((List<String>) ip.get("allowed_actions"));
        }
        Set<String> out = new TreeSet<>();
        for (String action : actions) {
            for (String p : patterns) {
                // indices_all is the Security plugin's action group for indices:*
                if (Regex.simpleMatch(p.equals("indices_all") ? "indices:*" : p, action)) out.add(action);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public void testRolesHaveTheSecurityApiShapeAndTheIntendedPluginActions() {
        Map<String, Object> roles = SetupService.resource("security-roles.json");
        assertEquals(
                Set.of(
                        "devops_audit_admin",
                        "devops_audit_analyst",
                        "devops_audit_stream_writer",
                        "devops_audit_reader"),
                roles.keySet());
        for (Map.Entry<String, Object> e : roles.entrySet()) {
            Map<String, Object> role = (Map<String, Object>) e.getValue();
            assertTrue(
                    e.getKey() + " has only Security API keys: " + role.keySet(), ROLE_KEYS.containsAll(role.keySet()));
            for (Map<String, Object> ip : (List<Map<String, Object>>) role.get("index_permissions")) {
                assertEquals(e.getKey(), Set.of("index_patterns", "allowed_actions"), ip.keySet());
                for (String pattern : (List<String>) ip.get("index_patterns")) {
                    assertTrue(
                            e.getKey() + " grants only audit indices and the access rollup, not " + pattern,
                            pattern.startsWith("devops-audit-") || pattern.equals(IndexNames.ACCESS_ROLLUP));
                }
            }
        }
        Set<String> actions = pluginActions();
        assertEquals(19, actions.size());
        assertEquals(
                "admin gets every route",
                actions,
                granted((Map<String, Object>) roles.get("devops_audit_admin"), actions));
        assertEquals(
                Set.of(
                        "indices:data/read/devops_audit/access_report",
                        "indices:data/read/devops_audit/context",
                        "indices:data/read/devops_audit/export",
                        "cluster:monitor/devops_audit/content/get"),
                granted((Map<String, Object>) roles.get("devops_audit_analyst"), actions));
        assertEquals(
                Set.of("indices:data/write/devops_audit/stream"),
                granted((Map<String, Object>) roles.get("devops_audit_stream_writer"), actions));
        assertEquals(Set.of(), granted((Map<String, Object>) roles.get("devops_audit_reader"), actions));
    }

    @SuppressWarnings("unchecked")
    public void testOnlyTheAdminMayDeleteOrChangeSettings() {
        Map<String, Object> roles = SetupService.resource("security-roles.json");
        Set<String> dangerous = Set.of(
                "indices:admin/delete",
                "cluster:admin/settings/update",
                "cluster:admin/ingest/pipeline/put",
                "indices:admin/index_template/put",
                "cluster:admin/devops_audit/retention/run",
                // a collector's polls write audit events as the node
                "cluster:admin/devops_audit/collector/put",
                "cluster:admin/devops_audit/collector/run",
                // what a destination's token delivers is written with the plugin's rights, within its scopes
                "cluster:admin/devops_audit/destination/put",
                "cluster:admin/devops_audit/destination/delete");
        for (String name : List.of("devops_audit_analyst", "devops_audit_stream_writer", "devops_audit_reader")) {
            assertEquals(name, Set.of(), granted((Map<String, Object>) roles.get(name), dangerous));
        }
        assertEquals(dangerous, granted((Map<String, Object>) roles.get("devops_audit_admin"), dangerous));
    }

    /** Which index actions a role grants on one concrete index (its patterns matched as the Security plugin does). */
    @SuppressWarnings("unchecked")
    private static Set<String> grantedOn(Map<String, Object> role, String index, Set<String> actions) {
        Set<String> out = new TreeSet<>();
        for (Map<String, Object> ip : (List<Map<String, Object>>) role.get("index_permissions")) {
            boolean matches =
                    ((List<String>) ip.get("index_patterns")).stream().anyMatch(p -> Regex.simpleMatch(p, index));
            if (matches == false) continue;
            for (String action : actions) {
                for (String p : (List<String>) ip.get("allowed_actions")) {
                    if (Regex.simpleMatch(p.equals("indices_all") ? "indices:*" : p, action)) out.add(action);
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public void testOnlyTheAdminReadsTheInvestigationTrailAndNoRoleWritesOrDeletesIt() {
        Map<String, Object> roles = SetupService.resource("security-roles.json");
        String trail = IndexNames.ACTIVITY_PREFIX + "2026.12";
        Set<String> writes = Set.of(
                "indices:data/write/index",
                "indices:data/write/bulk[s]",
                "indices:data/write/update",
                "indices:data/write/delete",
                "indices:data/write/delete/byquery",
                "indices:data/write/update/byquery",
                "indices:admin/delete",
                "indices:admin/create",
                "indices:admin/mapping/put",
                "indices:admin/settings/update",
                "indices:admin/close");
        Set<String> reads = Set.of("indices:data/read/search", "indices:data/read/get");
        for (Map.Entry<String, Object> e : roles.entrySet()) {
            Map<String, Object> role = (Map<String, Object>) e.getValue();
            assertEquals(e.getKey(), Set.of(), grantedOn(role, trail, writes));
            assertEquals(
                    e.getKey(),
                    e.getKey().equals("devops_audit_admin") ? reads : Set.of(),
                    grantedOn(role, trail, reads));
        }
        // and the admin keeps everything on what the pipeline writes and on the intake address
        Map<String, Object> admin = (Map<String, Object>) roles.get("devops_audit_admin");
        List<String> written = new ArrayList<>(List.of(IndexNames.writePatterns()));
        written.add(IndexNames.INCOMING);
        for (String pattern : written) {
            String index = pattern.replace("*", "2026.12");
            assertEquals(index, writes, grantedOn(admin, index, writes));
        }
    }

    /**
     * GitLab request events are read like the audit events: the analyst and reader search them, the admin has everything,
     * the stream writer only its streaming action (which writes through the pipeline with the plugin's rights).
     */
    @SuppressWarnings("unchecked")
    public void testRequestIndicesAreReadLikeEvents() {
        Map<String, Object> roles = SetupService.resource("security-roles.json");
        String requests = IndexNames.REQUESTS_PREFIX + "2026.12";
        String events = IndexNames.eventPrefix(io.devopsaudit.schema.Provider.GITLAB) + "2026.12";
        Set<String> actions = Set.of(
                "indices:data/read/search",
                "indices:data/read/get",
                "indices:data/write/index",
                "indices:data/write/bulk[s]",
                "indices:admin/delete",
                "indices:data/write/devops_audit/stream");
        for (Map.Entry<String, Object> e : roles.entrySet()) {
            Map<String, Object> role = (Map<String, Object>) e.getValue();
            assertEquals(e.getKey(), grantedOn(role, events, actions), grantedOn(role, requests, actions));
        }
        Set<String> reads = Set.of("indices:data/read/search", "indices:data/read/get");
        for (String reader : List.of("devops_audit_analyst", "devops_audit_reader", "devops_audit_admin")) {
            assertEquals(reader, reads, grantedOn((Map<String, Object>) roles.get(reader), requests, reads));
        }
        assertEquals(
                Set.of("indices:data/write/devops_audit/stream"),
                grantedOn((Map<String, Object>) roles.get("devops_audit_stream_writer"), requests, actions));
    }

    /**
     * The access rollup holds counts of the events the admin and the analyst may read whole: those two may search it
     * (so their reports read it), no role may write it (the plugin writes it as the node), the others never see it.
     */
    @SuppressWarnings("unchecked")
    public void testOnlyTheAdminAndTheAnalystReadTheAccessRollupAndNoRoleWritesIt() {
        Map<String, Object> roles = SetupService.resource("security-roles.json");
        Set<String> actions = Set.of(
                "indices:data/read/search",
                "indices:data/read/msearch",
                "indices:data/write/index",
                "indices:data/write/bulk[s]",
                "indices:data/write/delete",
                "indices:admin/delete",
                "indices:admin/create");
        Set<String> reads = Set.of("indices:data/read/search", "indices:data/read/msearch");
        for (Map.Entry<String, Object> e : roles.entrySet()) {
            boolean reader =
                    e.getKey().equals("devops_audit_admin") || e.getKey().equals("devops_audit_analyst");
            assertEquals(
                    e.getKey(),
                    reader ? reads : Set.of(),
                    grantedOn((Map<String, Object>) e.getValue(), IndexNames.ACCESS_ROLLUP, actions));
        }
    }

    /**
     * Only the admin may write the audit indices directly or create them: the stream writer streams through its action
     * (which writes with the plugin's rights, through the pipeline), the others only read. Action groups (names without
     * a colon, such as {@code write}, {@code crud}, {@code create_index}) could hide any of these, so no role below the
     * admin uses one.
     */
    @SuppressWarnings("unchecked")
    public void testOnlyTheAdminMayWriteOrCreateTheAuditIndices() {
        Map<String, Object> roles = SetupService.resource("security-roles.json");
        Set<String> directWrites = Set.of(
                "indices:data/write/index",
                "indices:data/write/bulk",
                "indices:data/write/bulk[s]",
                "indices:data/write/update",
                "indices:data/write/delete",
                "indices:data/write/delete/byquery",
                "indices:data/write/update/byquery",
                "indices:data/write/reindex",
                "indices:admin/create",
                "indices:admin/auto_create",
                "indices:admin/mapping/put",
                "indices:admin/settings/update",
                "indices:admin/delete",
                "indices:admin/close",
                "indices:admin/aliases");
        for (String name : roles.keySet()) {
            if (name.equals("devops_audit_admin")) continue;
            Map<String, Object> role = (Map<String, Object>) roles.get(name);
            assertEquals(name + " may write or create audit indices", Set.of(), granted(role, directWrites));
            for (Map<String, Object> ip : (List<Map<String, Object>>) role.get("index_permissions")) {
                for (String action : (List<String>) ip.get("allowed_actions")) {
                    assertTrue(name + " uses the action group [" + action + "]", action.contains(":"));
                }
            }
        }
        assertEquals(
                "the stream writer holds the stream action alone",
                List.of("indices:data/write/devops_audit/stream"),
                ((List<Map<String, Object>>) ((Map<String, Object>) roles.get("devops_audit_stream_writer"))
                                .get("index_permissions"))
                        .get(0)
                        .get("allowed_actions"));
        assertEquals(
                List.of(), ((Map<String, Object>) roles.get("devops_audit_stream_writer")).get("cluster_permissions"));
        assertEquals(directWrites, granted((Map<String, Object>) roles.get("devops_audit_admin"), directWrites));
    }
}
