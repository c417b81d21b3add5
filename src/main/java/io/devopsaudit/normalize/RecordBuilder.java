/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.normalize;

import io.devopsaudit.schema.Fields;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Builds the nested normalized record from dotted field names; nulls and blank strings are left out. */
public final class RecordBuilder {
    private final Map<String, Object> root = LinkedHashMap.newLinkedHashMap(CHILDREN.getOrDefault("", 16));
    /**
     * The same values by dotted name, so lookups (classification, rules, dedup key) need no path walking. Sized for a
     * whole record (30 to 50 fields), so it is not rehashed while it fills.
     */
    private final Map<String, Object> flat = new HashMap<>(128);

    /** Sets a field; a null or blank value is ignored. */
    public RecordBuilder put(String dotted, Object value) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            return this;
        }
        String[] p = path(dotted);
        parent(p).put(p[p.length - 1], value);
        flat.put(dotted, value);
        return this;
    }

    /** Sets a field even to an empty string: for change.from/to, where "" means "was empty". */
    public RecordBuilder putKeepEmpty(String dotted, String value) {
        if (value != null) {
            String[] p = path(dotted);
            parent(p).put(p[p.length - 1], value);
            flat.put(dotted, value);
        }
        return this;
    }

    /** Adds a value to a list field without duplicates (related.user, related.ip, ...). */
    @SuppressWarnings("unchecked")
    public RecordBuilder add(String dotted, String value) {
        if (value == null || value.isBlank()) {
            return this;
        }
        String[] p = path(dotted);
        List<Object> list = (List<Object>) parent(p).computeIfAbsent(p[p.length - 1], k -> new ArrayList<>(2));
        flat.put(dotted, list);
        if (list.contains(value) == false) {
            list.add(value);
        }
        return this;
    }

    /** A field set through this builder, by its dotted name (not the inside of vendor originals: see {@link #build()}). */
    public Object get(String dotted) {
        return flat.get(dotted);
    }

    public Map<String, Object> build() {
        return root;
    }

    /**
     * Field names split once: the schema's names are few, and fresh substrings per put would be re-hashed every time
     * (the profiler's top item). Names outside the schema (tests, vendor paths) are split on the fly.
     */
    private static final ConcurrentMap<String, String[]> PATHS = new ConcurrentHashMap<>();

    private static String[] path(String dotted) {
        String[] p = PATHS.get(dotted);
        if (p == null) {
            p = dotted.split("\\.");
            if (Fields.ALL.contains(dotted)) PATHS.putIfAbsent(dotted, p);
        }
        return p;
    }

    /**
     * How many names the schema has below each object path ("" for the record itself): an object is created with room
     * for all of them, so the larger ones ({@code audit}, {@code event}) are not rehashed while a record fills.
     */
    private static final Map<String, Integer> CHILDREN = childCounts();

    private static Map<String, Integer> childCounts() {
        Map<String, java.util.Set<String>> children = new HashMap<>();
        for (String dotted : Fields.ALL) {
            String[] p = dotted.split("\\.");
            StringBuilder prefix = new StringBuilder();
            for (String name : p) {
                children.computeIfAbsent(prefix.toString(), k -> new java.util.HashSet<>())
                        .add(name);
                if (prefix.length() > 0) prefix.append('.');
                prefix.append(name);
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        children.forEach((k, v) -> counts.put(k, v.size()));
        return Map.copyOf(counts);
    }

    /** The map that holds the last name of the path {@code p}, created as needed. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> parent(String[] p) {
        Map<String, Object> node = root;
        for (int i = 0; i < p.length - 1; i++) {
            Object child = node.get(p[i]);
            if (child == null) {
                child = LinkedHashMap.newLinkedHashMap(i == 0 ? CHILDREN.getOrDefault(p[0], 4) : 4);
                node.put(p[i], child);
            }
            node = (Map<String, Object>) child;
        }
        return node;
    }

    /** Common tail of every record: pivot fields filled from what the normalizer set. */
    public void fillRelated() {
        add(Fields.RELATED_USER, (String) get(Fields.USER_NAME));
        add(Fields.RELATED_USER, (String) get(Fields.USER_EMAIL));
        add(Fields.RELATED_USER, (String) get(Fields.USER_TARGET_NAME));
        add(Fields.RELATED_IP, (String) get(Fields.SOURCE_IP));
    }
}
