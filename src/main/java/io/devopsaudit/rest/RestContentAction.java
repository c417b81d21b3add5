/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import io.devopsaudit.content.MonitorContent;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.client.node.NodeClient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /_plugins/devops_audit/_content/monitors?notification_channel_id=...&dashboards_url=...}: the shipped
 * monitors rendered for this cluster, each ready for {@code POST _plugins/_alerting/monitors}
 * ({@code ./devops-audit install-monitors} does exactly that).
 */
public final class RestContentAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "devops_audit_content";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.GET, RestResponses.BASE + "/_content/monitors"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        List<Map<String, Object>> monitors = MonitorContent.render(request.param("notification_channel_id"), request.param("dashboards_url"));
        return RestResponses.forked(client, () -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("monitors", monitors);
            return out;
        })::accept;
    }
}
