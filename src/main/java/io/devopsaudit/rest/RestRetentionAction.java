/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.rest;

import io.devopsaudit.retention.RetentionService;
import io.devopsaudit.retention.RetentionSettings;
import org.opensearch.common.settings.Settings;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.client.node.NodeClient;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Retention by event time: {@code GET /_plugins/devops_audit/_retention} (settings, last and next run, indices due
 * next), {@code PUT} with {@code {"days": N, "dead_letter_days": M}} (validated, then written as persistent cluster
 * settings), and {@code POST .../_retention/_run?dry_run=true|false}.
 */
public final class RestRetentionAction extends BaseRestHandler {

    static final int DUE_NEXT = 10;
    private final RetentionService retention;

    public RestRetentionAction(RetentionService retention) {
        this.retention = retention;
    }

    @Override
    public String getName() {
        return "devops_audit_retention";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.GET, RestResponses.BASE + "/_retention"),
            new Route(RestRequest.Method.PUT, RestResponses.BASE + "/_retention"),
            new Route(RestRequest.Method.POST, RestResponses.BASE + "/_retention/_run"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws java.io.IOException {
        if (request.method() == RestRequest.Method.POST) {
            boolean dryRun = request.paramAsBoolean("dry_run", false);
            return RestResponses.forked(client, () -> retention.run(dryRun))::accept;
        }
        if (request.method() == RestRequest.Method.PUT) {
            Map<String, Object> body = RestResponses.body(request);
            Settings.Builder update = Settings.builder();
            for (String key : body.keySet()) {
                if (Set.of("days", "dead_letter_days").contains(key) == false) {
                    throw new IllegalArgumentException("unknown retention parameter [" + key + "], expected [days] or [dead_letter_days]");
                }
            }
            if (body.isEmpty()) {
                throw new IllegalArgumentException("give [days] and/or [dead_letter_days]");
            }
            if (body.containsKey("days")) update.put(RetentionSettings.DAYS.getKey(), days(body, "days"));
            if (body.containsKey("dead_letter_days")) update.put(RetentionSettings.DEAD_LETTER_DAYS.getKey(), days(body, "dead_letter_days"));
            return RestResponses.forked(client, () -> {
                client.admin().cluster().prepareUpdateSettings().setPersistentSettings(update).get();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("acknowledged", true);
                out.putAll(settings(update.build()));
                return out;
            })::accept;
        }
        return RestResponses.forked(client, () -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("settings", settings(Settings.EMPTY));
            Map<String, Object> last = retention.lastRun();
            out.put("last_run", last);
            out.put("next_run", last == null ? "within " + retention.interval() + " of the cluster-manager's start" : last.get("next_run"));
            List<Map<String, Object>> schedule = retention.schedule(Instant.now());
            out.put("managed_indices", schedule.size());
            out.put("due_next", schedule.subList(0, Math.min(DUE_NEXT, schedule.size())));
            return out;
        })::accept;
    }

    private Map<String, Object> settings(Settings pending) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("days", pending.getAsInt(RetentionSettings.DAYS.getKey(), retention.days()));
        s.put("dead_letter_days", pending.getAsInt(RetentionSettings.DEAD_LETTER_DAYS.getKey(), retention.deadLetterDays()));
        s.put("interval", retention.interval().getStringRep());
        return s;
    }

    static int days(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v instanceof Integer i && i >= RetentionSettings.MIN_DAYS && i <= RetentionSettings.MAX_DAYS) {
            return i;
        }
        throw new IllegalArgumentException("[" + key + "] must be a whole number of days from " + RetentionSettings.MIN_DAYS + " to "
            + RetentionSettings.MAX_DAYS + ", found [" + v + "]");
    }
}
