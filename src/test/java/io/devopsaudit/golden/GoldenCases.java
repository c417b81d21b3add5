/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.golden;

import io.devopsaudit.parse.SourceFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The golden pairs under src/test/resources/golden/&lt;format&gt;/: {@code <case>.<ext>} (one raw event) beside
 * {@code <case>.expected.json} (the whole normalized record, {@code event.ingested} left out as it is the ingest time).
 * Shared by the unit test and the real-node simulate test so both check the same files.
 */
public final class GoldenCases {
    private GoldenCases() {}

    public record Case(SourceFormat format, String name, Path input, Path expected) {
        public String text() {
            return read(input);
        }

        @Override
        public String toString() {
            return format.id() + "/" + name;
        }
    }

    public static Path root() {
        return Path.of(System.getProperty("project.basedir", "."), "src", "test", "resources", "golden");
    }

    public static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        for (SourceFormat format : SourceFormat.values()) {
            Path dir = root().resolve(format.id());
            if (Files.isDirectory(dir) == false) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> p.getFileName().toString().endsWith(".expected.json") == false)
                        .sorted()
                        .forEach(p -> {
                            String file = p.getFileName().toString();
                            String name = file.substring(0, file.lastIndexOf('.'));
                            cases.add(new Case(format, name, p, dir.resolve(name + ".expected.json")));
                        });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cases;
    }

    public static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops the fields that legitimately differ between runs. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> stable(Map<String, Object> record) {
        Object event = record.get("event");
        if (event instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).remove("ingested");
        }
        return record;
    }
}
