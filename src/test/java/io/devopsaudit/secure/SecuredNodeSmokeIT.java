/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.secure;

import io.devopsaudit.parse.JsonText;
import org.opensearch.client.Request;
import org.opensearch.client.Response;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

/**
 * The secured node as built: HTTPS with the demo CA, the Security plugin and devops-audit installed, the admin
 * allowed, anonymous requests and users without roles refused.
 */
public class SecuredNodeSmokeIT extends SecuredNodeTestCase {

    /**
     * The admin installs the shipped content, which needs the assembled modules (the pipeline's set processors with
     * Mustache templates and date_index_name come from ingest-common and lang-mustache), then reads its state.
     */
    @SuppressWarnings("unchecked")
    public void testAdminSetsUpAndReadsTheSetup() throws Exception {
        Map<String, Object> setup = call(client(), "PUT", "/_plugins/devops_audit/_setup", "{\"replicas\": 0}");
        for (Map<String, Object> asset : (List<Map<String, Object>>) setup.get("assets")) {
            if (List.of("index_template", "ingest_pipeline").contains(asset.get("type"))) {
                assertEquals(asset.toString(), "installed", asset.get("status"));
            }
            if (asset.get("type").equals("ingest_pipeline")) {
                // this 3.4.0 node has ingest-user-agent but no ingest-geoip (not on Central for 3.4.0): the pipeline
                // is installed without the geoip steps, and the report says so
                assertEquals(asset.toString(), List.of("geoip"), asset.get("enrichment_skipped"));
                assertThat(
                        (String) asset.get("reason"),
                        containsString("installed without enrichment by [geoip] (module ingest-geoip)"));
            }
        }
        Response response = client().performRequest(new Request("GET", "/_plugins/devops_audit/_setup"));
        assertEquals(200, response.getStatusLine().getStatusCode());
        Map<String, Object> status = entityAsMap(response);
        Map<String, Object> pipelineStatus = ((List<Map<String, Object>>) status.get("assets"))
                .stream()
                        .filter(a -> a.get("type").equals("ingest_pipeline"))
                        .findFirst()
                        .orElseThrow();
        assertEquals(pipelineStatus.toString(), "current", pipelineStatus.get("status"));
        assertEquals(List.of("geoip"), pipelineStatus.get("enrichment_skipped"));
        // what the node runs: the user agent is parsed, the address is not looked up
        String event = JsonText.write(Map.of(
                "id",
                1,
                "author_id",
                7,
                "entity_id",
                7,
                "entity_type",
                "User",
                "event_name",
                "user_logged_in",
                "details",
                Map.of("author_name", "alice", "ip_address", "89.160.20.128", "user_agent", "curl/8.5.0"),
                "created_at",
                "2024-03-01T09:00:00.000Z"));
        Map<String, Object> simulated = call(
                client(),
                "POST",
                "/_ingest/pipeline/devops-audit/_simulate",
                JsonText.write(Map.of("docs", List.of(Map.of("_source", Map.of("message", event))))));
        Map<String, Object> doc = (Map<String, Object>)
                ((Map<String, Object>) ((Map<String, Object>) ((List<Object>) simulated.get("docs")).get(0)).get("doc"))
                        .get("_source");
        assertEquals(doc.toString(), "curl", ((Map<String, Object>) doc.get("user_agent")).get("name"));
        assertNull(doc.toString(), ((Map<String, Object>) doc.get("source")).get("geo"));
    }

    public void testAnonymousRequestsAreRefused() throws Exception {
        assertEquals(401, status(anonymousClient(), new Request("GET", "/_plugins/devops_audit/_setup")));
        assertEquals(401, status(anonymousClient(), new Request("GET", "/")));
    }

    public void testWrongPasswordIsRefused() throws Exception {
        assertEquals(
                401,
                status(clientAs(ADMIN, adminPassword() + "x"), new Request("GET", "/_plugins/devops_audit/_setup")));
    }

    public void testSecurityAndDevopsAuditAreInstalled() throws Exception {
        Response response = client().performRequest(new Request("GET", "/_cat/plugins?h=component"));
        String body = new String(response.getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(body, containsString("opensearch-security"));
        assertThat(body, containsString("devops-audit"));
    }

    @SuppressWarnings("unchecked")
    public void testAdminIsAllAccess() throws Exception {
        Map<String, Object> info = call(client(), "GET", "/_plugins/_security/authinfo", null);
        assertEquals(ADMIN, info.get("user_name"));
        assertThat((List<String>) info.get("roles"), hasItem("all_access"));
    }

    public void testUserWithoutRoleIsForbiddenClusterSettings() throws Exception {
        String user = "smoke-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        String password = strongPassword();
        createUser(user, password);
        try {
            // authenticated (200 on its own authinfo), but not authorized for cluster settings
            assertEquals(200, status(clientAs(user, password), new Request("GET", "/_plugins/_security/authinfo")));
            assertEquals(403, status(clientAs(user, password), new Request("GET", "/_cluster/settings")));
        } finally {
            deleteUser(user);
        }
    }

    public void testUserWithARoleReadsClusterSettings() throws Exception {
        String user = "smoke-" + randomAlphaOfLength(8).toLowerCase(Locale.ROOT);
        String password = strongPassword();
        String role = "smoke_cluster_reader_" + randomAlphaOfLength(6).toLowerCase(Locale.ROOT);
        createRole(role, "{\"cluster_permissions\":[\"cluster:monitor/state\"]}");
        createUserWithRoles(user, password, role);
        try {
            assertEquals(200, status(clientAs(user, password), new Request("GET", "/_cluster/settings")));
        } finally {
            deleteRoleMapping(role);
            deleteRole(role);
            deleteUser(user);
        }
    }

    public void testStreamingTokenWasGenerated() {
        assertTrue("streaming token file is empty", streamToken().length() >= 16);
    }
}
