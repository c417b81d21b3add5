/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;
import org.opensearch.core.rest.RestStatus;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

public class PluginInstalledIT extends DevopsAuditRestTestCase {

    public void testPluginIsListed() throws Exception {
        var response = client().performRequest(new Request("GET", "/_cat/plugins?h=component"));
        String body = new String(response.getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(body, containsString("devops-audit"));
    }

    public void testUnknownOptionIsRejectedNamingProcessorAndOption() {
        Request put = new Request("PUT", "/_ingest/pipeline/bad");
        put.setJsonEntity("{\"processors\":[{\"devops_audit\":{\"tag\":\"p1\",\"colour\":\"blue\"}}]}");
        ResponseException e = expectThrows(ResponseException.class, () -> client().performRequest(put));
        assertEquals(
                RestStatus.BAD_REQUEST.getStatus(),
                e.getResponse().getStatusLine().getStatusCode());
        assertThat(
                e.getMessage(),
                containsString(
                        "processor [devops_audit] doesn't support one or more provided configuration parameters [colour]"));
    }

    public void testWrongOptionTypeIsRejectedNamingProcessorAndOption() {
        Request put = new Request("PUT", "/_ingest/pipeline/bad");
        put.setJsonEntity("{\"processors\":[{\"devops_audit\":{\"tag\":\"p1\",\"format\":\"gitlab_xml\"}}]}");
        ResponseException e = expectThrows(ResponseException.class, () -> client().performRequest(put));
        assertEquals(400, e.getResponse().getStatusLine().getStatusCode());
        assertThat(e.getMessage(), containsString("\"processor_type\":\"devops_audit\""));
        assertThat(e.getMessage(), containsString("[format] unknown format [gitlab_xml]"));
    }

    @SuppressWarnings("unchecked")
    public void testSimulateRunsTheProcessor() throws Exception {
        call("PUT", "/_ingest/pipeline/p", "{\"processors\":[{\"devops_audit\":{\"format\":\"gitlab_api\"}}]}");
        Map<String, Object> result = call(
                "POST",
                "/_ingest/pipeline/p/_simulate",
                "{\"docs\":[{\"_source\":{\"id\":1,\"author_id\":2,"
                        + "\"entity_id\":3,\"entity_type\":\"Project\",\"details\":{\"with\":\"standard\"},\"created_at\":\"2024-01-02T03:04:05Z\"}}]}");
        Map<String, Object> doc =
                (Map<String, Object>) ((Map<String, Object>) ((List<Object>) result.get("docs")).get(0)).get("doc");
        Map<String, Object> event = (Map<String, Object>) ((Map<String, Object>) doc.get("_source")).get("event");
        assertEquals("gitlab", event.get("provider"));
        assertEquals("authenticated_with_password", event.get("action"));
        assertEquals("devops-audit-gitlab-2024.01", doc.get("_index"));
        assertEquals("gitlab:1", doc.get("_id"));
    }
}
