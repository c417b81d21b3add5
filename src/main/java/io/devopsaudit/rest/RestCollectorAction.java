/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import io.devopsaudit.collect.DeleteCollectorAction;
import io.devopsaudit.collect.GetCollectorAction;
import io.devopsaudit.collect.PutCollectorAction;
import io.devopsaudit.collect.RunCollectorAction;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

import java.io.IOException;
import java.util.List;

/**
 * GitLab audit-event collectors: {@code PUT|GET|DELETE /_plugins/devops_audit/_collectors/<name>},
 * {@code GET /_plugins/devops_audit/_collectors} and {@code POST .../_collectors/<name>/_run}.
 */
public final class RestCollectorAction extends BaseRestHandler {
    static final String PATH = RestResponses.BASE + "/_collectors";

    @Override
    public String getName() {
        return "devops_audit_collectors";
    }

    @Override
    public List<Route> routes() {
        return List.of(
                new Route(RestRequest.Method.GET, PATH),
                new Route(RestRequest.Method.GET, PATH + "/{name}"),
                new Route(RestRequest.Method.PUT, PATH + "/{name}"),
                new Route(RestRequest.Method.DELETE, PATH + "/{name}"),
                new Route(RestRequest.Method.POST, PATH + "/{name}/_run"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String name = request.param("name");
        if (request.method() == RestRequest.Method.PUT) {
            PutCollectorAction.Request put = new PutCollectorAction.Request(name, RestResponses.body(request));
            put.config(); // a bad body is a 400 naming the field before anything is sent
            return channel -> client.execute(PutCollectorAction.INSTANCE, put, new RestToXContentListener<>(channel));
        }
        if (request.method() == RestRequest.Method.DELETE) {
            DeleteCollectorAction.Request delete = new DeleteCollectorAction.Request(name);
            return channel ->
                    client.execute(DeleteCollectorAction.INSTANCE, delete, new RestToXContentListener<>(channel));
        }
        if (request.method() == RestRequest.Method.POST) {
            RunCollectorAction.Request run =
                    new RunCollectorAction.Request(name, RunCollectorAction.parseWait(request.param("wait")));
            return channel -> client.execute(RunCollectorAction.INSTANCE, run, new RestToXContentListener<>(channel));
        }
        GetCollectorAction.Request get = new GetCollectorAction.Request(name);
        return channel -> client.execute(GetCollectorAction.INSTANCE, get, new RestToXContentListener<>(channel));
    }
}
