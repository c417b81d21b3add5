/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import io.devopsaudit.transport.NamedGetResponse;
import io.devopsaudit.transport.NamedObjectTransportActions;
import io.devopsaudit.transport.NamedRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.List;

/**
 * {@code cluster:admin/devops_audit/collector/get}: one collector's configuration and status, or all of them. It shows
 * which GitLab groups and projects are collected and GitLab's error messages, so it is an admin permission. The token
 * is never part of it.
 */
public final class GetCollectorAction extends ActionType<GetCollectorAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/collector/get";
    public static final GetCollectorAction INSTANCE = new GetCollectorAction();

    private GetCollectorAction() {
        super(NAME, Response::new);
    }

    /** {@code null}: every one. */
    public static final class Request extends NamedRequest {
        public Request(String name) {
            super(name);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }
    }

    /** {@code {"name", "config", "status"}} for one, {@code {"collectors": {name: ...}}} for all. */
    public static final class Response extends NamedGetResponse<CollectorView> {
        private static final String LISTING = "collectors";

        public Response(CollectorView one) {
            super(LISTING, CollectorView::name, one);
        }

        public Response(List<CollectorView> all) {
            super(LISTING, CollectorView::name, all);
        }

        public Response(StreamInput in) throws IOException {
            super(LISTING, CollectorView::name, CollectorView::new, in);
        }
    }

    public static final class TransportAction
            extends NamedObjectTransportActions.Get<Request, CollectorView, Response> {
        @Inject
        public TransportAction(
                TransportService transportService, ActionFilters actionFilters, CollectorService collectors) {
            super(
                    NAME,
                    transportService,
                    actionFilters,
                    Request::new,
                    collectors::get,
                    collectors::list,
                    Response::new,
                    Response::new);
        }
    }
}
