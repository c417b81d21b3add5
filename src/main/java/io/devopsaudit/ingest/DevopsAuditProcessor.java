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
import io.devopsaudit.schema.IndexNames;
import io.devopsaudit.schema.Provider;
import org.opensearch.action.get.GetResponse;
import org.opensearch.action.get.MultiGetItemResponse;
import org.opensearch.action.get.MultiGetResponse;
import org.opensearch.core.action.ActionListener;
import org.opensearch.index.VersionType;
import org.opensearch.ingest.AbstractProcessor;
import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
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
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;
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

    /** An option of earlier versions, accepted and ignored (see docs/tuning.md). */
    static final String REMOVED_TOKEN_MAX_LIFETIME_DAYS = "token_max_lifetime_days";
    /** How {@code event.original} and error messages name the input when it is the whole document. */
    static final String WHOLE_DOCUMENT = "_source";

    static final boolean DEFAULT_KEEP_ORIGINAL = true;

    /** How a field path names the ingest metadata ({@code _ingest.timestamp}). */
    private static final String INGEST_PREFIX = "_ingest.";

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
    /**
     * Where a public {@code source.ip} is copied for the address lookups after the processor ({@code public_ip_field},
     * {@link PublicAddresses}), or {@code null}: the shipped pipeline's geoip steps read it with
     * {@code ignore_missing}, so private and reserved addresses, which no database places, cost no lookup.
     */
    private final String publicIpField;

    private final SitePolicy policy;
    private final EventReader reader;
    private final Normalizer normalizer;
    private final RuleSet rules;
    private final IntakeBounds bounds;
    /** The stored events, compared with each copy before it is written; {@code null} in-process (no node). */
    private final StoredEvents stored;

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
            String publicIpField,
            SitePolicy policy,
            EventReader reader,
            Normalizer normalizer,
            RuleSet rules,
            IntakeBounds bounds,
            StoredEvents stored) {
        super(tag, description);
        this.field = field;
        this.format = format;
        this.keepOriginal = keepOriginal;
        this.ignoreMissing = ignoreMissing;
        this.useDocumentIfMissing = useDocumentIfMissing;
        this.csvHeader = csvHeader;
        this.indexGranularity = indexGranularity;
        this.instance = instance;
        this.publicIpField = publicIpField;
        this.policy = policy;
        this.reader = reader;
        this.normalizer = normalizer;
        this.rules = rules;
        this.bounds = bounds;
        this.stored = stored;
    }

    /**
     * Documents may name their instance in {@value #INSTANCE_FIELD} (the {@code _import} and {@code _stream}
     * endpoints put their {@code instance} parameter there); it wins over the option and is not part of the event.
     */
    public static final String INSTANCE_FIELD = "devops_audit_instance";

    /** The {@code event.kind} of an event this processor refuses (bounds set their own kind). */
    public static final String FAILURE_KIND = "pipeline_error";

    /**
     * The GitLab streaming destination that delivered the document ({@code _stream/gitlab} puts the name of the
     * destination whose token the request carried there): into {@code audit.destination}, not part of the event.
     */
    public static final String DESTINATION_FIELD = "devops_audit_destination";

    /**
     * The format the sender named for the document ({@code _import?format=} puts it there): read as that format, not
     * detected, when the processor's own {@code format} is {@code auto}; a processor set to another format refuses the
     * document, naming both. Not part of the event.
     */
    public static final String FORMAT_FIELD = "devops_audit_format";

    /**
     * The node's path for one document: see {@link #batchExecute}.
     */
    @Override
    public void execute(IngestDocument document, BiConsumer<IngestDocument, Exception> handler) {
        IngestDocumentWrapper one = new IngestDocumentWrapper(0, 0, document, null);
        batchExecute(List.of(one), done -> handler.accept(one.getIngestDocument(), one.getException()));
    }

    /**
     * The node's path (OpenSearch hands a bulk request's documents over in batches): each event is processed, then
     * compared with the stored document of its id before it is written (docs/dedup.md), all of a batch with one
     * multi-get. A stored event changes only for a richer copy that agrees with it on its identity; a disagreeing
     * copy becomes a conflict record in the dead-letter index; an agreeing copy as rich or poorer is dropped (a
     * duplicate). Every writer goes through here, the plugin's intake and a shipper's bulk alike.
     */
    @Override
    public void batchExecute(List<IngestDocumentWrapper> documents, Consumer<List<IngestDocumentWrapper>> handler) {
        List<IngestDocumentWrapper> compare = new ArrayList<>();
        for (IngestDocumentWrapper w : documents) {
            try {
                if (process(w.getIngestDocument())) compare.add(w);
            } catch (Exception e) {
                w.update(w.getIngestDocument(), e);
            }
        }
        if (compare.isEmpty() || stored == null) {
            handler.accept(documents);
            return;
        }
        List<StoredEvents.Key> keys = new ArrayList<>(compare.size());
        int[] richness = new int[compare.size()];
        for (int i = 0; i < compare.size(); i++) {
            Map<String, Object> m = compare.get(i).getIngestDocument().getSourceAndMetadata();
            keys.add(new StoredEvents.Key((String) m.get(IngestDocument.Metadata.INDEX.getFieldName()), (String)
                    m.get(IngestDocument.Metadata.ID.getFieldName())));
            richness[i] = ((Number) m.get(IngestDocument.Metadata.VERSION.getFieldName())).intValue();
        }
        stored.get(keys, new ActionListener<>() {
            @Override
            public void onResponse(MultiGetResponse response) {
                MultiGetItemResponse[] items = response.getResponses();
                for (int i = 0; i < compare.size(); i++) {
                    IngestDocumentWrapper w = compare.get(i);
                    IngestDocument doc = w.getIngestDocument();
                    try {
                        if (items[i].isFailed()) {
                            // The month's index does not exist yet, or its shard is still starting (a bulk request
                            // with new months creates them while others read), or the read was refused: written as
                            // a create, which can never replace a stored event (if one is stored, a 409 and the
                            // sender sends it again).
                            Custody.create(doc);
                        } else if (items[i].getResponse().isExists() == false) {
                            Custody.create(doc);
                        } else {
                            GetResponse got = items[i].getResponse();
                            doc = Custody.decide(
                                    doc, got.getSourceAsMap(), got.getSeqNo(), got.getPrimaryTerm(), richness[i]);
                        }
                        w.update(doc, null);
                    } catch (Exception e) {
                        w.update(doc, e);
                    }
                }
                handler.accept(documents);
            }

            @Override
            public void onFailure(Exception e) {
                // the read failed as a whole (a full get queue ...): every copy is written as a create, as above
                for (IngestDocumentWrapper w : compare) Custody.create(w.getIngestDocument());
                handler.accept(documents);
            }
        });
    }

    /**
     * Processes the event in-process, without comparing it with a stored copy: the version is the source's richness
     * with external versioning (what {@link AuditEngine#simulate} reports). The node calls the other {@code execute}.
     */
    @Override
    public IngestDocument execute(IngestDocument document) {
        process(document);
        return document;
    }

    static boolean isMetadata(String key) {
        return METADATA.contains(key);
    }

    /** Processes the event into the document; {@code false} when {@code ignore_missing} left it as it was. */
    private boolean process(IngestDocument document) {
        Map<String, Object> sourceAndMetadata = document.getSourceAndMetadata();
        Object named = sourceAndMetadata.remove(INSTANCE_FIELD);
        Object request = sourceAndMetadata.remove(IntakeBounds.REQUEST_FIELD);
        Object destination = sourceAndMetadata.remove(DESTINATION_FIELD);
        Object namedFormat = sourceAndMetadata.remove(FORMAT_FIELD);
        // a top-level field (the shipped pipeline's message) is read from the map: the field path would be parsed again
        // for every event
        Object input = field == null
                ? null
                : field.indexOf('.') < 0
                        ? sourceAndMetadata.get(field)
                        : document.getFieldValue(field, Object.class, true);
        if (input == null && field != null && useDocumentIfMissing == false && ignoreMissing) {
            return false;
        }
        try {
            return process(
                    document, named, destination, request instanceof String r ? r : null, formatOf(namedFormat), input);
        } catch (RuntimeException e) {
            // Whatever failed (a bad value, a bound, a bug on odd input), the event is refused here, once, with the
            // document made fit for the dead-letter step: one bad record never costs the others of its request.
            prepareDeadLetter(document, input, e instanceof IntakeBounds.OutOfBounds o ? o.kind() : FAILURE_KIND);
            if (e instanceof IllegalArgumentException) throw e;
            throw new AuditParseException(
                    SourceFormat.idOf(format),
                    "cannot process the event: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Makes a refused document safe for the pipeline's on_failure: the whole-document event is wrapped into
     * {@code event.original} (its own fields cannot collide with the dead-letter fields), and a field input's
     * document fields {@code event} and {@code error} that are not objects, or an {@code error} object, move under
     * {@code document.*}, since the dead-letter step writes {@code event.*} and {@code error.*}. The raw event is kept
     * in {@code event.original} even with {@code keep_original: false}: a dead letter without it would be lost.
     */
    private void prepareDeadLetter(IngestDocument document, Object input, String kind) {
        Map<String, Object> sourceAndMetadata = document.getSourceAndMetadata();
        String original;
        if (input == null) {
            Map<String, Object> source = new LinkedHashMap<>();
            sourceAndMetadata.forEach((k, v) -> {
                if (METADATA.contains(k) == false) source.put(k, v);
            });
            original = JsonText.write(source);
            sourceAndMetadata.keySet().removeIf(k -> METADATA.contains(k) == false);
        } else {
            original = input instanceof String s ? s : JsonText.write(input);
            for (String name : List.of("event", "error")) {
                Object value = sourceAndMetadata.get(name);
                if (value != null && (value instanceof Map == false || name.equals("error"))) {
                    sourceAndMetadata.remove(name);
                    Object existing = sourceAndMetadata.get("document");
                    Map<String, Object> wrapper = new LinkedHashMap<>();
                    if (existing instanceof Map<?, ?> m) {
                        m.forEach((k, v) -> wrapper.put(String.valueOf(k), v));
                    } else if (existing != null) {
                        wrapper.put("document", existing); // the document's own field of that name, kept too
                    }
                    wrapper.put(name, value);
                    sourceAndMetadata.put("document", wrapper);
                }
            }
        }
        Map<String, Object> event = new LinkedHashMap<>();
        if (sourceAndMetadata.get("event") instanceof Map<?, ?> existing) {
            existing.forEach((k, v) -> event.put(String.valueOf(k), v));
        }
        event.put("original", original);
        event.put("kind", kind);
        sourceAndMetadata.put("event", event);
    }

    private boolean process(
            IngestDocument document,
            Object named,
            Object namedDestination,
            String request,
            SourceFormat format,
            Object input) {
        Map<String, Object> sourceAndMetadata = document.getSourceAndMetadata();
        String instance = instanceOf(named);
        String destination = destinationOf(namedDestination);
        String inputName = field;
        if (input == null) {
            if (field != null && useDocumentIfMissing == false) {
                if (ignoreMissing) {
                    return false;
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
        // a failure below leaves the raw fields in place (they are only replaced at the end) for execute() to keep
        String original = keepOriginal ? (input instanceof String s ? s : JsonText.write(input)) : null;
        ParsedEvent parsed = reader.read(input, format, inputName, csvHeader);
        RecordBuilder record = normalizer.normalize(parsed);
        Provider provider = parsed.format.provider();
        // the indicator rules read audit events; a request line is evidence for investigations, never an indicator
        if (parsed.format.isRequest() == false) rules.tag(provider.id(), record, policy);
        if (instance != null) record.put(Fields.AUDIT_INSTANCE, instance);
        if (destination != null) record.put(Fields.AUDIT_DESTINATION, destination);
        String dedupKey = DedupKey.of(record, parsed.content());
        record.put(Fields.AUDIT_DEDUP_KEY, dedupKey);

        // the bounds are checked before the document is replaced, so a refused event leaves its raw fields in place
        String timestamp = (String) record.get(Fields.TIMESTAMP);
        bounds.checkTime(parsed.format.id(), timestamp, Instant.now());
        String index = parsed.format.isRequest()
                ? indexGranularity.of(IndexNames.REQUESTS_PREFIX, timestamp)
                : indexGranularity.of(provider, timestamp);
        bounds.checkNewIndex(parsed.format.id(), request, index);

        // event.original and event.ingested go in through the record, as the last fields of event: the same document
        // as setting them afterwards, without parsing their paths per event
        if (original != null) record.put(Fields.EVENT_ORIGINAL, original);
        record.put(Fields.EVENT_INGESTED, ingestTime(document));
        sourceAndMetadata.keySet().removeIf(k -> METADATA.contains(k) == false);
        sourceAndMetadata.putAll(record.build());
        sourceAndMetadata.put(IngestDocument.Metadata.ID.getFieldName(), dedupKey);
        // In-process, the version is the source's richness (external); on the node, the comparison with the stored
        // event (execute with a handler) replaces it.
        sourceAndMetadata.put(IngestDocument.Metadata.VERSION.getFieldName(), (long) parsed.format.richness());
        sourceAndMetadata.put(
                IngestDocument.Metadata.VERSION_TYPE.getFieldName(), VersionType.toString(VersionType.EXTERNAL));
        sourceAndMetadata.put(IngestDocument.Metadata.INDEX.getFieldName(), index);
        if (publicIpField != null
                && record.get(Fields.SOURCE_IP) instanceof String ip
                && PublicAddresses.isPublic(ip)) {
            if (publicIpField.startsWith(INGEST_PREFIX) && publicIpField.indexOf('.', INGEST_PREFIX.length()) < 0) {
                // one key of the ingest metadata, as the shipped pipeline has it: no path to parse per event
                document.getIngestMetadata().put(publicIpField.substring(INGEST_PREFIX.length()), ip);
            } else {
                document.setFieldValue(publicIpField, ip);
            }
        }
        return true;
    }

    /** The format to read the document as: the processor's, or the one the document names when the processor's is auto. */
    private SourceFormat formatOf(Object named) {
        if (named == null) return format;
        SourceFormat f = named instanceof String s ? SourceFormat.fromId(s) : null;
        if (f == null) {
            throw new IllegalArgumentException(
                    "[" + FORMAT_FIELD + "] unknown format [" + named + "], expected one of " + SourceFormat.ids());
        }
        if (format != null && format != f) {
            throw new IllegalArgumentException("[" + FORMAT_FIELD + "] the document is [" + f.id()
                    + "] but this processor reads [" + format.id() + "]");
        }
        return f;
    }

    private String instanceOf(Object named) {
        if (named == null) return instance;
        if (named instanceof String s && DedupKey.validInstance(s)) return s;
        throw new IllegalArgumentException(
                "[" + INSTANCE_FIELD + "] must be " + DedupKey.INSTANCE_RULE + ", found [" + named + "]");
    }

    /** Compiled once: every document from {@code _stream/gitlab} names its destination. */
    private static final Pattern DESTINATION_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private static String destinationOf(Object named) {
        if (named == null
                || named instanceof String s && DESTINATION_NAME.matcher(s).matches()) return (String) named;
        throw new IllegalArgumentException("[" + DESTINATION_FIELD
                + "] must be 1 to 64 lower-case letters, digits, '_' or '-', starting with a letter or digit, found ["
                + named + "]");
    }

    /** The pipeline's own start time ({@code _ingest.timestamp}), so every processor of one run agrees. */
    static String ingestTime(IngestDocument document) {
        Object ts = document.getIngestMetadata().get("timestamp");
        long millis = ts instanceof ZonedDateTime z
                ? z.toEpochSecond() * 1000 + z.getNano() / 1_000_000
                : System.currentTimeMillis();
        // the text has millisecond precision and the documents of a bulk request start within a few milliseconds of
        // each other: each ingest thread keeps the last text instead of writing the same one per document
        LastIngestTime last = LAST_INGEST_TIME.get();
        if (last.text == null || last.millis != millis) {
            last.text = Timestamps.format(Instant.ofEpochMilli(millis));
            last.millis = millis;
        }
        return last.text;
    }

    private static final class LastIngestTime {
        long millis;
        String text;
    }

    private static final ThreadLocal<LastIngestTime> LAST_INGEST_TIME = ThreadLocal.withInitial(LastIngestTime::new);

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

    String getPublicIpField() {
        return publicIpField;
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
        private final IntakeBounds bounds;
        private final StoredEvents stored;

        /** In-process processors (tests, simulation): no comparison with stored events. */
        public Factory(EventReader reader, Normalizer normalizer, RuleSet rules) {
            this(reader, normalizer, rules, new IntakeBounds(), null);
        }

        public Factory(
                EventReader reader, Normalizer normalizer, RuleSet rules, IntakeBounds bounds, StoredEvents stored) {
            this.reader = reader;
            this.normalizer = normalizer;
            this.rules = rules;
            this.bounds = bounds;
            this.stored = stored;
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
            String publicIpField = ConfigurationUtils.readOptionalStringProperty(TYPE, tag, config, "public_ip_field");
            if (publicIpField != null && publicIpField.isBlank()) {
                throw ConfigurationUtils.newConfigurationException(
                        TYPE, tag, "public_ip_field", "must name a field, found [" + publicIpField + "]");
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
            // Removed option: no GitLab token event carries the token's expiry, so no rule could use it. Pipelines
            // written by earlier versions may still name it; they load, and it has no effect.
            config.remove(REMOVED_TOKEN_MAX_LIFETIME_DAYS);
            SitePolicy policy = new SitePolicy(
                    List.copyOf(trusted),
                    SitePolicy.lower(roles == null ? SitePolicy.DEFAULT_PRIVILEGED_ROLES : roles));
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
                    publicIpField,
                    policy,
                    reader,
                    normalizer,
                    tunedRules,
                    bounds,
                    stored);
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
