/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.parse.SourceFormat;
import io.devopsaudit.schema.Fields;
import org.opensearch.ingest.AbstractProcessor;
import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.Processor;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** Turns one raw GitLab or CircleCI audit event into the normalized devops-audit record. */
public final class DevopsAuditProcessor extends AbstractProcessor {

    public static final String TYPE = "devops_audit";
    public static final String AUTO = "auto";
    static final boolean DEFAULT_KEEP_ORIGINAL = true;

    private final String field;
    /** {@code null} means detect the format from the content. */
    private final SourceFormat format;
    private final boolean keepOriginal;
    private final boolean ignoreMissing;

    DevopsAuditProcessor(String tag, String description, String field, SourceFormat format, boolean keepOriginal, boolean ignoreMissing) {
        super(tag, description);
        this.field = field;
        this.format = format;
        this.keepOriginal = keepOriginal;
        this.ignoreMissing = ignoreMissing;
    }

    @Override
    public IngestDocument execute(IngestDocument document) {
        if (format != null) {
            document.setFieldValue(Fields.EVENT_PROVIDER, format.provider());
        }
        document.setFieldValue(Fields.EVENT_INGESTED, ingestTime(document));
        return document;
    }

    /** The pipeline's own start time ({@code _ingest.timestamp}), so every processor of one run agrees. */
    static String ingestTime(IngestDocument document) {
        Object ts = document.getIngestMetadata().get("timestamp");
        ZonedDateTime time = ts instanceof ZonedDateTime z ? z : ZonedDateTime.now(ZoneOffset.UTC);
        return DateTimeFormatter.ISO_INSTANT.format(time.withZoneSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
    }

    @Override
    public String getType() {
        return TYPE;
    }

    String getField() {
        return field;
    }

    SourceFormat getFormat() {
        return format;
    }

    boolean isKeepOriginal() {
        return keepOriginal;
    }

    boolean isIgnoreMissing() {
        return ignoreMissing;
    }

    public static final class Factory implements Processor.Factory {
        @Override
        public DevopsAuditProcessor create(Map<String, Processor.Factory> registry, String tag, String description, Map<String, Object> config) {
            String field = ConfigurationUtils.readOptionalStringProperty(TYPE, tag, config, "field");
            String formatName = ConfigurationUtils.readStringProperty(TYPE, tag, config, "format", AUTO);
            SourceFormat format = null;
            if (AUTO.equals(formatName) == false) {
                format = SourceFormat.fromId(formatName);
                if (format == null) {
                    throw ConfigurationUtils.newConfigurationException(TYPE, tag, "format",
                        "unknown format [" + formatName + "], expected one of [" + AUTO + ", " + SourceFormat.ids() + "]");
                }
            }
            boolean keepOriginal = ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "keep_original", DEFAULT_KEEP_ORIGINAL);
            boolean ignoreMissing = ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "ignore_missing", false);
            return new DevopsAuditProcessor(tag, description, field, format, keepOriginal, ignoreMissing);
        }
    }
}
