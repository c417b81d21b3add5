/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.dedup.CopyIdentity;
import io.devopsaudit.schema.Fields;
import org.opensearch.action.get.GetRequest;
import org.opensearch.action.get.GetResponse;
import org.opensearch.action.support.ContextPreservingActionListener;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionListener;
import org.opensearch.search.fetch.subphase.FetchSourceContext;
import org.opensearch.transport.client.Client;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Reads the stored copy of an event (its identity fields and source format), for the processor's comparison. */
public interface StoredEvents {

    /** The stored document {@code id} of {@code index}, read in real time; a missing index fails the listener. */
    void get(String index, String id, ActionListener<GetResponse> listener);

    /**
     * Reads with the plugin's own rights (a stashed thread context, like the collector and retention do), so the
     * comparison holds whoever sends the copy: a log shipper's user may write through the pipeline without being
     * allowed to read the event indices. Only the identity fields are fetched.
     */
    static StoredEvents of(Client client, ThreadContext threadContext) {
        List<String> fields = new ArrayList<>(CopyIdentity.FIELDS);
        fields.add(Fields.AUDIT_SOURCE_FORMAT);
        FetchSourceContext identity = new FetchSourceContext(true, fields.toArray(String[]::new), null);
        return (index, id, listener) -> {
            Supplier<ThreadContext.StoredContext> restore = threadContext.newRestorableContext(false);
            try (ThreadContext.StoredContext ignored = threadContext.stashContext()) {
                client.get(
                        new GetRequest(index, id).realtime(true).fetchSourceContext(identity),
                        new ContextPreservingActionListener<>(restore, listener));
            }
        };
    }
}
