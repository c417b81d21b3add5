/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

/**
 * Base of the plugin's transport actions whose work is a sequence of blocking cluster calls (bulk batches, paginated
 * searches, index deletions), which must never run on a network thread: it runs on the generic pool. The pool's
 * executor carries the caller's thread context over, so every cluster call the work makes is authorized as the
 * caller (the Security plugin reads the user from that context); nothing here stashes it.
 */
public abstract class BlockingTransportAction<Q extends ActionRequest, S extends ActionResponse>
        extends HandledTransportAction<Q, S> {
    private final ThreadPool threadPool;

    protected BlockingTransportAction(
            String name, TransportService transportService, ActionFilters actionFilters, Writeable.Reader<Q> reader) {
        super(name, transportService, actionFilters, reader);
        this.threadPool = transportService.getThreadPool();
    }

    /** The work itself; exceptions become the response (an IllegalArgumentException is a 400). */
    protected abstract S run(Q request) throws Exception;

    @Override
    protected final void doExecute(Task task, Q request, ActionListener<S> listener) {
        threadPool.executor(ThreadPool.Names.GENERIC).execute(() -> {
            S response;
            try {
                response = run(request);
            } catch (Exception e) {
                listener.onFailure(e);
                return;
            }
            listener.onResponse(response);
        });
    }
}
