/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.normalize;

import io.devopsaudit.classify.Classification;
import io.devopsaudit.classify.DerivedActions;
import io.devopsaudit.classify.Taxonomy;
import io.devopsaudit.parse.ParsedEvent;
import io.devopsaudit.schema.Fields;
import io.devopsaudit.schema.Provider;
import org.opensearch.common.network.InetAddresses;

/**
 * Builds the normalized record from a parsed event: the platform's normalizer fills actor, scope, target, change
 * and message; this class adds what every record shares — classification, provenance and pivot fields.
 */
public final class Normalizer {
    private final Taxonomy taxonomy;
    private final GitlabNormalizer gitlab;
    private final CircleciNormalizer circleci = new CircleciNormalizer();

    public Normalizer(Taxonomy taxonomy, DerivedActions derivedActions) {
        this.taxonomy = taxonomy;
        this.gitlab = new GitlabNormalizer(derivedActions);
    }

    public RecordBuilder normalize(ParsedEvent event) {
        RecordBuilder r = new RecordBuilder();
        Provider provider = event.format.provider();
        r.put(Fields.EVENT_KIND, Fields.KIND_EVENT);
        r.put(Fields.EVENT_PROVIDER, provider.id());
        r.put(Fields.EVENT_DATASET, event.format.dataset());
        if (event.format.isRequest()) {
            // a request is no audit event: no taxonomy class, its own category (ECS web access)
            RequestNormalizer.normalize(event, r);
            r.add(Fields.EVENT_CATEGORY, "web");
            r.add(Fields.EVENT_TYPE, "access");
            r.put(Fields.AUDIT_SOURCE_FORMAT, event.format.id());
            r.fillRelated();
            for (String warning : event.warnings) {
                r.add(Fields.AUDIT_WARNINGS, warning);
            }
            r.put(Fields.GITLAB_REQUEST, event.vendor);
            return r;
        }
        if (provider == Provider.GITLAB) {
            gitlab.normalize(event, r);
        } else {
            circleci.normalize(event, r);
        }
        Classification c = taxonomy.classify(provider.id(), (String) r.get(Fields.EVENT_ACTION));
        r.put(Fields.EVENT_CATEGORY, c.ecsCategory());
        r.put(Fields.EVENT_TYPE, c.ecsType());
        r.put(Fields.AUDIT_CATEGORY, c.category());
        r.put(Fields.AUDIT_AREA, c.area());
        if (c.mapped() == false) {
            r.put(Fields.AUDIT_UNMAPPED, true);
        }
        r.put(Fields.AUDIT_SOURCE_FORMAT, event.format.id());
        r.fillRelated();
        for (String warning : event.warnings) {
            r.add(Fields.AUDIT_WARNINGS, warning);
        }
        r.put(provider == Provider.GITLAB ? Fields.GITLAB_AUDIT : Fields.CIRCLECI_AUDIT, event.vendor);
        return r;
    }

    /** Sets source.ip when the text is an IP address; anything else is flagged and left in the vendor original. */
    static void putIp(RecordBuilder r, ParsedEvent event, String sourceField, String value) {
        if (value == null) {
            return;
        }
        String ip = value.trim();
        if (InetAddresses.isInetAddress(ip)) {
            r.put(Fields.SOURCE_IP, ip);
        } else {
            event.warnings.add("field [" + sourceField + "] is not an IP address; not copied to source.ip");
        }
    }
}
