/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.schema;

/**
 * Every index, template, pipeline and policy name the plugin uses, derived from one prefix. The shipped content
 * files (templates, pipeline, ISM policy, monitors, Dashboards objects) spell the same names; a test checks that
 * they agree with this class. The prefix is fixed: retention, investigation, monitors and dashboards all find the
 * audit indices by it, so a per-pipeline prefix could only ever be honoured by half of them.
 */
public final class IndexNames {
    private IndexNames() {}

    public static final String PREFIX = "devops-audit";
    /** The shipped ingest pipeline, and the pipeline {@code _import} and {@code _stream} use by default. */
    public static final String PIPELINE = PREFIX;

    public static final String TEMPLATE = PREFIX;
    public static final String DEAD_LETTER_TEMPLATE = PREFIX + "-failed";
    /** Dead letters go to {@code devops-audit-failed-<yyyy.MM>} of the ingest month. */
    public static final String DEAD_LETTER_PREFIX = DEAD_LETTER_TEMPLATE + "-";
    /**
     * The investigation trail: one record per access report, context lookup and export, in
     * {@code devops-audit-activity-<yyyy.MM>} of the month it was asked (docs/investigation.md).
     */
    public static final String ACTIVITY_TEMPLATE = PREFIX + "-activity";

    public static final String ACTIVITY_PREFIX = ACTIVITY_TEMPLATE + "-";

    public static final String HEALTH_TEMPLATE = PREFIX + "-health";
    /** The plugin's health records (collector polls that fail or recover, retention runs) go to {@code devops-audit-health-<yyyy.MM>}. */
    public static final String HEALTH_PREFIX = HEALTH_TEMPLATE + "-";
    /**
     * GitLab request events (production_json.log, api_json.log, auth_json.log) go to
     * {@code devops-audit-gitlab-requests-<yyyy.MM>} of their event time: beside the audit events, never among them.
     */
    public static final String REQUESTS_PREFIX = PREFIX + "-gitlab-requests-";

    /** Every request index. */
    public static final String REQUESTS = REQUESTS_PREFIX + "*";

    /** Where intake addresses raw events before the pipeline names their real index. */
    public static final String INCOMING = PREFIX + "-incoming";
    /** The plugin's own state (the last retention run): a system index. */
    public static final String STATE = "." + PREFIX + "-state";

    /**
     * Pre-counted accesses per event index and day, which the access report reads where they are still exact
     * (docs/investigation.md): hidden, and outside {@code devops-audit-*}.
     */
    public static final String ACCESS_ROLLUP = "." + PREFIX + "-access-rollup";

    /** Every audit index: events of every provider, dead letters, and the intake address. */
    public static final String ALL = PREFIX + "-*";

    /** {@code devops-audit-<provider>-} followed by the period of event time. */
    public static String eventPrefix(Provider provider) {
        return PREFIX + "-" + provider.id() + "-";
    }

    /** What the pipeline writes: the event indices of every provider and the dead letters. */
    public static String[] writePatterns() {
        String[] events = eventPatterns();
        String[] out = java.util.Arrays.copyOf(events, events.length + 1);
        out[events.length] = DEAD_LETTER_PREFIX + "*";
        return out;
    }

    /** The patterns of the normalized event indices of every provider (dead letters are not events). */
    public static String[] eventPatterns() {
        Provider[] providers = Provider.values();
        String[] patterns = new String[providers.length];
        for (int i = 0; i < providers.length; i++) {
            patterns[i] = eventPrefix(providers[i]) + "*";
        }
        return patterns;
    }
}
