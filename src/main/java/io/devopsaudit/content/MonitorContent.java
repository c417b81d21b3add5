/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shipped Alerting monitors ({@code content/monitors.json}) rendered for one cluster: the placeholder
 * {@code NOTIFICATION_CHANNEL_ID} becomes the given notification channel (or, without one, actions are left out and
 * alerts only show in the Alerting UI), and {@code DASHBOARDS_URL} becomes the Dashboards address in the messages'
 * links. Nothing in the file hard-codes a destination.
 */
public final class MonitorContent {
    private MonitorContent() {}

    public static final String CHANNEL_PLACEHOLDER = "NOTIFICATION_CHANNEL_ID";
    public static final String DASHBOARDS_PLACEHOLDER = "DASHBOARDS_URL";
    public static final String DEFAULT_DASHBOARDS_URL = "http://localhost:5601";

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> render(String channelId, String dashboardsUrl) {
        if (channelId != null && channelId.matches("[A-Za-z0-9_-]{1,128}") == false) {
            throw new IllegalArgumentException(
                    "[notification_channel_id] must be a notification channel id (letters, digits, - and _), found ["
                            + channelId + "]");
        }
        if (dashboardsUrl != null && dashboardsUrl.matches("https?://[^\\s'\"]+") == false) {
            throw new IllegalArgumentException(
                    "[dashboards_url] must be an http(s) URL, found [" + dashboardsUrl + "]");
        }
        String url = dashboardsUrl == null ? DEFAULT_DASHBOARDS_URL : dashboardsUrl.replaceAll("/+$", "");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> monitor : (List<Map<String, Object>>)
                SetupService.resource("monitors.json").get("monitors")) {
            out.add((Map<String, Object>) replace(monitor, channelId, url));
        }
        return out;
    }

    /** The placeholder a shipped workflow names its delegate monitors by: {@code MONITOR_ID{<monitor name>}}. */
    public static final String MONITOR_ID_PLACEHOLDER = "MONITOR_ID{";

    /**
     * The shipped Alerting workflows (composite sequences over shipped monitors), rendered like the monitors. Their
     * delegates name monitors by {@code MONITOR_ID{<monitor name>}}: the Alerting ids exist only once the monitors are
     * created, so {@code ./devops-audit install-monitors} creates the monitors first and then fills the ids in.
     */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> renderWorkflows(String channelId, String dashboardsUrl) {
        render(channelId, dashboardsUrl); // validates the parameters the same way
        String url = dashboardsUrl == null ? DEFAULT_DASHBOARDS_URL : dashboardsUrl.replaceAll("/+$", "");
        List<Map<String, Object>> out = new ArrayList<>();
        Object workflows = SetupService.resource("monitors.json").get("workflows");
        for (Map<String, Object> workflow : (List<Map<String, Object>>) (workflows == null ? List.of() : workflows)) {
            out.add((Map<String, Object>) replace(workflow, channelId, url));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object replace(Object node, String channelId, String url) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getKey().equals("actions") && channelId == null) {
                    copy.put("actions", List.of());
                } else {
                    copy.put((String) e.getKey(), replace(e.getValue(), channelId, url));
                }
            }
            return copy;
        }
        if (node instanceof List<?> l) {
            return l.stream().map(v -> replace(v, channelId, url)).toList();
        }
        if (node instanceof String s) {
            String r = s.replace(DASHBOARDS_PLACEHOLDER, url);
            return channelId == null ? r : r.replace(CHANNEL_PLACEHOLDER, channelId);
        }
        return node;
    }
}
