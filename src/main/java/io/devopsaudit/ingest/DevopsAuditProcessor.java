/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.dedup.DedupKey;
import io.devopsaudit.dedup.IndexName;
import io.devopsaudit.indicators.Cidr;
import io.devopsaudit.indicators.RuleSet;
import io.devopsaudit.indicators.SitePolicy;
import io.devopsaudit.normalize.Normalizer;
import io.devopsaudit.normalize.RecordBuilder;
import io.devopsaudit.normalize.Timestamps;
import io.devopsaudit.parse.AuditParseException;
import io.devopsaudit.parse.CsvText;
import io.devopsaudit.parse.EventReader;
import io.devopsaudit.parse.JsonText;
import io.devopsaudit.parse.ParsedEvent;
import io.devopsaudit.parse.SourceFormat;
import io.devopsaudit.schema.Fields;
import io.devopsaudit.schema.Provider;
import org.opensearch.index.VersionType;
import org.opensearch.ingest.AbstractProcessor;
import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.Processor;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns one raw GitLab or CircleCI audit event into the normalized devops-audit record: parse (any of six wire
 * formats, detected or configured) → normalize → classify → tag indicators → dedup key and event-time index. The
 * record replaces the document's fields; the raw event is kept in {@code event.original}. Bad input throws an
 * {@link AuditParseException} while the raw fields are still in place (with {@code event.original} added), so the
 * pipeline's on_failure can route the raw event to the dead-letter index.
 */
public final class DevopsAuditProcessor extends AbstractProcessor {

    public static final String TYPE = "devops_audit";
    /** How {@code event.original} and error messages name the input when it is the whole document. */
    static final String WHOLE_DOCUMENT = "_source";

    static final boolean DEFAULT_KEEP_ORIGINAL = true;

    private static final Set<String> METADATA = Arrays.stream(IngestDocument.Metadata.values())
            .map(IngestDocument.Metadata::getFieldName)
            .collect(Collectors.toUnmodifiableSet());

    private final String field;
    /** {@code null} means detect the format from the content. */
    private final SourceFormat format;

    private final boolean keepOriginal;
    private final boolean ignoreMissing;
    /** With {@code field}: when the field is absent, the document's own fields are the event. */
    private final boolean useDocumentIfMissing;

    private final List<String> csvHeader;
    private final IndexName indexGranularity;
    /** The instance named by the {@code instance} option, or {@code null}. */
    private final String instance;

    private final SitePolicy policy;
    private final EventReader reader;
    private final Normalizer normalizer;
    private final RuleSet rules;

    DevopsAuditProcessor(
            String tag,
            String description,
            String field,
            SourceFormat format,
            boolean keepOriginal,
            boolean ignoreMissing,
            boolean useDocumentIfMissing,
            List<String> csvHeader,
            IndexName indexGranularity,
            String instance,
            SitePolicy policy,
            EventReader reader,
            Normalizer normalizer,
            RuleSet rules) {
        super(tag, description);
        this.field = field;
        this.format = format;
        this.keepOriginal = keepOriginal;
        this.ignoreMissing = ignoreMissing;
        this.useDocumentIfMissing = useDocumentIfMissing;
        this.csvHeader = csvHeader;
        this.indexGranularity = indexGranularity;
        this.instance = instance;
        this.policy = policy;
        this.reader = reader;
        this.normalizer = normalizer;
        this.rules = rules;
    }

    /**
     * Documents may name their instance in {@value #INSTANCE_FIELD} (the {@code _import} and {@code _stream}
     * endpoints put their {@code instance} parameter there); it wins over the option and is not part of the event.
     */
    public static final String INSTANCE_FIELD = "devops_audit_instance";

    /**
     * The GitLab streaming destination that delivered the document ({@code _stream/gitlab} puts the name of the
     * destination whose token the request carried there): into {@code audit.destination}, not part of the event.
     */
    public static final String DESTINATION_FIELD = "devops_audit_destination";

