/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.dedup.CopyIdentity;
import io.devopsaudit.indicators.RuleSet;
import io.devopsaudit.parse.JsonText;
import io.devopsaudit.schema.Fields;
import io.devopsaudit.schema.IndexNames;
import org.opensearch.common.lucene.uid.Versions;
import org.opensearch.index.VersionType;
import org.opensearch.ingest.IngestDocument;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What becomes of a processed event given the stored document with its id (docs/dedup.md): the first copy is
 * created (and a concurrent creator loses with a version conflict), a copy that disagrees with the stored event on
 * its identity becomes a conflict record in the dead-letter index, an agreeing richer copy replaces the stored one
 * only if it is still the document that was compared, and an agreeing copy as rich or poorer is dropped (a
 * duplicate: the bulk item answers {@code noop}).
 */
public final class Custody {
    private Custody() {}

    /** {@code event.kind} of a conflict record. */
    static final String CONFLICTING_COPY = "conflicting_copy";
    /** The conflict record's {@code _id} starts with this, so intake can count it. */
    public static final String CONFLICT_ID_PREFIX = "conflict:";

    /**
     * Fields of a conflict record only (the dead-letter template maps them): the document id and index of the stored
     * event the copy collided with, and the identity fields on which they disagree.
     */
    static final String CONFLICT_ID = "audit.conflict.id";

    static final String CONFLICT_INDEX = "audit.conflict.index";
    static final String CONFLICT_FIELDS = "audit.conflict.fields";

    static final String TAMPER_CLASS = "tamper_suspected";
    static final String TAMPER_RULE_ID = "DA-CUSTODY-001";
    static final String TAMPER_RULE_NAME = "Conflicting copy of a stored audit event";
    static final String TAMPER_SEVERITY = "high";

    /** The version a created event gets: a second creator of the same id (external version 1 again) is refused. */
    static final long CREATED_VERSION = 1L;

    /** No stored document: write as a create. */
    static void create(IngestDocument doc) {
        Map<String, Object> m = doc.getSourceAndMetadata();
        m.put(IngestDocument.Metadata.VERSION.getFieldName(), CREATED_VERSION);
        m.put(IngestDocument.Metadata.VERSION_TYPE.getFieldName(), VersionType.toString(VersionType.EXTERNAL));
    }

    /**
     * Decides against the stored document ({@code stored}: its identity fields, sequence number and primary term).
     * Returns the document to write, or {@code null} for a duplicate (dropped: nothing is written).
     */
    static IngestDocument decide(
            IngestDocument doc, Map<String, Object> stored, long seqNo, long primaryTerm, int copyRichness) {
        Map<String, Object> m = doc.getSourceAndMetadata();
        List<String> disagree = CopyIdentity.disagreements(stored, m);
        if (disagree.isEmpty() == false) {
            toConflictRecord(doc, disagree);
            return doc;
        }
        if (copyRichness <= CopyIdentity.richness(stored)) {
            return null;
        }
        // Compare-and-write: the copy replaces exactly the document it was compared with; if another copy changed it
        // in between, the write is a version conflict and the sender sends it again (it is then compared anew).
        m.put(IngestDocument.Metadata.VERSION.getFieldName(), Versions.MATCH_ANY);
        m.put(IngestDocument.Metadata.VERSION_TYPE.getFieldName(), VersionType.toString(VersionType.INTERNAL));
        m.put(IngestDocument.Metadata.IF_SEQ_NO.getFieldName(), seqNo);
        m.put(IngestDocument.Metadata.IF_PRIMARY_TERM.getFieldName(), primaryTerm);
        return doc;
    }

