/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.classify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the plugin's tab-separated data files: {@code #} comment lines, then a header row that must equal the
 * expected columns, then rows with exactly that many non-empty cells. Any deviation fails loudly naming the file
 * and line, at node start.
 */
public final class TsvResource {
    private TsvResource() {}

    /** One data row with the line it came from. */
    public record Row(int line, List<String> cells) {
        public String get(int i) {
            return cells.get(i);
        }
    }

    public static List<Row> read(String resource, List<String> expectedHeader) {
        InputStream in = TsvResource.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("data file [" + resource + "] is missing from the plugin");
        }
        List<Row> rows = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            boolean headerSeen = false;
            int lineNo = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                List<String> cells = Arrays.asList(line.split("\t", -1));
                if (headerSeen == false) {
                    if (cells.equals(expectedHeader) == false) {
                        throw new IllegalStateException("data file [" + resource + "] line " + lineNo
                                + ": header must be " + expectedHeader + ", found " + cells);
                    }
                    headerSeen = true;
                    continue;
                }
                if (cells.size() != expectedHeader.size() || cells.stream().anyMatch(String::isBlank)) {
                    throw new IllegalStateException(
                            "data file [" + resource + "] line " + lineNo + ": expected " + expectedHeader.size()
                                    + " non-empty tab-separated cells " + expectedHeader + ", found " + cells);
                }
                rows.add(new Row(lineNo, List.copyOf(cells)));
            }
            if (headerSeen == false) {
                throw new IllegalStateException("data file [" + resource + "] has no header row " + expectedHeader);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read data file [" + resource + "]", e);
        }
        return rows;
    }
}
