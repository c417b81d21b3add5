/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit;

import io.devopsaudit.classify.DerivedActions;
import io.devopsaudit.classify.Taxonomy;
import io.devopsaudit.indicators.RuleSet;
import io.devopsaudit.ingest.DevopsAuditProcessor;
import io.devopsaudit.normalize.Normalizer;
import io.devopsaudit.parse.EventReader;
import org.opensearch.ingest.Processor;
import org.opensearch.plugins.IngestPlugin;
import org.opensearch.plugins.Plugin;

import java.util.Map;

/** Entry point: registers the {@code devops_audit} ingest processor. */
public class DevopsAuditPlugin extends Plugin implements IngestPlugin {

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        // Data files are read once per node; a malformed one fails the node start with a message naming it.
        Normalizer normalizer = new Normalizer(Taxonomy.load(), DerivedActions.load());
        return Map.of(DevopsAuditProcessor.TYPE, new DevopsAuditProcessor.Factory(new EventReader(), normalizer, RuleSet.load()));
    }
}
