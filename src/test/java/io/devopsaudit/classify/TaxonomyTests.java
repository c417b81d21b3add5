/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.classify;

import io.devopsaudit.TestSupport;
import io.devopsaudit.parse.ParsedEvent;
import io.devopsaudit.parse.SourceFormat;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

public class TaxonomyTests extends OpenSearchTestCase {

    /**
     * CircleCI actions of older revisions of CircleCI's audit-log page (dotted names the current page writes with
     * hyphens, e.g. {@code workflow.job.start}); the current list is {@link #circleciDocumentedActions()}.
     */
    static final List<String> OLDER_CIRCLECI_ACTIONS = List.of(
            "checkout-key.create",
            "checkout-key.delete",
            "checkout-key.delete-all",
            "context.create",
            "context.delete",
            "context.secrets.accessed",
            "context.env_var.delete",
            "context.env_var.store",
            "deploy-keys.delete",
            "project.env_var.create",
            "project.env_var.delete",
            "project.settings.update",
            "project.ssh_key.create",
            "project.ssh_key.delete",
            "project.api_token.create",
            "schedule.create",
            "schedule.update",
            "schedule.delete",
            "user.create",
            "user.logged_in",
            "user.logged_out",
            "workflow.job.approve",
            "workflow.job.finish",
            "workflow.job.scheduled",
            "workflow.job.start",
            "org.workflows.deleted");

    static Path reference(String file) {
        return Path.of(System.getProperty("project.basedir", "."), "src", "test", "resources", "reference", file);
    }

    /** The actions of CircleCI's audit-log page as read into reference/circleci-audit-actions.txt. */
    static List<String> circleciDocumentedActions() throws IOException {
        return Files.readAllLines(reference("circleci-audit-actions.txt"), StandardCharsets.UTF_8).stream()
                .map(String::trim)
                .filter(l -> l.isEmpty() == false && l.startsWith("#") == false)
                .toList();
    }

