/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import org.opensearch.test.OpenSearchTestCase;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.hamcrest.Matchers.containsString;

/** Which steps of the shipped pipeline are enrichment, and what setup installs when a processor type is missing. */
public class PipelineEnrichmentTests extends OpenSearchTestCase {

    private static Map<String, Object> shipped() {
        return SetupService.resource("ingest-pipeline.json");
    }

    @SuppressWarnings("unchecked")
    private static List<String> tags(Map<String, Object> pipeline) {
        List<String> tags = new ArrayList<>();
        for (Object p : (List<Object>) pipeline.get("processors")) {
            Map<String, Object> config = (Map<String, Object>)
                    ((Map<String, Object>) p).values().iterator().next();
            tags.add((String) config.get("tag"));
        }
        return tags;
    }

    @SuppressWarnings("unchecked")
    public void testEveryGeoipAndUserAgentStepIsTaggedAsTheEnrichmentOfItsOwnType() {
        int enrichment = 0;
        for (Object p : (List<Object>) shipped().get("processors")) {
            Map<String, Object> wrapper = (Map<String, Object>) p;
            String type = wrapper.keySet().iterator().next();
            String enrichmentType = PipelineEnrichment.enrichmentType(wrapper);
            if (PipelineEnrichment.MODULES.containsKey(type)) {
                // an untagged geoip step would be installed on a node without the module, and the put would fail
                assertEquals(wrapper.toString(), type, enrichmentType);
            }
            if (enrichmentType != null) {
                enrichment++;
                assertTrue(enrichmentType, PipelineEnrichment.MODULES.containsKey(enrichmentType));
            }
        }
        assertEquals(5, enrichment);
        assertEquals(List.of("geoip", "user_agent"), List.copyOf(PipelineEnrichment.types(shipped())));
    }

    public void testWithEveryProcessorTheShippedPipelineIsInstalledAsItIs() {
        PipelineEnrichment.Result r = PipelineEnrichment.fit(shipped(), Set.of("geoip", "user_agent"));
        assertSame(shipped(), r.pipeline());
        assertEquals(Set.of(), r.skipped());
        assertNull(PipelineEnrichment.reason(r.skipped(), "installed"));
    }

    public void testWithoutGeoipItsLookupsAndRenamesAreLeftOutAndEverythingElseStays() {
        PipelineEnrichment.Result r = PipelineEnrichment.fit(shipped(), Set.of("user_agent"));
        assertEquals(Set.of("geoip"), r.skipped());
        assertEquals(List.of("devops-audit", "enrich/user_agent"), tags(r.pipeline()));
        assertEquals(shipped().get("on_failure"), r.pipeline().get("on_failure"));
        assertEquals(shipped().get("version"), r.pipeline().get("version"));
        assertEquals(6, tags(shipped()).size()); // the shipped content itself is untouched
        assertThat(
                PipelineEnrichment.reason(r.skipped(), "installed"),
                containsString("installed without enrichment by [geoip] (module ingest-geoip)"));
    }

    public void testWithNeitherModuleOnlyTheAuditProcessorRemains() {
        PipelineEnrichment.Result r = PipelineEnrichment.fit(shipped(), Set.of());
        assertEquals(new LinkedHashSet<>(List.of("geoip", "user_agent")), r.skipped());
        assertEquals(List.of("devops-audit"), tags(r.pipeline()));
        assertThat(
                PipelineEnrichment.reason(r.skipped(), "installed"),
                containsString("[geoip] (module ingest-geoip), [user_agent] (module ingest-user-agent)"));
    }

    public void testATagOnlyCountsWithTheEnrichPrefix() {
        assertNull(PipelineEnrichment.enrichmentType(Map.of("set", Map.of("tag", "geoip/x"))));
        assertNull(PipelineEnrichment.enrichmentType(Map.of("set", Map.of("field", "a"))));
        assertEquals("geoip", PipelineEnrichment.enrichmentType(Map.of("rename", Map.of("tag", "enrich/geoip/x"))));
        assertEquals(
                "user_agent",
                PipelineEnrichment.enrichmentType(Map.of("user_agent", Map.of("tag", "enrich/user_agent"))));
    }

    /**
     * The address lookups read the public address the devops_audit processor marks, with ignore_missing, so an event
     * whose address no database places passes them without a lookup; the mark lives in ingest metadata, which is
     * never stored.
     */
    @SuppressWarnings("unchecked")
    public void testTheGeoipStepsReadThePublicAddressTheProcessorMarks() {
        String marked = null;
        int lookups = 0;
        for (Object p : (List<Object>) shipped().get("processors")) {
            Map<String, Object> wrapper = (Map<String, Object>) p;
            if (wrapper.get("devops_audit") instanceof Map<?, ?> c) marked = (String) c.get("public_ip_field");
            if (wrapper.get("geoip") instanceof Map<?, ?> c) {
                lookups++;
                assertNotNull("the processor marks before the lookups read", marked);
                assertEquals(wrapper.toString(), marked, c.get("field"));
                assertEquals(wrapper.toString(), true, c.get("ignore_missing"));
            }
            if (wrapper.get("user_agent") instanceof Map<?, ?> c) {
                assertEquals("parsed only when there is one", true, c.get("ignore_missing"));
            }
        }
        assertEquals(2, lookups);
        assertTrue(marked, marked.startsWith("_ingest."));
    }
}
