/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import io.devopsaudit.collect.DeleteCollectorAction;
import io.devopsaudit.collect.GetCollectorAction;
import io.devopsaudit.collect.PutCollectorAction;
import io.devopsaudit.intake.DeleteDestinationAction;
import io.devopsaudit.intake.GetDestinationAction;
import io.devopsaudit.intake.PutDestinationAction;
import io.devopsaudit.transport.NamedConfigRequest;
import io.devopsaudit.transport.NamedRequest;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionType;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The routes of one kind of named object kept in the plugin's state index: {@code GET <path>} lists them,
 * {@code GET|PUT|DELETE <path>/<name>} reads, creates or replaces, and removes one, each a call of that kind's
 * permission-named action. One instance per kind: {@link #collectors()} ({@code /_plugins/devops_audit/_collectors}),
 * {@link #destinations()} ({@code /_plugins/devops_audit/_destinations}, GitLab streaming destinations).
 */
public final class RestNamedObjectsAction extends BaseRestHandler {
    static final String COLLECTORS_PATH = RestResponses.BASE + "/_collectors";
    static final String DESTINATIONS_PATH = RestResponses.BASE + "/_destinations";

    /** What one kind's routes call: its three actions and how their requests are made from the route. */
    private record Kind<
            G extends ActionResponse & ToXContentObject,
            P extends ActionResponse & ToXContentObject,
            D extends ActionResponse & ToXContentObject>(
            String handlerName,
            String path,
            ActionType<G> get,
            Function<String, ? extends NamedRequest> getRequest,
            ActionType<P> put,
            BiFunction<String, Map<String, Object>, ? extends NamedConfigRequest<?>> putRequest,
            ActionType<D> delete,
            Function<String, ? extends NamedRequest> deleteRequest) {}

    private final Kind<?, ?, ?> kind;

    private RestNamedObjectsAction(Kind<?, ?, ?> kind) {
        this.kind = kind;
    }

    /** GitLab audit-event collectors (their {@code _run} route is {@link RestRunCollectorAction}). */
    public static RestNamedObjectsAction collectors() {
        return new RestNamedObjectsAction(new Kind<>(
                "devops_audit_collectors",
                COLLECTORS_PATH,
                GetCollectorAction.INSTANCE,
                GetCollectorAction.Request::new,
                PutCollectorAction.INSTANCE,
                PutCollectorAction.Request::new,
                DeleteCollectorAction.INSTANCE,
                DeleteCollectorAction.Request::new));
    }

    /** GitLab streaming destinations. */
    public static RestNamedObjectsAction destinations() {
        return new RestNamedObjectsAction(new Kind<>(
                "devops_audit_destinations",
                DESTINATIONS_PATH,
                GetDestinationAction.INSTANCE,
                GetDestinationAction.Request::new,
                PutDestinationAction.INSTANCE,
                PutDestinationAction.Request::new,
                DeleteDestinationAction.INSTANCE,
                DeleteDestinationAction.Request::new));
    }

    @Override
    public String getName() {
        return kind.handlerName();
    }

    @Override
    public List<Route> routes() {
        return List.of(
                new Route(RestRequest.Method.GET, kind.path()),
                new Route(RestRequest.Method.GET, kind.path() + "/{name}"),
                new Route(RestRequest.Method.PUT, kind.path() + "/{name}"),
                new Route(RestRequest.Method.DELETE, kind.path() + "/{name}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String name = request.param("name");
        if (request.method() == RestRequest.Method.PUT) {
            NamedConfigRequest<?> put = kind.putRequest().apply(name, RestResponses.body(request));
            put.config(); // a bad body is a 400 naming the field before anything is sent
            return execute(client, kind.put(), put);
        }
        if (request.method() == RestRequest.Method.DELETE) {
            return execute(client, kind.delete(), kind.deleteRequest().apply(name));
        }
        return execute(client, kind.get(), kind.getRequest().apply(name));
    }

    private static <S extends ActionResponse & ToXContentObject> RestChannelConsumer execute(
            NodeClient client, ActionType<S> action, ActionRequest request) {
        return channel -> client.execute(action, request, new RestToXContentListener<>(channel));
    }
}
