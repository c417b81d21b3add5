/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit;

import io.devopsaudit.classify.DerivedActions;
import io.devopsaudit.classify.Taxonomy;
import io.devopsaudit.indicators.RuleSet;
import io.devopsaudit.normalize.Normalizer;
import io.devopsaudit.parse.EventReader;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Shared, loaded-once objects for tests (the same ones the plugin builds at node start). */
public final class TestSupport {
    private TestSupport() {}

    public static final Taxonomy TAXONOMY = Taxonomy.load();
    public static final DerivedActions DERIVED_ACTIONS = DerivedActions.load();
    public static final Normalizer NORMALIZER = new Normalizer(TAXONOMY, DERIVED_ACTIONS);
    public static final EventReader READER = new EventReader();
    public static final RuleSet RULES = RuleSet.load();

    public static Map<String, Object> parseJson(String json) {
        try (XContentParser p = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json)) {
            return p.map();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, Object> parseJsonOrdered(String json) {
        try (XContentParser p = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json)) {
            return p.mapOrdered();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> parseJsonList(String json) {
        return (List<Map<String, Object>>) parseJson("{\"l\":" + json + "}").get("l");
    }

    public static String prettyJson(Map<String, Object> map) {
        try (XContentBuilder b = XContentType.JSON.contentBuilder().prettyPrint()) {
            b.map(map);
            return BytesReference.bytes(b).utf8ToString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
