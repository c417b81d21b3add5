/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import io.devopsaudit.parse.JsonText;
import org.opensearch.client.Request;
import org.opensearch.test.rest.yaml.ObjectPath;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

/**
 * The shipped pipeline's enrichment on the real node, whose distribution carries the ingest-geoip module with the
 * GeoLite2 City, Country and ASN databases and the ingest-user-agent module: events go in through {@code _bulk} with
 * the installed pipeline and are read back from their month index (so the template's mappings accept what the
 * processors add).
 */
public class EnrichmentIT extends DevopsAuditRestTestCase {

    /** An address the GeoLite2 databases place (OpenSearch's own geoip tests use it): Sweden, AS 29518 Bredband2. */
    static final String PUBLIC_IP = "89.160.20.128";

    static final String CHROME_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

    /** A GitLab API event; {@code ip} and {@code userAgent} go into details when not null. */
    static String event(int id, String ip, String userAgent) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("event_name", "user_logged_in");
        details.put("author_name", "alice");
        details.put("entity_path", "alice");
        if (ip != null) details.put("ip_address", ip);
        if (userAgent != null) details.put("user_agent", userAgent);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("author_id", 7);
        e.put("entity_id", 7);
        e.put("entity_type", "User");
        e.put("event_name", "user_logged_in");
        e.put("details", details);
        e.put("created_at", "2024-03-01T09:00:00.000Z");
        return JsonText.write(e);
    }

    /** Sends the events through the installed pipeline; returns each stored document's source, in order. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> ingest(String... events) throws Exception {
        Bulk bulk = new Bulk();
        for (String e : events) {
            bulk.message("incoming", e);
        }
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Map<String, Object> index : Bulk.items(bulk.sendWithoutErrors("devops-audit"))) {
            String name = (String) index.get("_index");
            assertTrue("stored as an event, not dead-lettered: " + name, name.startsWith("devops-audit-gitlab-"));
            docs.add((Map<String, Object>)
                    call("GET", "/" + name + "/_doc/" + index.get("_id"), null).get("_source"));
        }
        return docs;
    }

    static Object at(Map<String, Object> doc, String path) throws Exception {
        return ObjectPath.evaluate(doc, path);
    }

    @SuppressWarnings("unchecked")
    public void testAPublicAddressGetsCountryCityLocationAndNetworkAndTheUserAgentIsParsed() throws Exception {
        Map<String, Object> setup = call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\":0}");
        Map<String, Object> pipeline = ((List<Map<String, Object>>) setup.get("assets"))
                .stream()
                        .filter(a -> a.get("type").equals("ingest_pipeline"))
                        .findFirst()
                        .orElseThrow();
        assertEquals("nothing left out on a node with both modules", List.of(), pipeline.get("enrichment_skipped"));
        assertNull(pipeline.get("reason"));

        Map<String, Object> doc =
                ingest(event(9001, PUBLIC_IP, CHROME_ON_WINDOWS)).get(0);
        String seen = doc.toString();
        assertEquals(PUBLIC_IP, at(doc, "source.ip"));
        // country and network are stable facts of this address; the city and the point move between GeoLite2
        // releases (the 3.8.0 distribution's database says Tumba, near Stockholm), so they are checked loosely
        assertEquals(seen, "SE", at(doc, "source.geo.country_iso_code"));
        assertEquals(seen, "Sweden", at(doc, "source.geo.country_name"));
        assertEquals(seen, "Europe", at(doc, "source.geo.continent_name"));
        assertFalse(seen, ((String) at(doc, "source.geo.city_name")).isBlank());
        assertThat(seen, ((Number) at(doc, "source.geo.location.lat")).doubleValue(), closeTo(62, 7.5)); // Sweden
        assertThat(seen, ((Number) at(doc, "source.geo.location.lon")).doubleValue(), closeTo(17.5, 6.5));
        assertEquals(seen, 29518, ((Number) at(doc, "source.as.number")).intValue());
        assertEquals(seen, "Bredband2 AB", at(doc, "source.as.organization.name"));
        assertNull("renamed, not copied", at(doc, "source.as.asn"));
        assertNull(at(doc, "source.as.organization_name"));

        assertEquals(CHROME_ON_WINDOWS, at(doc, "user_agent.original"));
        assertEquals("Chrome", at(doc, "user_agent.name"));
        assertEquals("120.0.0.0", at(doc, "user_agent.version"));
        assertEquals("Windows", at(doc, "user_agent.os.name"));
        assertEquals("10", at(doc, "user_agent.os.version"));
        assertEquals("Other", at(doc, "user_agent.device.name"));
        assertNull(at(doc, "audit.warnings"));

        // the mapping: a geo_point (a bounding-box query around Sweden finds it) and a long
        String query = "{\"query\":{\"bool\":{\"filter\":[{\"geo_bounding_box\":{\"source.geo.location\":"
                + "{\"top_left\":{\"lat\":69.1,\"lon\":11},\"bottom_right\":{\"lat\":55.3,\"lon\":24.2}}}},"
                + "{\"term\":{\"source.as.number\":29518}}]}}}";
        Request count = new Request("GET", "/devops-audit-gitlab-*/_count");
        count.setJsonEntity(query);
        assertEquals(1, entityAsMap(client().performRequest(count)).get("count"));

        // the access report's per-IP row carries the country and network, its per-user row the user agent
        ingest(JsonText.write(Map.of(
                "id",
                9002,
                "author_id",
                7,
                "entity_id",
                70,
                "entity_type",
                "Project",
                "event_name",
                "repository_download_operation",
                "details",
                Map.of(
                        "event_name", "repository_download_operation",
                        "author_name", "alice",
                        "entity_path", "acme/geo",
                        "ip_address", PUBLIC_IP,
                        "user_agent", CHROME_ON_WINDOWS),
                "created_at",
                "2024-03-01T09:05:00.000Z")));
        Map<String, Object> report = call(
                "POST",
                "/_plugins/devops_audit/_access_report",
                "{\"scope\":\"acme/geo\",\"from\":\"2024-03-01T08:00:00Z\",\"to\":\"2024-03-01T10:00:00Z\",\"detail\":true}");
        assertEquals(report.toString(), 1, report.get("accesses"));
        String reported = report.toString();
        Map<String, Object> ipRow = ((List<Map<String, Object>>) report.get("source_ips"))
                .stream()
                        .filter(r -> PUBLIC_IP.equals(r.get("ip")))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(reported));
        assertEquals(reported, List.of("SE"), ipRow.get("countries"));
        assertEquals(reported, List.of(29518), ipRow.get("asns"));
        Map<String, Object> userRow = ((List<Map<String, Object>>) report.get("users"))
                .stream()
                        .filter(r -> "alice".equals(r.get("user")))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(reported));
        assertEquals(reported, List.of(CHROME_ON_WINDOWS), userRow.get("user_agents"));
    }

    public void testPrivateMissingAndInvalidAddressesPassQuietly() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\":0}");
        List<Map<String, Object>> docs = ingest(
                event(9101, "10.1.2.3", null),
                event(9102, "192.168.0.1", null),
                event(9103, "fd00::1", null),
                event(9104, null, null),
                event(9105, "not-an-ip", "curl/8.5.0"));
        for (Map<String, Object> doc : docs) {
            assertNull(doc.toString(), at(doc, "source.geo"));
            assertNull(doc.toString(), at(doc, "source.as"));
        }
        assertEquals("10.1.2.3", at(docs.get(0), "source.ip"));
        assertNull("no warning for a private address", at(docs.get(0), "audit.warnings"));
        assertNull(at(docs.get(3), "source.ip"));
        assertNull("no user agent, nothing parsed", at(docs.get(3), "user_agent"));
        // an address that is not one never reaches geoip: the processor keeps it out of source.ip and says so
        assertNull(at(docs.get(4), "source.ip"));
        assertEquals(
                List.of("field [ip_address] is not an IP address; not copied to source.ip"),
                at(docs.get(4), "audit.warnings"));
        assertEquals("curl", at(docs.get(4), "user_agent.name"));
        assertEquals("8.5.0", at(docs.get(4), "user_agent.version"));
    }

    /**
     * The guard behind the lookups: the shipped enrichment steps (as installed) on a document whose {@code source.ip}
     * geoip cannot parse, which the processor never produces. The event is kept, the failure named in audit.warnings.
     */
    @SuppressWarnings("unchecked")
    public void testAnUnparsableAddressIsAWarningNotADeadLetter() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\":0}");
        Map<String, Object> installed = (Map<String, Object>)
                call("GET", "/_ingest/pipeline/devops-audit", null).get("devops-audit");
        List<Object> enrichment = new ArrayList<>((List<Object>) installed.get("processors"));
        enrichment.remove(0); // the devops_audit processor, which would never let such a value through
        // in its place, what it marks for the lookups when source.ip is public
        enrichment.add(0, Map.of("set", Map.of("field", "_ingest.devops_audit_public_ip", "value", "{{{source.ip}}}")));
        Map<String, Object> body = Map.of(
                "pipeline",
                Map.of("processors", enrichment),
                "docs",
                List.of(Map.of("_source", Map.of("source", Map.of("ip", "999.1.2.3")))));
        Map<String, Object> result = call("POST", "/_ingest/pipeline/_simulate", JsonText.write(body));
        Map<String, Object> doc = (Map<String, Object>) ObjectPath.evaluate(result, "docs.0.doc._source");
        assertNotNull("kept: " + result, doc);
        List<String> warnings = (List<String>) at(doc, "audit.warnings");
        assertThat(warnings, hasItem(containsString("geoip city lookup of source.ip failed: ")));
        assertThat(warnings, hasItem(containsString("geoip ASN lookup of source.ip failed: ")));
        assertThat(warnings.get(0), containsString("999.1.2.3"));
        assertNull(at(doc, "source.geo"));
    }

    /** Runs the events through a pipeline with {@code _simulate}; returns each result document (source and ingest). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> simulate(List<Object> processors, List<String> events) throws Exception {
        List<Object> docs = new ArrayList<>();
        for (String e : events) docs.add(Map.of("_index", "incoming", "_source", Map.of("message", e)));
        Map<String, Object> body = Map.of("pipeline", Map.of("processors", processors), "docs", docs);
        Map<String, Object> result = call("POST", "/_ingest/pipeline/_simulate", JsonText.write(body));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object d : (List<Object>) result.get("docs")) {
            out.add((Map<String, Object>) ((Map<String, Object>) d).get("doc"));
        }
        return out;
    }

    /**
     * Only public addresses are looked up, and they are enriched exactly as when every address was: the installed
     * pipeline against the same pipeline with its two geoip steps reading source.ip directly (as before the
     * processor marked public addresses), on the same events. For one address of every class the processor does
     * not mark, the direct lookup finds nothing either, so nothing is lost by skipping it.
     */
    @SuppressWarnings("unchecked")
    public void testOnlyPublicAddressesAreLookedUpAndTheyAreEnrichedAsBefore() throws Exception {
        call("PUT", "/_plugins/devops_audit/_setup", "{\"replicas\":0}");
        List<Object> installed = (List<Object>)
                ObjectPath.evaluate(call("GET", "/_ingest/pipeline/devops-audit", null), "devops-audit.processors");
        List<Object> direct = new ArrayList<>();
        int lookups = 0;
        for (Object p : installed) {
            Map<String, Object> wrapper = (Map<String, Object>) p;
            if (wrapper.get("geoip") instanceof Map<?, ?> c) {
                assertEquals("_ingest.devops_audit_public_ip", c.get("field"));
                Map<String, Object> config = new LinkedHashMap<>((Map<String, Object>) c);
                config.put("field", "source.ip");
                direct.add(Map.of("geoip", config));
                lookups++;
            } else {
                direct.add(wrapper);
            }
        }
        assertEquals(2, lookups);

        List<String> publicIps =
                List.of(PUBLIC_IP, "81.2.69.142", "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6", "::ffff:89.160.20.128");
        List<String> otherIps = List.of(
                "10.1.2.3", // private
                "172.16.5.4",
                "192.168.0.1",
                "fd00::1", // unique local
                "127.0.0.1", // loopback
                "::1",
                "169.254.1.1", // link-local
                "fe80::1",
                "100.64.1.1", // carrier-grade NAT
                "224.0.0.251", // multicast
                "ff02::1",
                "192.0.2.10", // documentation
                "198.51.100.7",
                "203.0.113.7",
                "2001:db8::1",
                "198.18.0.1", // benchmarking
                "2001:2::1",
                "240.0.0.1", // reserved
                "0.1.2.3");
        List<String> events = new ArrayList<>();
        int id = 9200;
        for (String ip : publicIps) events.add(event(id++, ip, CHROME_ON_WINDOWS));
        for (String ip : otherIps) events.add(event(id++, ip, CHROME_ON_WINDOWS));
        events.add(event(id, null, null));

        List<Map<String, Object>> now = simulate(installed, events);
        List<Map<String, Object>> before = simulate(direct, events);
        int enriched = 0;
        for (int i = 0; i < events.size(); i++) {
            String ip = i < publicIps.size()
                    ? publicIps.get(i)
                    : i < events.size() - 1 ? otherIps.get(i - publicIps.size()) : null;
            Map<String, Object> a = (Map<String, Object>) now.get(i).get("_source");
            Map<String, Object> b = (Map<String, Object>) before.get(i).get("_source");
            assertNotNull(now.get(i).toString(), a);
            ((Map<String, Object>) a.get("event")).remove("ingested");
            ((Map<String, Object>) b.get("event")).remove("ingested");
            assertEquals(String.valueOf(ip), b, a);
            Object marked = ObjectPath.evaluate(now.get(i), "_ingest.devops_audit_public_ip");
            if (i < publicIps.size()) {
                assertEquals("looked up: " + ip, ip, marked);
                assertNotNull(ip + " placed: " + a, at(a, "source.geo.country_iso_code"));
                assertNotNull(ip + " network: " + a, at(a, "source.as.number"));
                enriched++;
            } else {
                assertNull("not looked up: " + ip, marked);
                assertNull("no database places " + ip + " either: " + b, at(b, "source.geo"));
                assertNull(at(b, "source.as"));
                assertNull(at(a, "audit.warnings"));
            }
            assertNull("the mark is never stored", a.get("devops_audit_public_ip"));
        }
        assertEquals(publicIps.size(), enriched);
    }
}
