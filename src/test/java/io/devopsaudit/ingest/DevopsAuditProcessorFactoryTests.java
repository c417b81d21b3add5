/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.indicators.SitePolicy;
import io.devopsaudit.parse.SourceFormat;
import org.opensearch.OpenSearchParseException;
import org.opensearch.test.OpenSearchTestCase;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

public class DevopsAuditProcessorFactoryTests extends OpenSearchTestCase {

    private final DevopsAuditProcessor.Factory factory = ProcessorTestAccess.factory();

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
        OpenSearchParseException e =
                expectThrows(OpenSearchParseException.class, () -> factory.create(null, "my-tag", null, config));
        assertEquals(
                "[format] unknown format [gitlab_xml], expected one of [auto, gitlab_api, gitlab_stream, gitlab_log, "
                        + "gitlab_csv, circleci_json, circleci_csv, gitlab_production_log, gitlab_api_log, gitlab_auth_log]",
                e.getMessage());
        assertEquals("devops_audit", e.getMetadata("opensearch.processor_type").get(0));
        assertEquals("my-tag", e.getMetadata("opensearch.processor_tag").get(0));
    }

    public void testWrongTypeNamesTheOption() {
        Map<String, Object> config = new HashMap<>(Map.of("keep_original", "maybe"));
        OpenSearchParseException e =
                expectThrows(OpenSearchParseException.class, () -> factory.create(null, "t", null, config));
        assertEquals("[keep_original] property isn't a boolean, but of type [java.lang.String]", e.getMessage());

        Map<String, Object> config2 = new HashMap<>(Map.of("field", 42));
        e = expectThrows(OpenSearchParseException.class, () -> factory.create(null, "t", null, config2));
        assertEquals("[field] property isn't a string, but of type [java.lang.Integer]", e.getMessage());
    }

    public void testCsvHeaderAsListOrLine() {
        DevopsAuditProcessor p = factory.create(
                null,
                "t",
                null,
                new HashMap<>(Map.of("format", "circleci_csv", "csv_header", "id,action,occurred_at")));
        assertEquals(List.of("id", "action", "occurred_at"), p.getCsvHeader());
        p = factory.create(null, "t", null, new HashMap<>(Map.of("csv_header", List.of("a", "b"))));
        assertEquals(List.of("a", "b"), p.getCsvHeader());
    }

    public void testBadCsvHeaderNamesTheOption() {
        OpenSearchParseException e = expectThrows(
                OpenSearchParseException.class,
                () -> factory.create(null, "t", null, new HashMap<>(Map.of("csv_header", List.of("a", "a")))));
        assertEquals("[csv_header] must name each column once, found [a, a]", e.getMessage());
        e = expectThrows(
                OpenSearchParseException.class,
                () -> factory.create(null, "t", null, new HashMap<>(Map.of("csv_header", 5))));
        assertEquals("[csv_header] must be a list of column names or one header line, found [5]", e.getMessage());
        e = expectThrows(
                OpenSearchParseException.class,
                () -> factory.create(
                        null, "t", null, new HashMap<>(Map.of("format", "gitlab_api", "csv_header", "a,b"))));
        assertEquals("[csv_header] only applies to CSV formats, not [gitlab_api]", e.getMessage());
    }

    public void testSitePolicyAndRoutingOptions() {
        DevopsAuditProcessor p = factory.create(
                null,
                "t",
                null,
                new HashMap<>(Map.of(
                        "trusted_networks",
                        List.of("192.0.2.0/24", "2001:db8::/32"),
                        "privileged_roles",
                        List.of("Owner"),
                        "index_granularity",
                        "day")));
        assertEquals(2, p.getPolicy().trustedNetworks().size());
        assertEquals(Set.of("owner"), p.getPolicy().privilegedRoles());
        assertEquals(io.devopsaudit.dedup.IndexName.DAY, p.getIndexGranularity());
    }

    public void testInstanceOptionIsValidated() {
        assertEquals(
                "gitlab-com",
                factory.create(null, "t", null, new HashMap<>(Map.of("instance", "gitlab-com")))
                        .getInstance());
        assertNull(factory.create(null, "t", null, new HashMap<>()).getInstance());
        OpenSearchParseException e = expectThrows(
                OpenSearchParseException.class,
                () -> factory.create(null, "t", null, new HashMap<>(Map.of("instance", "a:b"))));
        assertEquals(
                "[instance] must be 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit, found [a:b]",
                e.getMessage());
    }

    public void testBadSitePolicyAndRoutingOptionsNameTheOption() {
        OpenSearchParseException e = expectThrows(
                OpenSearchParseException.class,
                () -> factory.create(
                        null, "t", null, new HashMap<>(Map.of("trusted_networks", List.of("192.0.2.0/33")))));
        assertEquals(
                "[trusted_networks] [192.0.2.0/33] is not a CIDR network (like 192.0.2.0/24) or an IP address",
                e.getMessage());
        e = expectThrows(
                OpenSearchParseException.class,
                () -> factory.create(null, "t", null, new HashMap<>(Map.of("trusted_networks", List.of("office")))));
        assertEquals(
                "[trusted_networks] [office] is not a CIDR network (like 192.0.2.0/24) or an IP address",
                e.getMessage());
        e = expectThrows(
                OpenSearchParseException.class,
                () -> factory.create(null, "t", null, new HashMap<>(Map.of("index_granularity", "week"))));
        assertEquals("[index_granularity] unknown value [week], expected one of [month, day, none]", e.getMessage());
        // the prefix is fixed (IndexNames): retention, investigation, monitors and dashboards all rely on it. The
        // option is
        // no longer read, so it is left over in the config, which makes pipeline creation fail ("doesn't support ...").
        Map<String, Object> withPrefix = new HashMap<>(Map.of("index_prefix", "audit"));
        factory.create(null, "t", null, withPrefix);
        assertEquals(Map.of("index_prefix", "audit"), withPrefix);
        // token_max_lifetime_days was removed (no GitLab token event carries an expiry): pipelines of earlier
        // versions that name it still load, and it changes nothing
        Map<String, Object> old = new HashMap<>(Map.of("token_max_lifetime_days", 30));
        assertEquals(SitePolicy.DEFAULT, factory.create(null, "t", null, old).getPolicy());
        assertEquals(Map.of(), old);
    }

    public void testUseDocumentIfMissingNeedsFieldAndExcludesIgnoreMissing() {
        OpenSearchParseException e = expectThrows(
                OpenSearchParseException.class,
                () -> factory.create(null, "t", null, new HashMap<>(Map.of("use_document_if_missing", true))));
        assertEquals("[use_document_if_missing] needs [field]", e.getMessage());
        e = expectThrows(
                OpenSearchParseException.class,
                () -> factory.create(
                        null,
                        "t",
                        null,
                        new HashMap<>(
                                Map.of("field", "message", "use_document_if_missing", true, "ignore_missing", true))));
        assertEquals("[use_document_if_missing] cannot be combined with [ignore_missing]", e.getMessage());
    }
}
