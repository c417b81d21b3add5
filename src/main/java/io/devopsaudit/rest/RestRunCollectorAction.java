/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import io.devopsaudit.collect.RunCollectorAction;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

import java.util.List;

/**
 * {@code POST /_plugins/devops_audit/_collectors/<name>/_run}: polls a collector now. The collectors' other routes are
 * those of every named object in the state index ({@link RestNamedObjectsAction#collectors()}).
 */
public final class RestRunCollectorAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "devops_audit_collector_run";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.POST, RestNamedObjectsAction.COLLECTORS_PATH + "/{name}/_run"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        RunCollectorAction.Request run = new RunCollectorAction.Request(
                request.param("name"), RunCollectorAction.parseWait(request.param("wait")));
        return channel -> client.execute(RunCollectorAction.INSTANCE, run, new RestToXContentListener<>(channel));
    }
}
