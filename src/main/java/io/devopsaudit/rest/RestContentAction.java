/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import io.devopsaudit.content.GetContentAction;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

import java.util.List;

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
        GetContentAction.Request get =
                new GetContentAction.Request(request.param("notification_channel_id"), request.param("dashboards_url"));
        return channel -> client.execute(GetContentAction.INSTANCE, get, new RestToXContentListener<>(channel));
    }
}