    static List<String> gitlabCatalogue() throws IOException {
        Path tsv = reference("gitlab-event-types.tsv");
        List<String> names = new ArrayList<>();
        boolean header = true;
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            if (line.startsWith("#") || line.isBlank()) continue;
            if (header) {
                header = false;
                continue;
            }
            names.add(line.split("\t")[0]);
        }
        return names;
    }

    public void testEveryGitlabEventTypeOfTheCatalogueIsClassified() throws IOException {
        List<String> catalogue = gitlabCatalogue();
        assertEquals(547, catalogue.size());
        List<String> missing = catalogue.stream()
                .filter(n -> TestSupport.TAXONOMY.actions("gitlab").contains(n) == false)
                .toList();
        assertEquals("event types missing from gitlab-taxonomy.tsv", List.of(), missing);
    }

    public void testEveryDocumentedCircleciActionIsClassified() throws IOException {
        List<String> documented = circleciDocumentedActions();
        assertEquals(77, documented.size());
        assertEquals("listed twice", documented.size(), Set.copyOf(documented).size());
        List<String> missing = documented.stream()
                .filter(n -> TestSupport.TAXONOMY.actions("circleci").contains(n) == false)
                .toList();
        assertEquals("documented actions missing from circleci-taxonomy.tsv", List.of(), missing);
        for (String action : documented) {
            Classification c = TestSupport.TAXONOMY.classify("circleci", action);
            assertTrue(action, c.mapped());
            assertNotEquals(action, "other", c.category());
        }
    }

    public void testCircleciActionsOfOlderRevisionsAreClassified() {
        List<String> missing = OLDER_CIRCLECI_ACTIONS.stream()
                .filter(n -> TestSupport.TAXONOMY.actions("circleci").contains(n) == false)
                .toList();
        assertEquals("actions missing from circleci-taxonomy.tsv", List.of(), missing);
    }

    public void testDerivedActionNamesAreInTheTaxonomy() {
        for (TsvResource.Row row : TsvResource.read("gitlab-derived-actions.tsv", DerivedActions.HEADER)) {
            String action = row.get(3);
            if (action.contains("{value}") == false) {
                assertTrue(
                        "derived action [" + action + "] is not in gitlab-taxonomy.tsv",
                        TestSupport.TAXONOMY.actions("gitlab").contains(action));
            }
        }
    }

    public void testDerivedActions() {
        assertEquals("authenticated_with_password", derive(Map.of("with", "standard")));
        assertEquals("authenticated_with_ldap", derive(Map.of("with", "ldapmain")));
        assertEquals("authenticated_with_oauth", derive(Map.of("with", "github")));
        assertEquals("member_created", derive(Map.of("add", "user_access", "as", "Owner")));
        assertEquals(
                "project_visibility_level_updated", derive(Map.of("change", "visibility", "entity_type", "Project")));
        assertEquals(
                "group_visibility_level_updated", derive(Map.of("change", "visibility_level", "entity_type", "Group")));
        assertEquals("user_email_address_updated", derive(Map.of("change", "email address", "entity_type", "User")));
        assertEquals("email_address_changed", derive(Map.of("change", "email address", "entity_type", "Group")));
        assertEquals("ssh_key_added", derive(Map.of("add", "SSH key")));
        assertEquals("audit_operation", derive(Map.of("custom_message", Map.of("protocol", "ssh"))));
        assertNull(derive(Map.of("author_id", 1)));
    }

    private static String derive(Map<String, Object> fields) {
        return TestSupport.DERIVED_ACTIONS.derive(new ParsedEvent(SourceFormat.GITLAB_LOG, fields, Map.of(), fields));
    }

    public void testUnmappedActionsAreClassifiedOtherByTheirVerb() {
        Classification c = TestSupport.TAXONOMY.classify("gitlab", "brand_new_thing_destroyed");
        assertEquals(new Classification("other", "other", List.of("configuration"), List.of("deletion"), false), c);
        c = TestSupport.TAXONOMY.classify("circleci", "runner.resource-class.create");
        assertEquals(new Classification("other", "runner", List.of("configuration"), List.of("creation"), false), c);
        // hyphens separate words as dots do: the verb is the last word, the entity (area) the first
        c = TestSupport.TAXONOMY.classify("circleci", "webhook-archive-create");
        assertEquals(new Classification("other", "webhook", List.of("configuration"), List.of("creation"), false), c);
        c = TestSupport.TAXONOMY.classify("circleci", "release_integration-secret-revoke");
        assertEquals(
                new Classification("other", "release_integration", List.of("configuration"), List.of("info"), false),
                c);
        c = TestSupport.TAXONOMY.classify("circleci", "checkout-key.rotate");
        assertEquals(new Classification("other", "checkout_key", List.of("configuration"), List.of("info"), false), c);
        c = TestSupport.TAXONOMY.classify("circleci", "reindex");
        assertEquals(new Classification("other", "other", List.of("configuration"), List.of("info"), false), c);
        assertEquals("webhook", Taxonomy.circleciEntity("webhook-create"));
        assertNull(Taxonomy.circleciEntity("-create"));
    }

    /** Unlisted actions are classified alike whether their guess was kept or not (past the bound it is not). */
    public void testUnlistedActionsPastTheKeptBoundAreClassifiedAlike() {
        Taxonomy taxonomy = Taxonomy.load();
        for (int i = 0; i < Taxonomy.MAX_UNMAPPED_KEPT + 50; i++) {
            String action = "widget_" + i + (i % 2 == 0 ? "_created" : ".rotate");
            for (String provider : List.of("gitlab", "circleci")) {
                Classification expected = Taxonomy.unmapped(provider, action);
                assertEquals(action, expected, taxonomy.classify(provider, action));
                assertEquals(action, expected, taxonomy.classify(provider, action));
            }
        }
        assertEquals(
                List.of("creation"),
                taxonomy.classify("gitlab", "widget_0_created").ecsType());
        assertEquals(
                "widget_1", taxonomy.classify("circleci", "widget_1.rotate").area());
    }

    public void testMalformedDataFileFailsNamingFileAndLine() {
        IllegalStateException e = expectThrows(
                IllegalStateException.class, () -> TsvResource.read("broken-taxonomy.tsv", Taxonomy.HEADER));
        assertEquals(
                "data file [broken-taxonomy.tsv] line 4: expected 5 non-empty tab-separated cells [action, category, area, ecs_category, "
                        + "ecs_type], found [bar, credentials, keys, iam]",
                e.getMessage());
        e = expectThrows(IllegalStateException.class, () -> TsvResource.read("no-such.tsv", Taxonomy.HEADER));
        assertEquals("data file [no-such.tsv] is missing from the plugin", e.getMessage());
    }
}
