/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import org.opensearch.OpenSearchParseException;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.test.OpenSearchTestCase;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code public_ip_field}: the processor copies a public {@code source.ip} where the lookups after it read it, and
 * nothing else about the record changes.
 */
public class PublicIpFieldTests extends OpenSearchTestCase {

    /** How the shipped pipeline configures it: ingest metadata, never part of the stored document. */
    private static final String SHIPPED_FIELD = "_ingest.devops_audit_public_ip";

    private static String circleci(String ip) {
        return DevopsAuditProcessorTests.CIRCLECI.replace("203.0.113.7", ip);
    }

    private static IngestDocument run(Map<String, Object> config, String event) {
        IngestDocument d = new IngestDocument("idx", "1", null, null, null, new HashMap<>(Map.of("message", event)));
        ProcessorTestAccess.create(config).execute(d);
        return d;
    }

    public void testAPublicAddressIsCopiedAndTheRecordIsTheSameAsWithoutTheOption() {
        String event = circleci("89.160.20.128");
        IngestDocument with = run(Map.of("field", "message", "public_ip_field", SHIPPED_FIELD), event);
        IngestDocument without = run(Map.of("field", "message"), event);
        assertEquals("89.160.20.128", with.getFieldValue(SHIPPED_FIELD, String.class));
        assertEquals("89.160.20.128", with.getIngestMetadata().get("devops_audit_public_ip"));
        Map<String, Object> a = new HashMap<>(with.getSourceAndMetadata());
        Map<String, Object> b = new HashMap<>(without.getSourceAndMetadata());
        a.remove("event");
        b.remove("event");
        assertEquals("the stored document does not carry the mark", b, a);
        Map<String, Object> eventA = new HashMap<>(with.getFieldValue("event", Map.class));
        Map<String, Object> eventB = new HashMap<>(without.getFieldValue("event", Map.class));
        eventA.remove("ingested");
        eventB.remove("ingested");
        assertEquals(eventB, eventA);
    }

    public void testPrivateAndReservedAddressesAreNotCopied() {
        for (String ip :
                new String[] {"10.1.2.3", "192.168.0.1", "100.64.1.1", "127.0.0.1", "203.0.113.7", "fd00::1"}) {
            IngestDocument d = run(Map.of("field", "message", "public_ip_field", SHIPPED_FIELD), circleci(ip));
            assertEquals(ip, d.getFieldValue("source.ip", String.class));
            assertFalse(ip, d.hasField(SHIPPED_FIELD));
        }
    }

    public void testAnEventWithoutAnAddressGetsNoMark() {
        String event = DevopsAuditProcessorTests.CIRCLECI.replace(",\"ip_address\":\"203.0.113.7\"", "");
        IngestDocument d = run(Map.of("field", "message", "public_ip_field", SHIPPED_FIELD), event);
        assertFalse(d.hasField("source.ip"));
        assertFalse(d.hasField(SHIPPED_FIELD));
    }

    public void testADocumentFieldWorksToo() {
        IngestDocument d = run(Map.of("field", "message", "public_ip_field", "lookup.ip"), circleci("81.2.69.142"));
        assertEquals("81.2.69.142", d.getFieldValue("lookup.ip", String.class));
    }

    public void testWithoutTheOptionNothingIsCopied() {
        IngestDocument d = run(Map.of("field", "message"), circleci("89.160.20.128"));
        assertTrue(d.getIngestMetadata().keySet().stream().noneMatch(k -> k.contains("public")));
        assertNull(ProcessorTestAccess.create(Map.of()).getPublicIpField());
    }

    public void testABlankFieldNameIsRefused() {
        OpenSearchParseException e = expectThrows(
                OpenSearchParseException.class, () -> ProcessorTestAccess.create(Map.of("public_ip_field", " ")));
        assertEquals("[public_ip_field] must name a field, found [ ]", e.getMessage());
    }
}
