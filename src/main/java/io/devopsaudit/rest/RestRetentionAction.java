/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import io.devopsaudit.retention.GetRetentionAction;
import io.devopsaudit.retention.PutRetentionAction;
import io.devopsaudit.retention.RunRetentionAction;
import io.devopsaudit.transport.NoParametersRequest;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

import java.io.IOException;
import java.util.List;

/**
 * Retention by event time: {@code GET /_plugins/devops_audit/_retention} (settings, last and next run, indices due
 * next), {@code PUT} with {@code {"days": N, "dead_letter_days": M}}, and {@code POST .../_retention/_run?dry_run=}.
 */
public final class RestRetentionAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "devops_audit_retention";
    }

    @Override
    public List<Route> routes() {
        return List.of(
                new Route(RestRequest.Method.GET, RestResponses.BASE + "/_retention"),
                new Route(RestRequest.Method.PUT, RestResponses.BASE + "/_retention"),
                new Route(RestRequest.Method.POST, RestResponses.BASE + "/_retention/_run"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        if (request.method() == RestRequest.Method.POST) {
            RunRetentionAction.Request run = new RunRetentionAction.Request(request.paramAsBoolean("dry_run", false));
            return channel -> client.execute(RunRetentionAction.INSTANCE, run, new RestToXContentListener<>(channel));
        }
        if (request.method() == RestRequest.Method.PUT) {
            PutRetentionAction.Request put = PutRetentionAction.Request.parse(RestResponses.body(request));
            return channel -> client.execute(PutRetentionAction.INSTANCE, put, new RestToXContentListener<>(channel));
        }
        return channel -> client.execute(
                GetRetentionAction.INSTANCE, new NoParametersRequest(), new RestToXContentListener<>(channel));
    }
}
