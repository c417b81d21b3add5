/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit;

import io.devopsaudit.ingest.DevopsAuditProcessor;
import org.opensearch.ingest.Processor;
import org.opensearch.plugins.IngestPlugin;
import org.opensearch.plugins.Plugin;

import java.util.Map;

/** Entry point: registers the {@code devops_audit} ingest processor. */
public class DevopsAuditPlugin extends Plugin implements IngestPlugin {

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        return Map.of(DevopsAuditProcessor.TYPE, new DevopsAuditProcessor.Factory());
    }
}
