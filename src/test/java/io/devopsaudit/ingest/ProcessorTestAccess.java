/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.ingest;

import io.devopsaudit.TestSupport;

import java.util.HashMap;
import java.util.Map;

/** Builds processors for tests in other packages through the real Factory. */
public final class ProcessorTestAccess {
    private ProcessorTestAccess() {}

    public static DevopsAuditProcessor.Factory factory() {
        return new DevopsAuditProcessor.Factory(TestSupport.READER, TestSupport.NORMALIZER, TestSupport.RULES);
    }

    public static DevopsAuditProcessor create(Map<String, Object> config) {
        return factory().create(null, "test", null, new HashMap<>(config));
    }
}
