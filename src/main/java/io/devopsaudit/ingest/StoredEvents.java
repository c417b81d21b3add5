/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.dedup.CopyIdentity;
import io.devopsaudit.schema.Fields;
import org.opensearch.action.get.MultiGetRequest;
import org.opensearch.action.get.MultiGetResponse;
import org.opensearch.action.support.ContextPreservingActionListener;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionListener;
import org.opensearch.search.fetch.subphase.FetchSourceContext;
import org.opensearch.transport.client.Client;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Reads the stored copies of events (their identity fields and source format), for the processor's comparison. */
public interface StoredEvents {

    /** Where an event is stored: its event-time index and document id. */
    record Key(String index, String id) {}

    /**
     * The stored documents of {@code keys}, in their order, read in real time with one multi-get; an item of an
     * index that does not exist yet is a failed item.
     */
    void get(List<Key> keys, ActionListener<MultiGetResponse> listener);

    /**
     * Reads with the plugin's own rights (a stashed thread context, like the collector and retention do), so the
     * comparison holds whoever sends the copy: a log shipper's user may write through the pipeline without being
     * allowed to read the event indices. Only the identity fields are fetched.
     */
    static StoredEvents of(Client client, ThreadContext threadContext) {
        List<String> fields = new ArrayList<>(CopyIdentity.FIELDS);
        fields.add(Fields.AUDIT_SOURCE_FORMAT);
        FetchSourceContext identity = new FetchSourceContext(true, fields.toArray(String[]::new), null);
        return (keys, listener) -> {
            MultiGetRequest mget = new MultiGetRequest().realtime(true);
            for (Key k : keys) mget.add(new MultiGetRequest.Item(k.index(), k.id()).fetchSourceContext(identity));
            Supplier<ThreadContext.StoredContext> restore = threadContext.newRestorableContext(false);
            try (ThreadContext.StoredContext ignored = threadContext.stashContext()) {
                client.multiGet(mget, new ContextPreservingActionListener<>(restore, listener));
            }
        };
    }
}