    /**
     * Replaces the document by the record of a conflicting copy, for the dead-letter index of the ingest month: the
     * raw copy, the id and index it collided with, the fields that disagree and the indicator. Its id is derived
     * from the collided id and the raw copy, so the same copy sent again is kept once.
     */
    static void toConflictRecord(IngestDocument doc, List<String> disagree) {
        Map<String, Object> m = doc.getSourceAndMetadata();
        String collidedId = (String) m.get(IngestDocument.Metadata.ID.getFieldName());
        String collidedIndex = (String) m.get(IngestDocument.Metadata.INDEX.getFieldName());
        Object originalValue = doc.getFieldValue(Fields.EVENT_ORIGINAL, Object.class, true);
        String original = originalValue != null ? originalValue.toString() : JsonText.write(sourceOf(m));
        String ingested = doc.getFieldValue(Fields.EVENT_INGESTED, String.class, true);
        if (ingested == null) ingested = DevopsAuditProcessor.ingestTime(doc);
        String provider = doc.getFieldValue(Fields.EVENT_PROVIDER, String.class, true);
        String format = doc.getFieldValue(Fields.AUDIT_SOURCE_FORMAT, String.class, true);

        m.keySet().removeIf(k -> DevopsAuditProcessor.isMetadata(k) == false);
        m.put(IngestDocument.Metadata.ID.getFieldName(), CONFLICT_ID_PREFIX + sha256(collidedId + "\n" + original));
        m.put(
                IngestDocument.Metadata.INDEX.getFieldName(),
                IndexNames.DEAD_LETTER_PREFIX + ingested.substring(0, 4) + "." + ingested.substring(5, 7));
        // the same copy sent again overwrites its own record: kept once
        m.put(IngestDocument.Metadata.VERSION.getFieldName(), Versions.MATCH_ANY);
        m.put(IngestDocument.Metadata.VERSION_TYPE.getFieldName(), VersionType.toString(VersionType.INTERNAL));
        m.remove(IngestDocument.Metadata.IF_SEQ_NO.getFieldName());
        m.remove(IngestDocument.Metadata.IF_PRIMARY_TERM.getFieldName());

        doc.setFieldValue(Fields.TIMESTAMP, ingested);
        doc.setFieldValue(Fields.EVENT_KIND, CONFLICTING_COPY);
        doc.setFieldValue(Fields.EVENT_ORIGINAL, original);
        doc.setFieldValue(Fields.EVENT_INGESTED, ingested);
        if (provider != null) doc.setFieldValue(Fields.EVENT_PROVIDER, provider);
        doc.setFieldValue(Fields.EVENT_SEVERITY, RuleSet.SEVERITIES.get(TAMPER_SEVERITY));
        doc.setFieldValue(Fields.EVENT_RISK_SCORE, (float) RuleSet.RISK_SCORES.get(TAMPER_SEVERITY));
        if (format != null) doc.setFieldValue(Fields.AUDIT_SOURCE_FORMAT, format);
        doc.setFieldValue(CONFLICT_ID, collidedId);
        doc.setFieldValue(CONFLICT_INDEX, collidedIndex);
        doc.setFieldValue(CONFLICT_FIELDS, List.copyOf(disagree));
        doc.setFieldValue(Fields.AUDIT_INDICATORS, List.of(TAMPER_CLASS));
        doc.setFieldValue(Fields.AUDIT_SEVERITY, TAMPER_SEVERITY);
        doc.setFieldValue(Fields.RULE_ID, List.of(TAMPER_RULE_ID));
        doc.setFieldValue(Fields.RULE_NAME, List.of(TAMPER_RULE_NAME));
        doc.setFieldValue(Fields.TAGS, List.of(RuleSet.TAG));
        doc.setFieldValue("error.type", CONFLICTING_COPY);
        doc.setFieldValue(
                "error.message",
                "a copy of stored event [" + collidedId + "] in [" + collidedIndex + "] disagrees on " + disagree
                        + "; the stored event is unchanged");
    }

    private static Map<String, Object> sourceOf(Map<String, Object> sourceAndMetadata) {
        Map<String, Object> source = new LinkedHashMap<>();
        sourceAndMetadata.forEach((k, v) -> {
            if (DevopsAuditProcessor.isMetadata(k) == false) source.put(k, v);
        });
        return source;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
