/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.retention;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.ReportResponse;
import io.devopsaudit.transport.Validation;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.util.LinkedHashMap;
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
    static final List<String> KEYS = List.of("days", "dead_letter_days");

    private PutRetentionAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends ActionRequest {
        private final Integer days;
        private final Integer deadLetterDays;

        public Request(Integer days, Integer deadLetterDays) {
            this.days = days;
            this.deadLetterDays = deadLetterDays;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            days = in.readOptionalVInt();
            deadLetterDays = in.readOptionalVInt();
        }

        /** From a REST body: unknown keys and values that are not whole numbers are refused, naming the key. */
        public static Request parse(Map<String, Object> body) {
            for (String key : body.keySet()) {
                if (KEYS.contains(key) == false) {
                    throw new IllegalArgumentException(
                            "unknown retention parameter [" + key + "], expected [days] or [dead_letter_days]");
                }
            }
            return new Request(days(body, "days"), days(body, "dead_letter_days"));
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
        }

        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException errors = Validation.require(
                    days != null || deadLetterDays != null, "give [days] and/or [dead_letter_days]", null);
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
            return update.build();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r
                    && Objects.equals(r.days, days)
                    && Objects.equals(r.deadLetterDays, deadLetterDays);
        }

        @Override
        public int hashCode() {
            return Objects.hash(days, deadLetterDays);
        }
    }

    /** {@code {"acknowledged": true, "days", "dead_letter_days", "interval"}}: the settings now in force. */
    public static final class Response extends ReportResponse {
        public Response(Map<String, Object> report) {
            super(report);
        }

        Response(StreamInput in) throws IOException {
            super(in);
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
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("acknowledged", true);
            out.putAll(retention.settingsView(update));
            return new Response(out);
        }
    }
}
