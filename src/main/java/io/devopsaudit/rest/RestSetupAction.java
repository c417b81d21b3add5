/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import io.devopsaudit.content.SetupParameters;
import io.devopsaudit.content.SetupService;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.client.node.NodeClient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code PUT /_plugins/devops_audit/_setup} installs or updates the shipped content (idempotent);
 * {@code GET} reports each asset as current, outdated, missing or skipped (with the reason).
 */
public final class RestSetupAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "devops_audit_setup";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.PUT, RestResponses.BASE + "/_setup"),
            new Route(RestRequest.Method.POST, RestResponses.BASE + "/_setup"),
            new Route(RestRequest.Method.GET, RestResponses.BASE + "/_setup"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws java.io.IOException {
        SetupService setup = new SetupService(client);
        if (request.method() == RestRequest.Method.GET) {
            return RestResponses.forked(client, () -> Map.of("assets", setup.status()))::accept;
        }
        SetupParameters params = SetupParameters.parse(RestResponses.body(request));
        return RestResponses.forked(client, () -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("acknowledged", true);
            out.put("assets", setup.install(params));
            return out;
        })::accept;
    }
}
