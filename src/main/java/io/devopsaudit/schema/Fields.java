/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.schema;

/**
 * Every field name of the normalized record, in one place. docs/schema.md documents each one and the index
 * template maps exactly these; a test keeps the three in agreement.
 */
public final class Fields {
    private Fields() {}

    public static final String TIMESTAMP = "@timestamp";

    public static final String EVENT_KIND = "event.kind";
    public static final String EVENT_ID = "event.id";
    public static final String EVENT_PROVIDER = "event.provider";
    public static final String EVENT_DATASET = "event.dataset";
    public static final String EVENT_ACTION = "event.action";
    public static final String EVENT_CATEGORY = "event.category";
    public static final String EVENT_TYPE = "event.type";
    public static final String EVENT_OUTCOME = "event.outcome";
    public static final String EVENT_ORIGINAL = "event.original";
    public static final String EVENT_INGESTED = "event.ingested";
}
