/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

import java.util.Map;

/**
 * Base of the plugin's transport actions: their work is a sequence of blocking cluster calls (bulk batches,
 * paginated searches), which must never run on a network thread, so it runs on the generic pool and answers with a
 * {@link MapResponse}.
 */
public abstract class BlockingTransportAction<R extends ActionRequest> extends HandledTransportAction<R, MapResponse> {
    private final ThreadPool threadPool;

    protected BlockingTransportAction(String name, TransportService transportService, ActionFilters actionFilters, Writeable.Reader<R> reader) {
        super(name, transportService, actionFilters, reader);
        this.threadPool = transportService.getThreadPool();
    }

    /** The work itself; exceptions become the response (an IllegalArgumentException is a 400). */
    protected abstract Map<String, Object> run(R request) throws Exception;

    @Override
    protected final void doExecute(Task task, R request, ActionListener<MapResponse> listener) {
        threadPool.executor(ThreadPool.Names.GENERIC).execute(() -> {
            try {
                listener.onResponse(new MapResponse(run(request)));
            } catch (Exception e) {
                listener.onFailure(e);
            }
        });
    }
}
