/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.dedup;

import io.devopsaudit.normalize.Timestamps;
import io.devopsaudit.parse.SourceFormat;
import io.devopsaudit.schema.Fields;
import org.opensearch.common.xcontent.support.XContentMapValues;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether two normalized records with the same document id are copies of one event (docs/dedup.md, "A stored event
 * changes only for a copy that agrees with it"). The identity is: provider, instance, event id, normalized action,
 * actor (id where both copies have one, else name), event time to the precision of the poorer format (a CSV export
 * has seconds) and scope path; the event id only where the document id is built from it (not for a fingerprint key,
 * whose events carry a per-delivery id). A value present in one copy and absent in the other disagrees: a copy that leaves
 * out the author must not erase the stored author.
 */
public final class CopyIdentity {
    private CopyIdentity() {}

    /**
     * The action a GitLab event gets when neither its format names it nor its details let it be derived (a CSV row
     * with an unknown sentence): it says nothing about what happened, so it is not compared.
     */
    public static final String UNNAMED_ACTION = "audit_operation";

    /** How a fingerprint key ({@link DedupKey}) differs from an id key. */
    static final String FINGERPRINT_MARK = ":fp:";

    /** The identity fields, in the order {@link #disagreements} reports them. */
    public static final List<String> FIELDS = List.of(
            Fields.EVENT_PROVIDER,
            Fields.AUDIT_INSTANCE,
            Fields.EVENT_ID,
            Fields.EVENT_ACTION,
            Fields.USER_ID,
            Fields.USER_NAME,
            Fields.TIMESTAMP,
            Fields.AUDIT_SCOPE_PATH);

    /**
     * The identity fields on which {@code stored} and {@code copy} (normalized records, as stored: nested maps) do
     * not agree, in {@link #FIELDS} order; empty when the copy agrees with the stored event. The actor is reported as
     * {@code user.id} when both have an id, else as {@code user.name}.
     */
    public static List<String> disagreements(Map<String, Object> stored, Map<String, Object> copy) {
        List<String> out = new ArrayList<>();
        for (String f : List.of(Fields.EVENT_PROVIDER, Fields.AUDIT_INSTANCE)) {
            if (Objects.equals(text(stored, f), text(copy, f)) == false) out.add(f);
        }
        // A fingerprint key means the id is not trusted (a per-delivery UUID of a stream-only event): redeliveries
        // differ in it by design, and the fingerprint already covers action, time, actor and scope.
        String key = text(copy, Fields.AUDIT_DEDUP_KEY);
        boolean fingerprinted = key != null && key.contains(FINGERPRINT_MARK);
        if (fingerprinted == false
                && Objects.equals(text(stored, Fields.EVENT_ID), text(copy, Fields.EVENT_ID)) == false) {
            out.add(Fields.EVENT_ID);
        }
        String storedAction = text(stored, Fields.EVENT_ACTION);
        String copyAction = text(copy, Fields.EVENT_ACTION);
        if (UNNAMED_ACTION.equals(storedAction) == false
                && UNNAMED_ACTION.equals(copyAction) == false
                && Objects.equals(storedAction, copyAction) == false) {
            out.add(Fields.EVENT_ACTION);
        }
        String storedUserId = text(stored, Fields.USER_ID);
        String copyUserId = text(copy, Fields.USER_ID);
        if (storedUserId != null && copyUserId != null) {
            if (storedUserId.equals(copyUserId) == false) out.add(Fields.USER_ID);
        } else if (Objects.equals(text(stored, Fields.USER_NAME), text(copy, Fields.USER_NAME)) == false) {
            out.add(Fields.USER_NAME);
        }
        if (sameTime(stored, copy) == false) out.add(Fields.TIMESTAMP);
        if (Objects.equals(text(stored, Fields.AUDIT_SCOPE_PATH), text(copy, Fields.AUDIT_SCOPE_PATH)) == false) {
            out.add(Fields.AUDIT_SCOPE_PATH);
        }
        return out;
    }

    /** The richness of the format a stored record came from ({@code audit.source_format}); 0 if it names none. */
    public static int richness(Map<String, Object> record) {
        SourceFormat f = SourceFormat.fromId(text(record, Fields.AUDIT_SOURCE_FORMAT));
        return f == null ? 0 : f.richness();
    }

    private static boolean sameTime(Map<String, Object> stored, Map<String, Object> copy) {
        String a = text(stored, Fields.TIMESTAMP);
        String b = text(copy, Fields.TIMESTAMP);
        if (a == null || b == null) return a == b;
        Instant ta;
        Instant tb;
        try {
            ta = Timestamps.parseFormatted(a);
            tb = Timestamps.parseFormatted(b);
        } catch (RuntimeException e) {
            return a.equals(b);
        }
        if (csv(stored) || csv(copy)) {
            ta = ta.truncatedTo(ChronoUnit.SECONDS);
            tb = tb.truncatedTo(ChronoUnit.SECONDS);
        }
        return ta.equals(tb);
    }

    /** CSV exports give the time to the second; every other format to the millisecond. */
    private static boolean csv(Map<String, Object> record) {
        SourceFormat f = SourceFormat.fromId(text(record, Fields.AUDIT_SOURCE_FORMAT));
        return f != null && f.isCsv();
    }

    static String text(Map<String, Object> record, String dotted) {
        Object v = XContentMapValues.extractValue(dotted, record);
        return v == null ? null : v.toString();
    }
}
