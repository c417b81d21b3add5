/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.retention;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.NoParametersRequest;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * {@code cluster:admin/devops_audit/retention/get}: the retention settings, the last and next run, and the managed
 * indices due next. It names indices and their expiry, so it is an admin permission, not a monitor one.
 */
public final class GetRetentionAction extends ActionType<GetRetentionAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/retention/get";
    public static final GetRetentionAction INSTANCE = new GetRetentionAction();
    static final int DUE_NEXT = 10;

    private GetRetentionAction() {
        super(NAME, Response::new);
    }

    /** {@code {"settings", "last_run", "next_run", "managed_indices", "due_next"}}. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final RetentionSettingsView settings;
        /** {@code null} before the first run. */
        private final RetentionRun lastRun;
        /** When the next run is due, or a sentence saying so before the first run. */
        private final String nextRun;

        private final int managedIndices;
        private final List<ScheduledIndex> dueNext;

        public Response(
                RetentionSettingsView settings,
                RetentionRun lastRun,
                String nextRun,
                int managedIndices,
                List<ScheduledIndex> dueNext) {
            this.settings = Objects.requireNonNull(settings);
            this.lastRun = lastRun;
            this.nextRun = nextRun;
            this.managedIndices = managedIndices;
            this.dueNext = List.copyOf(dueNext);
        }

        public Response(StreamInput in) throws IOException {
            this(
                    new RetentionSettingsView(in),
                    in.readOptionalWriteable(RetentionRun::new),
                    in.readOptionalString(),
                    in.readVInt(),
                    in.readList(ScheduledIndex::new));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            settings.writeTo(out);
            out.writeOptionalWriteable(lastRun);
            out.writeOptionalString(nextRun);
            out.writeVInt(managedIndices);
            out.writeList(dueNext);
        }

        public RetentionSettingsView settings() {
            return settings;
        }

        public RetentionRun lastRun() {
            return lastRun;
        }

        public List<ScheduledIndex> dueNext() {
            return dueNext;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            builder.field("settings");
            settings.toXContent(builder, params);
            builder.field("last_run");
            if (lastRun == null) {
                builder.nullValue();
            } else {
                lastRun.toXContent(builder, params);
            }
            builder.field("next_run", nextRun);
            builder.field("managed_indices", managedIndices);
            builder.startArray("due_next");
            for (ScheduledIndex i : dueNext) i.toXContent(builder, params);
            builder.endArray();
            return builder.endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r
                    && settings.equals(r.settings)
                    && Objects.equals(lastRun, r.lastRun)
                    && Objects.equals(nextRun, r.nextRun)
                    && managedIndices == r.managedIndices
                    && dueNext.equals(r.dueNext);
        }

        @Override
        public int hashCode() {
            return Objects.hash(settings, lastRun, nextRun, managedIndices, dueNext);
        }
    }

    public static final class TransportAction extends BlockingTransportAction<NoParametersRequest, Response> {
        private final RetentionService retention;

        @Inject
        public TransportAction(
                TransportService transportService, ActionFilters actionFilters, RetentionService retention) {
            super(NAME, transportService, actionFilters, NoParametersRequest::new);
            this.retention = retention;
        }

        @Override
        protected Response run(NoParametersRequest request) {
            RetentionRun last = retention.lastRun();
            List<ScheduledIndex> schedule = retention.schedule(Instant.now());
            return new Response(
                    retention.settingsView(Settings.EMPTY),
                    last,
                    last == null
                            ? "within " + retention.interval() + " of the cluster-manager's start"
                            : last.nextRun(),
                    schedule.size(),
                    schedule.subList(0, Math.min(DUE_NEXT, schedule.size())));
        }
    }
}
