/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.content.IndexConformance;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.Metadata;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's answers of {@link IndexConformance#nonconforming} for the cluster state it has applied. Comparing an
 * index with its template parses the index's mapping and the template, which cost a single streamed event more
 * than its own parsing did; the answer only changes with the metadata, which is a new object whenever the cluster
 * state changes. So answers are kept until the applied metadata is another object. A write-blocked index is judged
 * anew each time: whether retention's warm step set its block depends on the time as well.
 */
final class ConformanceMemo {
    private record Answers(Metadata metadata, Map<String, List<String>> byIndex) {}

    private static volatile Answers answers = new Answers(null, Map.of());

    private ConformanceMemo() {}

    /** {@link IndexConformance#nonconforming} of {@code names} in {@code metadata}, remembered per metadata. */
    static Map<String, List<String>> nonconforming(Metadata metadata, Iterable<String> names, Instant now) {
        Answers current = answers;
        if (current.metadata() != metadata) {
            current = new Answers(metadata, new ConcurrentHashMap<>());
            answers = current; // a race leaves one of two equal memos: both answer from the same metadata
        }
        Map<String, List<String>> out = new TreeMap<>();
        for (String name : names) {
            List<String> differences = current.byIndex().get(name);
            if (differences == null) {
                differences = IndexConformance.nonconforming(metadata, List.of(name), now)
                        .getOrDefault(name, List.of());
                IndexMetadata index = metadata.index(name);
                if (index == null || IndexMetadata.INDEX_BLOCKS_WRITE_SETTING.get(index.getSettings()) == false) {
                    current.byIndex().put(name, differences);
                }
            }
            if (differences.isEmpty() == false) out.put(name, differences);
        }
        return out;
    }
}
