/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.content.SetupService;
import io.devopsaudit.retention.RetentionSettings;
import io.devopsaudit.schema.IndexNames;
import org.opensearch.Version;
import org.opensearch.cluster.metadata.ComposableIndexTemplate;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.Metadata;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The remembered conformance answers follow the applied metadata, and the time for write-blocked indices. */
public class ConformanceMemoTests extends OpenSearchTestCase {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> templateMappings() {
        return (Map<String, Object>) ((Map<String, Object>)
                        SetupService.resource("index-template.json").get("template"))
                .get("mappings");
    }

    private static Metadata metadata(String name, Map<String, Object> mappings, Settings extra, int warmAfterDays)
            throws IOException {
        String json;
        try (var b = JsonXContent.contentBuilder()) {
            b.map(mappings);
            json = BytesReference.bytes(b).utf8ToString();
        }
        IndexMetadata index = IndexMetadata.builder(name)
                .settings(Settings.builder()
                        .put(IndexMetadata.SETTING_VERSION_CREATED, Version.CURRENT)
                        .put(IndexMetadata.SETTING_NUMBER_OF_SHARDS, 1)
                        .put(IndexMetadata.SETTING_NUMBER_OF_REPLICAS, 0)
                        .put(extra))
                .putMapping(json)
                .build();
        return Metadata.builder()
                .persistentSettings(Settings.builder()
                        .put(RetentionSettings.WARM_AFTER_DAYS.getKey(), warmAfterDays)
                        .build())
                .put(
                        IndexNames.TEMPLATE,
                        new ComposableIndexTemplate(
                                List.of(IndexNames.PREFIX + "-gitlab-*"), null, null, null, null, null))
                .put(index, false)
                .build();
    }

    public void testAnswersFollowTheAppliedMetadata() throws IOException {
        String name = "devops-audit-gitlab-2024.06";
        Instant now = Instant.parse("2024-06-15T12:00:00Z");
        Metadata sourceless = metadata(name, Map.of("_source", Map.of("enabled", false)), Settings.EMPTY, -1);
        Metadata shipped = metadata(name, templateMappings(), Settings.EMPTY, -1);

        assertEquals(Map.of(), ConformanceMemo.nonconforming(shipped, List.of(name), now));
        assertEquals(Map.of(), ConformanceMemo.nonconforming(shipped, List.of(name), now));
        Map<String, List<String>> drift = ConformanceMemo.nonconforming(sourceless, List.of(name, "no-such"), now);
        assertEquals(drift.toString(), List.of(name), List.copyOf(drift.keySet()));
        assertTrue(drift.toString(), drift.get(name).get(0).contains("_source is disabled"));
        assertEquals(Map.of(), ConformanceMemo.nonconforming(shipped, List.of(name), now));
    }

    public void testAWriteBlockedIndexIsJudgedAtEachTime() throws IOException {
        // March ends 2024-04-01: with warm_after_days 40 retention blocks it from 2024-05-11 on
        String march = "devops-audit-gitlab-2024.03";
        Metadata blocked = metadata(
                march,
                templateMappings(),
                Settings.builder().put(IndexMetadata.SETTING_BLOCKS_WRITE, true).build(),
                40);
        assertEquals(
                List.of(march),
                List.copyOf(
                        ConformanceMemo.nonconforming(blocked, List.of(march), Instant.parse("2024-04-05T00:00:00Z"))
                                .keySet()));
        assertEquals(
                Map.of(),
                ConformanceMemo.nonconforming(blocked, List.of(march), Instant.parse("2024-06-15T00:00:00Z")));
    }
}