    @Override
    public IngestDocument execute(IngestDocument document) {
        Map<String, Object> sourceAndMetadata = document.getSourceAndMetadata();
        String instance = instanceOf(sourceAndMetadata.remove(INSTANCE_FIELD));
        String destination = destinationOf(sourceAndMetadata.remove(DESTINATION_FIELD));
        Object input = field == null ? null : document.getFieldValue(field, Object.class, true);
        String inputName = field;
        if (input == null) {
            if (field != null && useDocumentIfMissing == false) {
                if (ignoreMissing) {
                    return document;
                }
                throw new IllegalArgumentException(
                        "field [" + field + "] is missing or null, cannot parse an audit event from it");
            }
            Map<String, Object> source = new LinkedHashMap<>();
            sourceAndMetadata.forEach((k, v) -> {
                if (METADATA.contains(k) == false) source.put(k, v);
            });
            input = source;
            inputName = WHOLE_DOCUMENT;
        }
        // The raw event goes into event.original first, so a failure below leaves it (and the raw fields, which are
        // only replaced at the end) for the pipeline's on_failure to route to the dead-letter index.
        String original = keepOriginal ? (input instanceof String s ? s : JsonText.write(input)) : null;
        if (original != null && document.hasField("event") == false) {
            document.setFieldValue(Fields.EVENT_ORIGINAL, original);
        }
        ParsedEvent parsed = reader.read(input, format, inputName, csvHeader);
        RecordBuilder record = normalizer.normalize(parsed);
        Provider provider = parsed.format.provider();
        rules.tag(provider.id(), record, policy);
        if (instance != null) record.put(Fields.AUDIT_INSTANCE, instance);
        if (destination != null) record.put(Fields.AUDIT_DESTINATION, destination);
        String dedupKey = DedupKey.of(record, parsed.content());
        record.put(Fields.AUDIT_DEDUP_KEY, dedupKey);

        sourceAndMetadata.keySet().removeIf(k -> METADATA.contains(k) == false);
        sourceAndMetadata.putAll(record.build());
        sourceAndMetadata.put(IngestDocument.Metadata.ID.getFieldName(), dedupKey);
        // The richest copy of an event wins, whatever the arrival order: the document's version is its source's
        // richness, written with external versioning, so a richer copy replaces the stored one and an equal or
        // poorer copy is refused as a version conflict (a duplicate), atomically, even under concurrent senders.
        sourceAndMetadata.put(IngestDocument.Metadata.VERSION.getFieldName(), (long) parsed.format.richness());
        sourceAndMetadata.put(
                IngestDocument.Metadata.VERSION_TYPE.getFieldName(), VersionType.toString(VersionType.EXTERNAL));
        sourceAndMetadata.put(IngestDocument.Metadata.INDEX.getFieldName(), indexGranularity.of(provider, (String)
                record.get(Fields.TIMESTAMP)));
        if (original != null) {
            document.setFieldValue(Fields.EVENT_ORIGINAL, original);
        }
        document.setFieldValue(Fields.EVENT_INGESTED, ingestTime(document));
        return document;
    }

    private String instanceOf(Object named) {
        if (named == null) return instance;
        if (named instanceof String s && DedupKey.validInstance(s)) return s;
        throw new IllegalArgumentException(
                "[" + INSTANCE_FIELD + "] must be " + DedupKey.INSTANCE_RULE + ", found [" + named + "]");
    }

    private static String destinationOf(Object named) {
        if (named == null || named instanceof String s && s.matches("[a-z0-9][a-z0-9_-]{0,63}")) return (String) named;
        throw new IllegalArgumentException("[" + DESTINATION_FIELD
                + "] must be 1 to 64 lower-case letters, digits, '_' or '-', starting with a letter or digit, found ["
                + named + "]");
    }

