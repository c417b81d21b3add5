/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.retention;

import org.opensearch.common.settings.Setting;
import org.opensearch.common.unit.TimeValue;

import java.util.List;

/** Dynamic cluster settings of retention by event time (docs/retention.md). */
public final class RetentionSettings {
    private RetentionSettings() {}

    public static final int MIN_DAYS = 1;
    public static final int MAX_DAYS = 36500;

    /** 7 years: the consistent default GitLab's direction page asks for. */
    public static final Setting<Integer> DAYS = Setting.intSetting(
            "devops_audit.retention.days",
            2555,
            MIN_DAYS,
            MAX_DAYS,
            Setting.Property.Dynamic,
            Setting.Property.NodeScope);

    public static final Setting<Integer> DEAD_LETTER_DAYS = Setting.intSetting(
            "devops_audit.retention.dead_letter_days",
            90,
            MIN_DAYS,
            MAX_DAYS,
            Setting.Property.Dynamic,
            Setting.Property.NodeScope);
    /**
     * GitLab request events ({@code devops-audit-gitlab-requests-*}): the request logs are 10 to 100 times the audit
     * volume and serve investigations of recent access, so they are kept 90 days by default, apart from the events.
     */
    public static final Setting<Integer> REQUEST_DAYS = Setting.intSetting(
            "devops_audit.retention.request_days",
            90,
            MIN_DAYS,
            MAX_DAYS,
            Setting.Property.Dynamic,
            Setting.Property.NodeScope);

    /**
     * Warm step by event time: event months whose month ended more than this many days ago are write-blocked and
     * force-merged to one segment. -1 (the default) turns it off.
     */
    public static final Setting<Integer> WARM_AFTER_DAYS = Setting.intSetting(
            "devops_audit.retention.warm_after_days",
            -1,
            -1,
            MAX_DAYS,
            Setting.Property.Dynamic,
            Setting.Property.NodeScope);

    public static final Setting<TimeValue> INTERVAL = Setting.timeSetting(
            "devops_audit.retention.interval",
            TimeValue.timeValueHours(1),
            TimeValue.timeValueSeconds(1),
            Setting.Property.Dynamic,
            Setting.Property.NodeScope);

    public static List<Setting<?>> all() {
        return List.of(DAYS, DEAD_LETTER_DAYS, REQUEST_DAYS, WARM_AFTER_DAYS, INTERVAL);
    }
}
