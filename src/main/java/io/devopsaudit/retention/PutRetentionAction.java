/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.retention;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.Validation;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
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
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code cluster:admin/devops_audit/retention/put}: {@code {"days": N, "dead_letter_days": M}}, written as persistent
 * cluster settings with the caller's rights (the caller also needs {@code cluster:admin/settings/update}).
 */
public final class PutRetentionAction extends ActionType<PutRetentionAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/retention/put";
    public static final PutRetentionAction INSTANCE = new PutRetentionAction();
    static final List<String> KEYS = List.of("days", "dead_letter_days", "warm_after_days");
    /** {@code warm_after_days} as it is stored when the warm step is off. */
    static final int OFF = -1;

    private PutRetentionAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends ActionRequest {
        private final Integer days;
        private final Integer deadLetterDays;
        /** {@code null}: unchanged; {@link #OFF}: the warm step off; else days after a month's end. */
        private final Integer warmAfterDays;

        public Request(Integer days, Integer deadLetterDays) {
            this(days, deadLetterDays, null);
        }

        public Request(Integer days, Integer deadLetterDays, Integer warmAfterDays) {
            this.days = days;
            this.deadLetterDays = deadLetterDays;
            this.warmAfterDays = warmAfterDays;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            days = in.readOptionalVInt();
            deadLetterDays = in.readOptionalVInt();
            warmAfterDays = in.readOptionalInt();
        }

        /** From a REST body: unknown keys and values that are not whole numbers are refused, naming the key. */
        public static Request parse(Map<String, Object> body) {
            for (String key : body.keySet()) {
                if (KEYS.contains(key) == false) {
                    throw new IllegalArgumentException(
                            "unknown retention parameter [" + key + "], expected one of " + KEYS);
                }
            }
            Integer warm = null;
            if (body.containsKey("warm_after_days")) {
                Object v = body.get("warm_after_days");
                if (v == null) warm = OFF; // null turns the warm step off
                else if (v instanceof Integer i && i >= 0) warm = i;
                else
                    throw new IllegalArgumentException("[warm_after_days] must be a whole number of days from 0 to "
                            + RetentionSettings.MAX_DAYS + ", or null to turn the warm step off, found [" + v + "]");
            }
            return new Request(days(body, "days"), days(body, "dead_letter_days"), warm);
        }

        private static Integer days(Map<String, Object> body, String key) {
            Object v = body.get(key);
            if (v == null && body.containsKey(key) == false) return null;
            if (v instanceof Integer i) return i;
            throw new IllegalArgumentException(rangeMessage(key, v));
        }

        private static String rangeMessage(String key, Object v) {
            return "[" + key + "] must be a whole number of days from " + RetentionSettings.MIN_DAYS + " to "
                    + RetentionSettings.MAX_DAYS + ", found [" + v + "]";
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalVInt(days);
            out.writeOptionalVInt(deadLetterDays);
            out.writeOptionalInt(warmAfterDays);
        }

        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException errors = Validation.require(
                    days != null || deadLetterDays != null || warmAfterDays != null,
                    "give [days], [dead_letter_days] and/or [warm_after_days]",
                    null);
            errors = Validation.require(
                    warmAfterDays == null || (warmAfterDays >= OFF && warmAfterDays <= RetentionSettings.MAX_DAYS),
                    "[warm_after_days] must be from 0 to " + RetentionSettings.MAX_DAYS + " days, or off",
                    errors);
            return Validation.check(
                    errors, () -> checkRange("days", days), () -> checkRange("dead_letter_days", deadLetterDays));
        }

        private static void checkRange(String key, Integer value) {
            if (value != null && (value < RetentionSettings.MIN_DAYS || value > RetentionSettings.MAX_DAYS)) {
                throw new IllegalArgumentException(rangeMessage(key, value));
            }
        }

        Settings asSettings() {
            Settings.Builder update = Settings.builder();
            if (days != null) update.put(RetentionSettings.DAYS.getKey(), days);
            if (deadLetterDays != null) update.put(RetentionSettings.DEAD_LETTER_DAYS.getKey(), deadLetterDays);
            if (warmAfterDays != null) update.put(RetentionSettings.WARM_AFTER_DAYS.getKey(), warmAfterDays);
            return update.build();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r
                    && Objects.equals(r.days, days)
                    && Objects.equals(r.deadLetterDays, deadLetterDays)
                    && Objects.equals(r.warmAfterDays, warmAfterDays);
        }

        @Override
        public int hashCode() {
            return Objects.hash(days, deadLetterDays, warmAfterDays);
        }
    }

    /** {@code {"acknowledged": true, "days", "dead_letter_days", "interval"}}: the settings now in force. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final RetentionSettingsView settings;

        public Response(RetentionSettingsView settings) {
            this.settings = Objects.requireNonNull(settings);
        }

        public Response(StreamInput in) throws IOException {
            this(new RetentionSettingsView(in));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            settings.writeTo(out);
        }

        public RetentionSettingsView settings() {
            return settings;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject().field("acknowledged", true);
            settings.fields(builder);
            return builder.endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && settings.equals(r.settings);
        }

        @Override
        public int hashCode() {
            return settings.hashCode();
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        private final Client client;
        private final RetentionService retention;

        @Inject
        public TransportAction(
                TransportService transportService,
                ActionFilters actionFilters,
                Client client,
                RetentionService retention) {
            super(NAME, transportService, actionFilters, Request::new);
            this.client = client;
            this.retention = retention;
        }

        @Override
        protected Response run(Request request) {
            Settings update = request.asSettings();
            client.admin()
                    .cluster()
                    .prepareUpdateSettings()
                    .setPersistentSettings(update)
                    .get();
            return new Response(retention.settingsView(update));
        }
    }
}
