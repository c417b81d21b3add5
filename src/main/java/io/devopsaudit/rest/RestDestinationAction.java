/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import io.devopsaudit.intake.DeleteDestinationAction;
import io.devopsaudit.intake.GetDestinationAction;
import io.devopsaudit.intake.PutDestinationAction;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

import java.io.IOException;
import java.util.List;

/**
 * GitLab streaming destinations: {@code PUT|GET|DELETE /_plugins/devops_audit/_destinations/<name>} and
 * {@code GET /_plugins/devops_audit/_destinations}.
 */
public final class RestDestinationAction extends BaseRestHandler {
    static final String PATH = RestResponses.BASE + "/_destinations";

    @Override
    public String getName() {
        return "devops_audit_destinations";
    }

    @Override
    public List<Route> routes() {
        return List.of(
                new Route(RestRequest.Method.GET, PATH),
                new Route(RestRequest.Method.GET, PATH + "/{name}"),
                new Route(RestRequest.Method.PUT, PATH + "/{name}"),
                new Route(RestRequest.Method.DELETE, PATH + "/{name}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String name = request.param("name");
        if (request.method() == RestRequest.Method.PUT) {
            PutDestinationAction.Request put = new PutDestinationAction.Request(name, RestResponses.body(request));
            put.config(); // a bad body is a 400 naming the field before anything is sent
            return channel -> client.execute(PutDestinationAction.INSTANCE, put, new RestToXContentListener<>(channel));
        }
        if (request.method() == RestRequest.Method.DELETE) {
            DeleteDestinationAction.Request delete = new DeleteDestinationAction.Request(name);
            return channel ->
                    client.execute(DeleteDestinationAction.INSTANCE, delete, new RestToXContentListener<>(channel));
        }
        GetDestinationAction.Request get = new GetDestinationAction.Request(name);
        return channel -> client.execute(GetDestinationAction.INSTANCE, get, new RestToXContentListener<>(channel));
    }
}
