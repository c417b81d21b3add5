/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.indicators;

import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Text users and maintainers read (rule descriptions, docs, code, tests, data files, tools) speaks of the product and
 * its sources (GitLab, CircleCI, OpenSearch, named peers), never of how the work on it was organised: no references
 * to tracker items by number, to starting examples by number, to internal planning files or to work rounds.
 */
public class ProductTextTests extends OpenSearchTestCase {

    private static final Path BASE = Path.of(System.getProperty("project.basedir", "."));
    /** Each alternative is written so that this file does not match it. */
    private static final Pattern FORBIDDEN = Pattern.compile(
            "issue ?#?[0-9]+|seeds? ?0[0-9]|the [s]eed\\b|detection[s]\\.md|\\bround [0-9]|in this [r]ound",
            Pattern.CASE_INSENSITIVE);

    private static final List<String> TEXT =
            List.of(".md", ".java", ".yml", ".yaml", ".tsv", ".py", ".ndjson", ".json");

    public void testNoTextCitesPlanning() throws IOException {
        List<String> hits = new ArrayList<>();
        for (String root :
                List.of("README.md", "docs", "src/main", "src/test/java", "src/test/resources/indicators", "tools")) {
            Path start = BASE.resolve(root);
            if (Files.exists(start) == false) continue;
            try (Stream<Path> files = Files.walk(start)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
                    if (TEXT.stream().noneMatch(name::endsWith)) continue;
                    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                    for (int i = 0; i < lines.size(); i++) {
                        Matcher m = FORBIDDEN.matcher(lines.get(i));
                        if (m.find()) hits.add(BASE.relativize(f) + ":" + (i + 1) + ": [" + m.group() + "]");
                    }
                }
            }
        }
        assertEquals(String.join("\n", hits), 0, hits.size());
    }

    public void testThePatternCatchesWhatItIsFor() {
        // assembled from parts, so that this file does not hold the texts it forbids
        String issue = "iss" + "ue", seed = "se" + "ed";
        for (String bad : List.of(
                issue + " 17 list",
                "Iss" + "ue #25",
                seed + "s 000, 001",
                "the " + seed + "'s example",
                "detection" + "s.md row 34")) {
            assertTrue(bad, FORBIDDEN.matcher(bad).find());
        }
        for (String ok : List.of("code and issues may be sent", "team_planning", "fuzz inputs (seed-*)")) {
            assertFalse(ok, FORBIDDEN.matcher(ok).find());
        }
    }
}
