/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import org.opensearch.common.settings.Setting;
import org.opensearch.core.common.unit.ByteSizeUnit;
import org.opensearch.core.common.unit.ByteSizeValue;

import java.util.List;

/** Limits of the import and streaming endpoints (docs/intake.md). */
public final class IntakeSettings {
    private IntakeSettings() {}

    public static final Setting<ByteSizeValue> IMPORT_MAX_BYTES = Setting.byteSizeSetting(
            "devops_audit.import.max_bytes",
            new ByteSizeValue(100, ByteSizeUnit.MB),
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

    public static List<Setting<?>> all() {
        return List.of(IMPORT_MAX_BYTES, STREAM_MAX_BYTES, STREAM_MAX_EVENTS, BULK_SIZE);
    }
}
