/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every {@code curl} example of README.md and docs/*.md, run as written against the real node loaded with the demo's
 * samples, in document order (README first, then docs/ by name): each must answer 2xx, so no documented example can
 * drift from the API or miss the sample data.
 *
 * <p>Each ```bash block that names {@code localhost:9200} is run by bash itself (no shell parsing here) with
 * {@code curl} defined as a function that sends the request to this node instead and records the status; only curl,
 * jq and a few text tools are on the PATH, so other commands in a block (the devops-audit script, Maven,
 * bin/opensearch-keystore, sudo) do nothing. Not run: a curl to anything but plain {@code localhost:9200}
 * (Dashboards on 5601, a secured node over https), and a block right after the line
 * {@code <!-- docs-examples: skip: <reason> -->} (files of the reader's own, a keystore, a secured node).
 */
public class DocsExamplesIT extends DevopsAuditRestTestCase {

    static final String SKIP_MARKER = "<!-- docs-examples: skip:";
    private static final Pattern BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);

    private static final String PRELUDE =
            """
            curl() {
              local a ours="" args=()
              for a in "$@"; do
                case "$a" in https://*|*localhost:5601*) printf 'SKIP %s\\n' "$*" >>"$DOCS_LOG"; return 0 ;; esac
                case "$a" in *localhost:9200*) ours=1 ;; esac
                args+=("${a//localhost:9200/$DOCS_NODE}")
              done
              [ -n "$ours" ] || { printf 'SKIP %s\\n' "$*" >>"$DOCS_LOG"; return 0; }
              local code; code=$(command curl -s -o "$DOCS_BODY" -w '%{http_code}' "${args[@]}")
              printf 'RAN %s %s\\n' "$code" "$(printf '%s ' "$@" | tr '\\n' ' ' | head -c 400)" >>"$DOCS_LOG"
              case "$code" in 2*) ;; *) printf 'BODY %s\\n' "$(head -c 400 "$DOCS_BODY" | tr '\\n' ' ')" >>"$DOCS_LOG" ;; esac
            }
            """;

    public void testEveryCurlExampleOfTheDocsAnswers2xxOnTheDemoData() throws Exception {
        SetupIT.setup();
        Path base = Path.of(System.getProperty("project.basedir"));
        String node = getClusterHosts().get(0).toHostString();
        List<String> samples = new ArrayList<>(List.of("import", "--url", "http://" + node));
        try (Stream<Path> s = Files.list(base.resolve("samples"))) {
            s.sorted().forEach(p -> samples.add(p.toString()));
        }
        cli(null, 300, samples.toArray(String[]::new));
        call("POST", "/devops-audit-*/_refresh", null);
        StreamIT.keystoreSet("devops_audit.redaction.key", "docs-" + randomAlphaOfLength(16));

        Path work = createTempDir();
        Path bin = Files.createDirectories(work.resolve("bin"));
        for (String tool : List.of("curl", "jq", "head", "tr", "base64", "cat", "printf")) {
            Path found = which(tool);
            if (found != null)
                Files.createSymbolicLink(bin.resolve(tool), bin.getFileSystem().getPath(found.toString()));
        }
        List<Path> docs = new ArrayList<>();
        docs.add(base.resolve("README.md"));
        try (Stream<Path> s = Files.list(base.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<String> failures = new ArrayList<>();
        int ran = 0;
        for (Path doc : docs) {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                String block = m.group(1);
                if (block.contains("localhost:9200") == false || skipped(text, m.start())) continue;
                Path log = work.resolve("log");
                Files.deleteIfExists(log);
                Files.createFile(log);
                Path script = work.resolve("block.sh");
                Files.writeString(script, PRELUDE + block, StandardCharsets.UTF_8);
                ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString())
                        .directory(work.toFile())
                        .redirectErrorStream(true);
                pb.environment().put("PATH", bin.toString());
                pb.environment().put("DOCS_LOG", log.toString());
                pb.environment().put("DOCS_BODY", work.resolve("body").toString());
                pb.environment().put("DOCS_NODE", node);
                Process p = pb.start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(doc.getFileName() + ": a block took too long: " + block, p.waitFor(180, TimeUnit.SECONDS));
                String where = base.relativize(doc) + " line " + line(text, m.start());
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String l = lines.get(i);
                    if (l.startsWith("RAN ") == false) continue;
                    ran++;
                    if (l.startsWith("RAN 2") == false) {
                        String body =
                                i + 1 < lines.size() && lines.get(i + 1).startsWith("BODY ") ? lines.get(i + 1) : out;
                        failures.add(where + ": " + l + " -> " + body);
                    }
                }
            }
        }
        assertEquals(String.join("\n", failures), List.of(), failures);
        assertTrue("the docs hold dozens of curl examples, ran " + ran, ran >= 30);
    }

    /** Whether the line before the block's fence is the skip marker. */
    static boolean skipped(String text, int fence) {
        int end = text.lastIndexOf('\n', fence - 1);
        if (end < 0) return false;
        int start = text.lastIndexOf('\n', end - 1) + 1;
        return text.substring(start, end).trim().startsWith(SKIP_MARKER);
    }

    private static int line(String text, int offset) {
        return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }

    private static Path which(String tool) {
        for (String dir : System.getenv("PATH").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
