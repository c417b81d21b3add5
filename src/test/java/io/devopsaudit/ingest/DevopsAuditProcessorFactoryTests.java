/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.parse.SourceFormat;
import org.opensearch.OpenSearchParseException;
import org.opensearch.test.OpenSearchTestCase;

import java.util.HashMap;
import java.util.Map;

public class DevopsAuditProcessorFactoryTests extends OpenSearchTestCase {

    private final DevopsAuditProcessor.Factory factory = new DevopsAuditProcessor.Factory();

    public void testDefaults() {
        String tag = randomAlphaOfLength(6);
        DevopsAuditProcessor p = factory.create(null, tag, null, new HashMap<>());
        assertEquals(tag, p.getTag());
        assertNull(p.getField());
        assertNull("auto means detect", p.getFormat());
        assertTrue(p.isKeepOriginal());
        assertFalse(p.isIgnoreMissing());
    }

    public void testAllOptions() {
        SourceFormat format = randomFrom(SourceFormat.values());
        Map<String, Object> config = new HashMap<>();
        config.put("field", "message");
        config.put("format", format.id());
        config.put("keep_original", false);
        config.put("ignore_missing", true);
        DevopsAuditProcessor p = factory.create(null, "t", null, config);
        assertEquals("message", p.getField());
        assertEquals(format, p.getFormat());
        assertFalse(p.isKeepOriginal());
        assertTrue(p.isIgnoreMissing());
        assertTrue("every option is consumed", config.isEmpty());
    }

    public void testUnknownFormatNamesTheOption() {
        Map<String, Object> config = new HashMap<>(Map.of("format", "gitlab_xml"));
        OpenSearchParseException e = expectThrows(OpenSearchParseException.class, () -> factory.create(null, "my-tag", null, config));
        assertEquals("[format] unknown format [gitlab_xml], expected one of [auto, gitlab_api, gitlab_stream, gitlab_log, "
            + "gitlab_csv, circleci_json, circleci_csv]", e.getMessage());
        assertEquals("devops_audit", e.getMetadata("opensearch.processor_type").get(0));
        assertEquals("my-tag", e.getMetadata("opensearch.processor_tag").get(0));
    }

    public void testWrongTypeNamesTheOption() {
        Map<String, Object> config = new HashMap<>(Map.of("keep_original", "maybe"));
        OpenSearchParseException e = expectThrows(OpenSearchParseException.class, () -> factory.create(null, "t", null, config));
        assertEquals("[keep_original] property isn't a boolean, but of type [java.lang.String]", e.getMessage());

        Map<String, Object> config2 = new HashMap<>(Map.of("field", 42));
        e = expectThrows(OpenSearchParseException.class, () -> factory.create(null, "t", null, config2));
        assertEquals("[field] property isn't a string, but of type [java.lang.Integer]", e.getMessage());
    }
}
