/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import org.opensearch.test.OpenSearchTestCase;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/** The pure parts of setup and content: parameters, overlays on the shipped files, rendered monitors. */
public class ContentHelpersTests extends OpenSearchTestCase {

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> m, String... path) {
        Object node = m;
        for (String key : path) node = ((Map<String, Object>) node).get(key);
        return node;
    }

    public void testParametersAreValidatedNamingTheParameter() {
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> SetupParameters.parse(Map.of("colour", 1)))
                        .getMessage(),
                containsString("unknown setup parameter [colour]"));
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> SetupParameters.parse(Map.of("replicas", "two")))
                        .getMessage(),
                containsString("[replicas] must be a whole number"));
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> SetupParameters.parse(Map.of("shards", 65)))
                        .getMessage(),
                containsString("[shards] must be a whole number from 1 to 64, found [65]"));
        assertThat(
                expectThrows(
                                IllegalArgumentException.class,
                                () -> SetupParameters.parse(Map.of("trusted_networks", "10.0.0.0/8")))
                        .getMessage(),
                containsString("[trusted_networks] must be a list of strings"));
        assertThat(
                expectThrows(
                                IllegalArgumentException.class,
                                () -> SetupParameters.parse(Map.of("severity_overrides", List.of("DA-GL-011"))))
                        .getMessage(),
                containsString("[severity_overrides] must map rule ids to severities, found [[DA-GL-011]]"));
        assertThat(
                expectThrows(
                                IllegalArgumentException.class,
                                () -> SetupParameters.parse(Map.of("disabled_rules", "DA-GL-011")))
                        .getMessage(),
                containsString("[disabled_rules] must be a list of strings"));
    }

    @SuppressWarnings("unchecked")
    public void testOverlaysChangeOnlyTheirKeysAndNeverTheShippedContent() {
        SetupParameters p = SetupParameters.parse(Map.of(
                "replicas",
                2,
                "shards",
                3,
                "trusted_networks",
                List.of("192.0.2.0/24"),
                "disabled_rules",
                List.of("DA-GL-011"),
                "severity_overrides",
                Map.of("DA-GL-001", "critical")));
        Map<String, Object> shipped = SetupService.resource("index-template.json");
        Map<String, Object> template = p.applyToTemplate(shipped);
        assertEquals(2, at(template, "template", "settings", "index", "number_of_replicas"));
        assertEquals(3, at(template, "template", "settings", "index", "number_of_shards"));
        assertEquals(at(shipped, "template", "mappings"), at(template, "template", "mappings"));
        assertNotEquals(
                "the shipped file is untouched", 2, at(shipped, "template", "settings", "index", "number_of_replicas"));
        expectThrows(UnsupportedOperationException.class, () -> shipped.put("x", 1));

        Map<String, Object> pipeline = p.applyToPipeline(SetupService.resource("ingest-pipeline.json"));
        Map<String, Object> processor = (Map<String, Object>)
                ((Map<String, Object>) ((List<Object>) pipeline.get("processors")).get(0)).get("devops_audit");
        assertEquals(List.of("192.0.2.0/24"), processor.get("trusted_networks"));
        assertEquals(List.of("DA-GL-011"), processor.get("disabled_rules"));
        assertEquals(Map.of("DA-GL-001", "critical"), processor.get("severity_overrides"));
        assertNull("unset parameters are not written", processor.get("privileged_roles"));
        assertEquals(SetupService.resource("ingest-pipeline.json").get("on_failure"), pipeline.get("on_failure"));
    }

    public void testMonitorsAreRenderedWithTheChannelAndUrlOnly() {
        List<Map<String, Object>> monitors = MonitorContent.render("chan_1", "https://dash.example.com/");
        String text = monitors.toString();
        assertFalse(text.contains(MonitorContent.CHANNEL_PLACEHOLDER));
        assertFalse(text.contains(MonitorContent.DASHBOARDS_PLACEHOLDER));
        assertEquals(ContentFiles.monitors().size(), monitors.size());
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> MonitorContent.render("bad id", null))
                        .getMessage(),
                containsString("[notification_channel_id]"));
        assertThat(
                expectThrows(IllegalArgumentException.class, () -> MonitorContent.render(null, "ftp://x"))
                        .getMessage(),
                containsString("[dashboards_url]"));
    }

    public void testAChangeKeepsStoredParametersItLeavesOutAndNullResetsThem() {
        SetupParameters stored = SetupParameters.parse(Map.of(
                "replicas", 0, "trusted_networks", List.of("10.0.0.0/8"), "dashboards_url", "https://d.example"));
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("notification_channel_id", "abc");
        body.put("dashboards_url", null);
        SetupParameters merged = SetupParameters.parse(body).mergedOver(stored, SetupParameters.resetKeys(body));
        assertEquals(
                Map.of("replicas", 0, "trusted_networks", List.of("10.0.0.0/8"), "notification_channel_id", "abc"),
                merged.toMap());
        assertEquals(Integer.valueOf(1), merged.effective().shards());
        assertNull(merged.effective().dashboardsUrl());
    }

    public void testDifferencesNameMissingProcessorsAndOptions() {
        Map<String, Object> want = Map.of(
                "processors",
                List.of(
                        Map.of(
                                "devops_audit",
                                Map.of("tag", "devops-audit", "trusted_networks", List.of("10.0.0.0/8"))),
                        Map.of("geoip", Map.of("tag", "enrich/geoip/city", "field", "source.ip"))));
        Map<String, Object> have = Map.of(
                "processors",
                List.of(
                        Map.of("devops_audit", Map.of("tag", "devops-audit")),
                        Map.of("set", Map.of("field", "a", "value", 1))));
        assertEquals(
                List.of(
                        "missing processor geoip[enrich/geoip/city]",
                        "extra processor set#1",
                        "processor devops_audit[devops-audit] lacks option [trusted_networks] (configured [10.0.0.0/8])"),
                SetupDifferences.pipeline(want, have));
        assertEquals(List.of(), SetupDifferences.pipeline(want, want));
        assertEquals(
                List.of("[settings.index.number_of_replicas] is 1, configured 0"),
                SetupDifferences.template(
                        Map.of("settings", Map.of("index", Map.of("number_of_replicas", 0)), "composed_of", List.of()),
                        Map.of("settings", Map.of("index", Map.of("number_of_replicas", "1")))));
    }
}
