/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.shippers;

import org.opensearch.test.OpenSearchTestCase;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * docs/shippers.md shows the rsyslog configuration that RsyslogShipperIT runs, verbatim: the doc cannot drift from
 * the tested file.
 */
public class ShippersDocTests extends OpenSearchTestCase {

    public void testTheDocumentedRsyslogConfigurationIsTheTestedOne() throws Exception {
        String doc = Files.readString(
                Path.of(System.getProperty("project.basedir", "."), "docs", "shippers.md"), StandardCharsets.UTF_8);
        String conf;
        try (InputStream in = getClass().getResourceAsStream("/shippers/rsyslog.conf")) {
            assertNotNull("shippers/rsyslog.conf on the test class path", in);
            conf = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(
                "docs/shippers.md must contain src/test/resources/shippers/rsyslog.conf verbatim in a code block",
                doc.contains("```\n" + conf + "```\n"));
    }
}
