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

public class TaxonomyTests extends OpenSearchTestCase {

    /** The documented CircleCI actions (union of all revisions of CircleCI's audit-log page). */
    static final List<String> CIRCLECI_ACTIONS = List.of(
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

    static List<String> gitlabCatalogue() throws IOException {
        Path tsv = Path.of(
                System.getProperty("project.basedir", "."),
                "src",
                "test",
                "resources",
                "reference",
                "gitlab-event-types.tsv");
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
        assertEquals(535, catalogue.size());
        List<String> missing = catalogue.stream()
                .filter(n -> TestSupport.TAXONOMY.actions("gitlab").contains(n) == false)
                .toList();
        assertEquals("event types missing from gitlab-taxonomy.tsv", List.of(), missing);
    }

    public void testEveryDocumentedCircleciActionIsClassified() {
        List<String> missing = CIRCLECI_ACTIONS.stream()
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
        assertEquals("email_address_changed", derive(Map.of("change", "email address", "entity_type", "User")));
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
