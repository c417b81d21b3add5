/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import io.devopsaudit.TestSupport;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.LoggingDeprecationHandler;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.commons.alerting.model.BucketLevelTrigger;
import org.opensearch.commons.alerting.model.ChainedAlertTrigger;
import org.opensearch.commons.alerting.model.CompositeInput;
import org.opensearch.commons.alerting.model.DocLevelMonitorInput;
import org.opensearch.commons.alerting.model.DocumentLevelTrigger;
import org.opensearch.commons.alerting.model.Monitor;
import org.opensearch.commons.alerting.model.QueryLevelTrigger;
import org.opensearch.commons.alerting.model.SearchInput;
import org.opensearch.commons.alerting.model.Workflow;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.search.SearchModule;
import org.opensearch.test.OpenSearchTestCase;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Every shipped monitor and workflow is accepted by the Alerting plugin's own model: {@code Monitor.parse} and
 * {@code Workflow.parse} of {@code org.opensearch:common-utils} (the classes the Alerting plugin parses its REST
 * bodies with), with the search module's query and aggregation parsers registered as on a node. The rendered
 * content is parsed (placeholders filled as {@code _setup} and {@code install-monitors} fill them), so a field the
 * model does not know, a trigger in the wrong wrapper or a query the search module rejects fails here.
 */
public class MonitorsParseTests extends OpenSearchTestCase {

    private static NamedXContentRegistry alertingRegistry() {
        List<NamedXContentRegistry.Entry> entries =
                new ArrayList<>(new SearchModule(Settings.EMPTY, Collections.emptyList()).getNamedXContents());
        entries.add(SearchInput.Companion.getXCONTENT_REGISTRY());
        entries.add(DocLevelMonitorInput.Companion.getXCONTENT_REGISTRY());
        entries.add(CompositeInput.Companion.getXCONTENT_REGISTRY());
        entries.add(QueryLevelTrigger.Companion.getXCONTENT_REGISTRY());
        entries.add(BucketLevelTrigger.Companion.getXCONTENT_REGISTRY());
        entries.add(DocumentLevelTrigger.Companion.getXCONTENT_REGISTRY());
        entries.add(ChainedAlertTrigger.Companion.getXCONTENT_REGISTRY());
        return new NamedXContentRegistry(entries);
    }

    private static XContentParser parser(Map<String, Object> body) throws Exception {
        XContentParser p = JsonXContent.jsonXContent.createParser(
                alertingRegistry(), LoggingDeprecationHandler.INSTANCE, TestSupport.prettyJson(body));
        p.nextToken();
        return p;
    }

    public void testEveryShippedMonitorParsesWithTheAlertingModel() throws Exception {
        List<Map<String, Object>> rendered = MonitorContent.render("channel-1", "https://dashboards.example.org");
        assertEquals(ContentFiles.monitors().size(), rendered.size());
        for (Map<String, Object> m : rendered) {
            Monitor monitor;
            try (XContentParser p = parser(m)) {
                monitor = Monitor.parse(p);
            } catch (Exception e) {
                throw new AssertionError("Monitor.parse rejects [" + m.get("name") + "]: " + e, e);
            }
            assertEquals(m.get("name"), monitor.getName());
            String name = (String) m.get("name");
            assertEquals(name, m.get("monitor_type"), monitor.getMonitorType());
            assertEquals(
                    name,
                    ((List<?>) m.get("triggers")).size(),
                    monitor.getTriggers().size());
            assertEquals(
                    name,
                    ((List<?>) m.get("inputs")).size(),
                    monitor.getInputs().size());
        }
        // the unrendered form (no channel: actions left out) parses too, as POSTed by hand
        for (Map<String, Object> m : MonitorContent.render(null, null)) {
            try (XContentParser p = parser(m)) {
                assertEquals(m.get("name"), Monitor.parse(p).getName());
            }
        }
    }

    public void testEveryShippedWorkflowParsesWithTheAlertingModel() throws Exception {
        List<Map<String, Object>> monitors = MonitorContent.render("channel-1", null);
        List<Map<String, Object>> workflows = MonitorContent.renderWorkflows("channel-1", null);
        assertFalse("at least one composite workflow ships", workflows.isEmpty());
        for (Map<String, Object> w : workflows) {
            // as install-monitors does: each MONITOR_ID{<name>} becomes the id the created monitor got
            String body = TestSupport.prettyJson(w);
            for (int i = 0; i < monitors.size(); i++) {
                body = body.replace(
                        MonitorContent.MONITOR_ID_PLACEHOLDER + monitors.get(i).get("name") + "}", "monitor-id-" + i);
            }
            assertFalse(
                    w.get("name") + " names a monitor that does not ship",
                    body.contains(MonitorContent.MONITOR_ID_PLACEHOLDER));
            Workflow workflow;
            try (XContentParser p = parser(TestSupport.parseJsonOrdered(body))) {
                workflow = Workflow.parse(p);
            } catch (Exception e) {
                throw new AssertionError("Workflow.parse rejects [" + w.get("name") + "]: " + e, e);
            }
            assertEquals(w.get("name"), workflow.getName());
            CompositeInput input = (CompositeInput) workflow.getInputs().get(0);
            assertTrue(
                    w.get("name") + " chains at least two monitors",
                    input.getSequence().getDelegates().size() >= 2);
            for (var trigger : workflow.getTriggers()) {
                String condition =
                        ((ChainedAlertTrigger) trigger).getCondition().getIdOrCode();
                for (var delegate : input.getSequence().getDelegates()) {
                    assertTrue(condition, condition.contains("monitor[id=" + delegate.getMonitorId() + "]"));
                }
            }
        }
    }

    /** The check can fail: a query the search module does not know, in a shipped monitor's search, is rejected. */
    @SuppressWarnings("unchecked")
    public void testAMonitorTheAlertingModelRejectsFailsHere() throws Exception {
        Map<String, Object> bucket = MonitorContent.render("channel-1", null).stream()
                .filter(m -> m.get("monitor_type").equals("bucket_level_monitor"))
                .findFirst()
                .orElseThrow();
        Map<String, Object> broken = TestSupport.parseJsonOrdered(TestSupport.prettyJson(bucket));
        Map<String, Object> search = (Map<String, Object>)
                ((List<Map<String, Object>>) broken.get("inputs")).get(0).get("search");
        ((Map<String, Object>) search.get("query")).put("query", Map.of("no_such_query", Map.of()));
        Exception e = expectThrows(Exception.class, () -> {
            try (XContentParser p = parser(broken)) {
                Monitor.parse(p);
            }
        });
        assertTrue(e.toString(), e.toString().contains("no_such_query"));
    }
}
