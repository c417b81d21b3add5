/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The figures the docs give about the shipped content (monitors, workflows, saved objects by type) are the counts in
 * the files: a content change that forgets a doc fails here, not in front of a reader.
 */
public class DocFiguresTests extends OpenSearchTestCase {

    /** A figure in prose: "32 monitors" (not a subgroup in parentheses such as "(8 monitors)", nor "≥ 26 monitors"). */
    private static final Map<String, Pattern> FIGURES = Map.of(
            "monitors", Pattern.compile("(?<![(≥] )(?<!\\()\\b(\\d+) monitors\\b"),
            "workflows", Pattern.compile("\\b(\\d+) composite workflows?\\b"),
            "visualization", Pattern.compile("\\b(\\d+) visualizations\\b"),
            "dashboard", Pattern.compile("\\b(\\d+) dashboards\\b"),
            "search", Pattern.compile("\\b(\\d+) saved searches\\b"),
            "objects", Pattern.compile("\\b(\\d+) objects with stable ids\\b"));

    @SuppressWarnings("unchecked")
    public void testEveryFigureInTheDocsIsTheCountInTheShippedFiles() throws IOException {
        List<Map<String, Object>> objects = ContentFiles.savedObjects();
        Map<String, Long> actual = Map.of(
                "monitors",
                (long) ContentFiles.monitors().size(),
                "workflows",
                (long) ((List<Object>) SetupService.resource("monitors.json").get("workflows")).size(),
                "visualization",
                count(objects, "visualization"),
                "dashboard",
                count(objects, "dashboard"),
                "search",
                count(objects, "search"),
                "objects",
                (long) objects.size());
        List<Path> docs = new ArrayList<>();
        docs.add(ContentFiles.base().resolve("README.md"));
        try (Stream<Path> s = Files.list(ContentFiles.base().resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<String> wrong = new ArrayList<>();
        int found = 0;
        for (Path doc : docs) {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            for (Map.Entry<String, Pattern> f : FIGURES.entrySet()) {
                Matcher m = f.getValue().matcher(text);
                while (m.find()) {
                    found++;
                    if (Long.parseLong(m.group(1)) != actual.get(f.getKey())) {
                        wrong.add(ContentFiles.base().relativize(doc) + ": \"" + m.group() + "\", the files have "
                                + actual.get(f.getKey()));
                    }
                }
            }
        }
        assertEquals(wrong.toString(), List.of(), wrong);
        assertTrue("the docs state the figures at least once each: " + found, found >= FIGURES.size());
    }

    public void testTheFigurePatternsSkipSubgroups() {
        assertFalse(FIGURES.get("monitors").matcher("(8 monitors)").find());
        assertFalse(FIGURES.get("monitors").matcher("≥ 26 monitors").find());
        Matcher m = FIGURES.get("monitors").matcher("# 17 monitors (per class)");
        assertTrue(m.find());
        assertEquals("17", m.group(1));
    }

    private static long count(List<Map<String, Object>> objects, String type) {
        return objects.stream().filter(o -> type.equals(o.get("type"))).count();
    }
}