    /** The pipeline's own start time ({@code _ingest.timestamp}), so every processor of one run agrees. */
    static String ingestTime(IngestDocument document) {
        Object ts = document.getIngestMetadata().get("timestamp");
        return Timestamps.format(ts instanceof ZonedDateTime z ? z.toInstant() : Instant.now());
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

    List<String> getCsvHeader() {
        return csvHeader;
    }

    String getInstance() {
        return instance;
    }

    IndexName getIndexGranularity() {
        return indexGranularity;
    }

    SitePolicy getPolicy() {
        return policy;
    }

    /** The rules this processor tags with: the node's rules after {@code disabled_rules} and {@code severity_overrides}. */
    RuleSet getRules() {
        return rules;
    }

    public static final class Factory implements Processor.Factory {
        /** In rank order, for error messages. */
        private static final List<String> SEVERITY_NAMES = List.of("low", "medium", "high", "critical");

        private final EventReader reader;
        private final Normalizer normalizer;
        private final RuleSet rules;

        public Factory(EventReader reader, Normalizer normalizer, RuleSet rules) {
            this.reader = reader;
            this.normalizer = normalizer;
            this.rules = rules;
        }

        @Override
        public DevopsAuditProcessor create(
                Map<String, Processor.Factory> registry, String tag, String description, Map<String, Object> config) {
            String field = ConfigurationUtils.readOptionalStringProperty(TYPE, tag, config, "field");
            String formatName = ConfigurationUtils.readStringProperty(TYPE, tag, config, "format", SourceFormat.AUTO);
            SourceFormat format = null;
            if (SourceFormat.AUTO.equals(formatName) == false) {
                format = SourceFormat.fromId(formatName);
                if (format == null) {
                    throw ConfigurationUtils.newConfigurationException(
                            TYPE,
                            tag,
                            "format",
                            "unknown format [" + formatName + "], expected one of [" + SourceFormat.AUTO + ", "
                                    + SourceFormat.ids() + "]");
                }
            }
            boolean keepOriginal =
                    ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "keep_original", DEFAULT_KEEP_ORIGINAL);
            boolean ignoreMissing = ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "ignore_missing", false);
            boolean useDocument =
                    ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "use_document_if_missing", false);
            if (useDocument && (field == null || ignoreMissing)) {
                throw ConfigurationUtils.newConfigurationException(
                        TYPE,
                        tag,
                        "use_document_if_missing",
                        field == null ? "needs [field]" : "cannot be combined with [ignore_missing]");
            }
            List<String> csvHeader = readCsvHeader(tag, config);
            if (csvHeader != null && format != null && format.isCsv() == false) {
                throw ConfigurationUtils.newConfigurationException(
                        TYPE, tag, "csv_header", "only applies to CSV formats, not [" + format.id() + "]");
            }
            String granularityName =
                    ConfigurationUtils.readStringProperty(TYPE, tag, config, "index_granularity", "month");
            IndexName granularity = IndexName.fromOption(granularityName);
            if (granularity == null) {
                throw ConfigurationUtils.newConfigurationException(
                        TYPE,
                        tag,
                        "index_granularity",
                        "unknown value [" + granularityName + "], expected one of [month, day, none]");
            }
            String instance = ConfigurationUtils.readOptionalStringProperty(TYPE, tag, config, "instance");
            if (instance != null && DedupKey.validInstance(instance) == false) {
                throw ConfigurationUtils.newConfigurationException(
                        TYPE, tag, "instance", "must be " + DedupKey.INSTANCE_RULE + ", found [" + instance + "]");
            }
            List<Cidr> trusted = new ArrayList<>();
            List<String> networks = ConfigurationUtils.readOptionalList(TYPE, tag, config, "trusted_networks");
            for (String n : networks == null ? List.<String>of() : networks) {
                try {
                    trusted.add(Cidr.parse(String.valueOf(n)));
                } catch (IllegalArgumentException | ClassCastException e) {
                    throw ConfigurationUtils.newConfigurationException(TYPE, tag, "trusted_networks", e.getMessage());
                }
            }
            List<String> roles = ConfigurationUtils.readOptionalList(TYPE, tag, config, "privileged_roles");
            if (roles != null && roles.isEmpty()) {
                throw ConfigurationUtils.newConfigurationException(
                        TYPE, tag, "privileged_roles", "must name at least one role");
            }
            int maxDays = ConfigurationUtils.readIntProperty(
                    TYPE, tag, config, "token_max_lifetime_days", SitePolicy.DEFAULT_TOKEN_MAX_LIFETIME_DAYS);
            if (maxDays < 1 || maxDays > 36500) {
                throw ConfigurationUtils.newConfigurationException(
                        TYPE, tag, "token_max_lifetime_days", "must be from 1 to 36500, found [" + maxDays + "]");
            }
            SitePolicy policy = new SitePolicy(
                    List.copyOf(trusted),
                    SitePolicy.lower(roles == null ? SitePolicy.DEFAULT_PRIVILEGED_ROLES : roles),
                    maxDays);
            Set<String> disabled = readDisabledRules(tag, config);
            Map<String, String> overrides = readSeverityOverrides(tag, config);
            for (String id : overrides.keySet()) {
                // one of the two is a mistake; saying so beats silently ignoring the override
                if (disabled.contains(id)) {
                    throw ConfigurationUtils.newConfigurationException(
                            TYPE, tag, "severity_overrides", "rule [" + id + "] is also in [disabled_rules]");
                }
            }
            RuleSet tunedRules = rules.tuned(disabled, overrides);
            return new DevopsAuditProcessor(
                    tag,
                    description,
                    field,
                    format,
                    keepOriginal,
                    ignoreMissing,
                    useDocument,
                    csvHeader,
                    granularity,
                    instance,
                    policy,
                    reader,
                    normalizer,
                    tunedRules);
        }

        /** {@code disabled_rules}: ids of shipped or site rules that never tag; an unknown id is refused. */
        private Set<String> readDisabledRules(String tag, Map<String, Object> config) {
            List<Object> ids = ConfigurationUtils.readOptionalList(TYPE, tag, config, "disabled_rules");
            Set<String> disabled = new LinkedHashSet<>();
            for (Object id : ids == null ? List.of() : ids) {
                disabled.add(knownRuleId(tag, "disabled_rules", id));
            }
            return Set.copyOf(disabled);
        }

        /** {@code severity_overrides}: rule id → low, medium, high or critical; unknown ids and severities are refused. */
        private Map<String, String> readSeverityOverrides(String tag, Map<String, Object> config) {
            Map<String, Object> given = ConfigurationUtils.readOptionalMap(TYPE, tag, config, "severity_overrides");
            Map<String, String> overrides = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e :
                    given == null ? Map.<String, Object>of().entrySet() : given.entrySet()) {
                String id = knownRuleId(tag, "severity_overrides", e.getKey());
                if (e.getValue() instanceof String severity && RuleSet.SEVERITIES.containsKey(severity)) {
                    overrides.put(id, severity);
                } else {
                    throw ConfigurationUtils.newConfigurationException(
                            TYPE,
                            tag,
                            "severity_overrides",
                            "severity [" + e.getValue() + "] of rule [" + id + "] must be one of " + SEVERITY_NAMES);
                }
            }
            return Map.copyOf(overrides);
        }

        private String knownRuleId(String tag, String option, Object id) {
            if (id instanceof String s && rules.rule(s) != null) return s;
            throw ConfigurationUtils.newConfigurationException(
                    TYPE,
                    tag,
                    option,
                    "unknown rule id [" + id + "] (shipped rules: docs/indicators.md; site rules: "
                            + "<config>/devops-audit/rules/*.yml)");
        }

        /** {@code csv_header}: a list of column names, or one header line ("id,action,..."). */
        private static List<String> readCsvHeader(String tag, Map<String, Object> config) {
            Object value = config.remove("csv_header");
            if (value == null) {
                return null;
            }
            List<String> header;
            if (value instanceof String s) {
                try {
                    header = CsvText.oneRecord("csv_header", "csv_header", s);
                } catch (AuditParseException e) {
                    throw ConfigurationUtils.newConfigurationException(
                            TYPE, tag, "csv_header", "is not a CSV header line: " + e.getMessage());
                }
            } else if (value instanceof List<?> list && list.stream().allMatch(v -> v instanceof String)) {
                header = list.stream().map(Object::toString).toList();
            } else {
                throw ConfigurationUtils.newConfigurationException(
                        TYPE,
                        tag,
                        "csv_header",
                        "must be a list of column names or one header line, found [" + value + "]");
            }
            if (header.isEmpty()
                    || header.stream().anyMatch(String::isBlank)
                    || header.stream().distinct().count() != header.size()) {
                throw ConfigurationUtils.newConfigurationException(
                        TYPE, tag, "csv_header", "must name each column once, found " + header);
            }
            return List.copyOf(header);
        }
    }
}
