/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.ingest.IntakeBounds;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.unit.ByteSizeUnit;
import org.opensearch.core.common.unit.ByteSizeValue;

import java.util.List;

/** Limits of the import and streaming endpoints (docs/intake.md). */
public final class IntakeSettings {
    private IntakeSettings() {}

    public static final Setting<ByteSizeValue> IMPORT_MAX_BYTES = Setting.byteSizeSetting(
            "devops_audit.import.max_bytes",
            new ByteSizeValue(90, ByteSizeUnit.MB),
            Setting.Property.Dynamic,
            Setting.Property.NodeScope);
    public static final Setting<ByteSizeValue> STREAM_MAX_BYTES = Setting.byteSizeSetting(
            "devops_audit.stream.max_bytes",
            new ByteSizeValue(10, ByteSizeUnit.MB),
            Setting.Property.Dynamic,
            Setting.Property.NodeScope);
    public static final Setting<Integer> STREAM_MAX_EVENTS = Setting.intSetting(
            "devops_audit.stream.max_events", 1000, 1, 100_000, Setting.Property.Dynamic, Setting.Property.NodeScope);
    public static final Setting<Integer> BULK_SIZE = Setting.intSetting(
            "devops_audit.import.bulk_size", 1000, 1, 10_000, Setting.Property.Dynamic, Setting.Property.NodeScope);

    /** How far in the future an event time may be before it is dead-lettered as {@code out_of_range_time}. */
    public static final Setting<TimeValue> MAX_FUTURE_SKEW = Setting.timeSetting(
            "devops_audit.intake.max_future_skew",
            IntakeBounds.DEFAULT_MAX_FUTURE_SKEW,
            TimeValue.ZERO,
            Setting.Property.Dynamic,
            Setting.Property.NodeScope);
    /** How many new event indices one intake request may create; events for further new indices are dead-lettered. */
    public static final Setting<Integer> MAX_NEW_INDICES_PER_REQUEST = Setting.intSetting(
            "devops_audit.intake.max_new_indices_per_request",
            IntakeBounds.DEFAULT_MAX_NEW_INDICES,
            1,
            1000,
            Setting.Property.Dynamic,
            Setting.Property.NodeScope);

    public static List<Setting<?>> all() {
        return List.of(
                IMPORT_MAX_BYTES,
                STREAM_MAX_BYTES,
                STREAM_MAX_EVENTS,
                BULK_SIZE,
                MAX_FUTURE_SKEW,
                MAX_NEW_INDICES_PER_REQUEST);
    }

    /** Applies the bounds settings to the node's processors now and whenever they change. */
    public static void wire(ClusterService clusterService, IntakeBounds bounds) {
        ClusterSettings settings = clusterService.getClusterSettings();
        bounds.setMaxFutureSkew(settings.get(MAX_FUTURE_SKEW));
        bounds.setMaxNewIndices(settings.get(MAX_NEW_INDICES_PER_REQUEST));
        settings.addSettingsUpdateConsumer(MAX_FUTURE_SKEW, bounds::setMaxFutureSkew);
        settings.addSettingsUpdateConsumer(MAX_NEW_INDICES_PER_REQUEST, bounds::setMaxNewIndices);
        bounds.setIndexExists(
                name -> clusterService.state().metadata().getIndicesLookup().containsKey(name));
    }
}
