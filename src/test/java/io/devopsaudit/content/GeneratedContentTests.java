/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The monitors file and the Dashboards saved objects are edited through their generators in {@code tools/}: the
 * shipped files must be exactly what the generators write, so an edit by hand to one side fails here.
 */
public class GeneratedContentTests extends OpenSearchTestCase {

    private static void assertGenerates(String generator, String shipped) throws IOException, InterruptedException {
        Path out = createTempDir();
        Process p = new ProcessBuilder(
                        "python3", ContentFiles.base().resolve(generator).toString(), out.toString())
                .redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(generator + " did not finish", p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(generator + " failed: " + log, 0, p.exitValue());
        List<String> expected = Files.readAllLines(ContentFiles.base().resolve(shipped), StandardCharsets.UTF_8);
        List<String> generated = Files.readAllLines(out.resolve(shipped), StandardCharsets.UTF_8);
        for (int i = 0; i < Math.min(expected.size(), generated.size()); i++) {
            assertEquals(
                    shipped + " line " + (i + 1) + " differs from what " + generator + " writes (run it to regenerate)",
                    generated.get(i),
                    expected.get(i));
        }
        assertEquals(shipped + " line count", generated.size(), expected.size());
    }

    public void testMonitorsFileIsTheGeneratorsOutput() throws Exception {
        assertGenerates("tools/generate_monitors.py", "src/main/resources/io/devopsaudit/content/monitors.json");
    }

    public void testSavedObjectsAreTheGeneratorsOutput() throws Exception {
        assertGenerates("tools/generate_dashboards.py", "dashboards/devops-audit.ndjson");
    }
}
