/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.parse.SourceFormat;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.RandomDocumentPicks;
import org.opensearch.test.OpenSearchTestCase;

import java.time.Instant;
import java.util.HashMap;

public class DevopsAuditProcessorTests extends OpenSearchTestCase {

    public void testStampsIngestTimeAndProvider() throws Exception {
        SourceFormat format = randomFrom(SourceFormat.values());
        DevopsAuditProcessor p = new DevopsAuditProcessor("t", null, null, format, true, false);
        IngestDocument doc = RandomDocumentPicks.randomIngestDocument(random(), new HashMap<>());
        p.execute(doc);
        assertEquals(format.provider(), doc.getFieldValue("event.provider", String.class));
        Instant ingested = Instant.parse(doc.getFieldValue("event.ingested", String.class));
        assertTrue(ingested.isAfter(Instant.parse("2020-01-01T00:00:00Z")));
    }
}
