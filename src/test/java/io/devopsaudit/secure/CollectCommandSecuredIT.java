/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.secure;

import io.devopsaudit.collect.FakeGitlab;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.Matchers.containsString;

/**
 * {@code ./devops-audit collect} into the node secured by the Security plugin: over HTTPS trusting only the demo CA
 * ({@code --ca-file}), as a user whose password is read from a file; a wrong password ends it with the cluster's 401.
 */
public class CollectCommandSecuredIT extends SecuredNodeTestCase {

    private static String collect(int exitCode, String... args) throws Exception {
        Path base = Path.of(System.getProperty("project.basedir"));
        List<String> command =
                new ArrayList<>(List.of("bash", base.resolve("devops-audit").toString(), "collect"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("collect took too long", p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(out, exitCode, p.exitValue());
        return out;
    }

    /** Every instance event of {@code gitlab} into the secured node, as the admin with the password in {@code password}. */
    private static String collect(int exitCode, FakeGitlab gitlab, Path tokenFile, String instance, Path password)
            throws Exception {
        return collect(
                exitCode,
                "--url",
                gitlab.url(),
                "--token-file",
                tokenFile.toString(),
                "--all",
                "--instance",
                instance,
                "--to",
                secureUrl(),
                "--ca-file",
                caFile().toString(),
                "--user",
                ADMIN,
                "--password-file",
                password.toString());
    }

    public void testTheCommandImportsOverHttpsAsAUser() throws Exception {
        call(client(), "PUT", "/_plugins/devops_audit/_setup", "{\"replicas\": 0}");
        String instance = "secured-cli-" + randomAlphaOfLength(6).toLowerCase(Locale.ROOT);
        String token = "glpat-" + randomAlphaOfLength(20);
        Path tokenFile = createTempFile();
        Files.writeString(tokenFile, token + "\n");
        Path passwordFile = Path.of(System.getProperty("tests.secure.admin.password.file"));
        Path wrongPassword = createTempFile();
        Files.writeString(wrongPassword, adminPassword() + "x\n");
        try (FakeGitlab gitlab = new FakeGitlab(token)) {
            gitlab.add(
                    1, 0, 0, 120, Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60));
            String out = collect(0, gitlab, tokenFile, instance, passwordFile);
            assertThat(out, containsString("collected 120 events: 120 indexed, 0 duplicates, 0 failed"));
            call(client(), "POST", "/devops-audit-gitlab-*/_refresh", null);
            Object count = call(
                            client(),
                            "POST",
                            "/devops-audit-gitlab-*/_count",
                            "{\"query\":{\"term\":{\"audit.instance\":\"" + instance + "\"}}}")
                    .get("count");
            assertEquals(120, ((Number) count).intValue());

            String refused = collect(1, gitlab, tokenFile, instance, wrongPassword);
            assertThat(refused, containsString("import into " + secureUrl() + " failed: HTTP 401"));
            assertFalse(
                    "no password or token in the output",
                    (out + refused).contains(token) || (out + refused).contains(adminPassword()));
        }
    }
}
