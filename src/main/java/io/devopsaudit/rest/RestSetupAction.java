/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import io.devopsaudit.content.GetSetupAction;
import io.devopsaudit.content.PutSetupAction;
import io.devopsaudit.content.SetupParameters;
import io.devopsaudit.transport.NoParametersRequest;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

import java.io.IOException;
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
        return List.of(
                new Route(RestRequest.Method.PUT, RestResponses.BASE + "/_setup"),
                new Route(RestRequest.Method.POST, RestResponses.BASE + "/_setup"),
                new Route(RestRequest.Method.GET, RestResponses.BASE + "/_setup"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        if (request.method() == RestRequest.Method.GET) {
            return channel -> client.execute(
                    GetSetupAction.INSTANCE, new NoParametersRequest(), new RestToXContentListener<>(channel));
        }
        Map<String, Object> body = RestResponses.body(request);
        PutSetupAction.Request put =
                new PutSetupAction.Request(SetupParameters.parse(body), SetupParameters.resetKeys(body));
        return channel -> client.execute(PutSetupAction.INSTANCE, put, new RestToXContentListener<>(channel));
    }
}
