/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devopsaudit.parse.JsonText;
import org.opensearch.common.SuppressForbidden;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;

/**
 * The one-shot backfill behind {@code ./devops-audit collect}: fetches scopes of GitLab's Audit Events API with the
 * collectors' own {@link GitlabClient} (paging by {@code Link}, waiting through 429, 5xx and timeouts, GitLab's message
 * and a hint on anything else) and posts each page, as it arrives, to {@code _import?format=gitlab_api} of a cluster,
 * so the pipeline, the {@code _id}s and the counts are those of {@code _import} and of the collectors. It runs outside
 * the cluster, on a JDK with only the plugin's jar on the class path: the token stays on the machine that runs it,
 * and the cluster need not reach GitLab. Nothing here touches OpenSearch's own classes.
 * <p>
 * Progress and errors go to stderr; the last line on stdout is the counts as JSON. Exit status 0 when every scope was
 * fetched to its end and every page imported, 1 when GitLab or the cluster refused, 2 on wrong arguments.
 */
@SuppressForbidden(reason = "a command-line tool: it reports on stdout and stderr and ends with an exit status")
public final class CollectCommand {
    static final String USAGE =
            "usage: CollectCommand --url GITLAB --token-file F [--all] [--group G]... [--project P]... [--since T] "
                    + "[--until T] [--instance NAME] --to CLUSTER [--ca-file PEM] [--user NAME --password-file F]";
    /** The same retry budget as the collectors: 429 waits Retry-After, 5xx and timeouts back off, six times. */
    static final int MAX_RETRIES = CollectorService.MAX_RETRIES;

    static final long BACKOFF_MS = 1000;
    static final Duration IMPORT_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = JsonText.boundedMapper(JsonText.MAX_DEPTH + 1);

    /** Arguments that cannot work; the command answers with the reason and its usage. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** What the command was told. {@code user} and {@code password} are {@code null} when the cluster needs none. */
    record Options(
            String gitlab,
            String token,
            List<CollectorConfig.Scope> scopes,
            Instant since,
            Instant until,
            String instance,
            String cluster,
            Path caFile,
            String user,
            String password) {}

    /** What the cluster's {@code _import} answers add up to. */
    static final class Totals {
        long fetched;
        long indexed;
        long duplicates;
        long failed;

        void add(long pageSize, JsonNode answer) {
            fetched += pageSize;
            indexed += count(answer, "indexed") + count(answer, "upgraded");
            duplicates += count(answer, "duplicates");
            failed += count(answer, "failed");
        }

        private static long count(JsonNode answer, String key) {
            JsonNode v = answer.get(key);
            return v != null && v.canConvertToLong() ? v.asLong() : 0;
        }

        String json() {
            return String.format(
                    Locale.ROOT,
                    "{\"fetched\": %d, \"indexed\": %d, \"duplicates\": %d, \"failed\": %d}",
                    fetched,
                    indexed,
                    duplicates,
                    failed);
        }
    }

    private final Options options;
    private final GitlabClient gitlab;
    private final HttpClient cluster;
    private final PrintStream err;
    final Totals totals = new Totals();

    CollectCommand(Options options, GitlabClient gitlab, HttpClient cluster, PrintStream err) {
        this.options = options;
        this.gitlab = gitlab;
        this.cluster = cluster;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Thread::sleep));
    }

    /** The whole command; {@code sleep} is how it waits before a retry (tests pass one that does not). */
    static int run(String[] args, PrintStream out, PrintStream err, Sleep sleep) {
        Options options;
        try {
            options = parse(args);
        } catch (UsageException e) {
            err.println("devops-audit: collect: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try (HttpClient http = GitlabClient.newHttpClient();
                HttpClient cluster = clusterClient(options.caFile())) {
            GitlabClient.Sleeper waiting = (ms, status) -> {
                err.println("devops-audit: "
                        + (status == 0 ? "no answer from GitLab" : "GitLab answered HTTP " + status)
                        + ", waiting " + seconds(ms) + " s");
                sleep.sleep(ms);
            };
            GitlabClient gitlab = new GitlabClient(
                    http, new Semaphore(1), MAX_RETRIES, BACKOFF_MS, waiting, GitlabClient.Advice.COMMAND);
            CollectCommand command = new CollectCommand(options, gitlab, cluster, err);
            int status = command.collect();
            if (status == 0) out.println(command.totals.json());
            return status;
        } catch (UsageException e) {
            err.println("devops-audit: collect: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("devops-audit: collect: interrupted");
            return 1;
        }
    }

    /** How the command waits. */
    interface Sleep {
        void sleep(long millis) throws InterruptedException;
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }

    /** Fetches and imports every scope in turn; stops at the first scope GitLab or the cluster refuses. */
    int collect() throws InterruptedException {
        for (CollectorConfig.Scope scope : options.scopes()) {
            String first = GitlabClient.firstPage(options.gitlab(), scope, options.since(), options.until());
            try {
                long pages = gitlab.forEachPage(options.gitlab(), first, options.token(), this::importPage);
                err.println("devops-audit: " + scope.key() + ": done (" + pages + (pages == 1 ? " page)" : " pages)"));
            } catch (GitlabApiException e) {
                // GitLab's words, the scope and what to check; never the token (it is in no URL and no message)
                err.println("devops-audit: collect: " + scope.key() + ": " + e.getMessage());
                return 1;
            } catch (ImportException e) {
                err.println("devops-audit: collect: " + scope.key() + ": " + e.getMessage());
                return 1;
            }
        }
        err.println("devops-audit: collected " + totals.fetched + " events: " + totals.indexed + " indexed, "
                + totals.duplicates + " duplicates, " + totals.failed + " failed");
        return 0;
    }

    /** The cluster refused a page, or could not be reached. */
    static final class ImportException extends Exception {
        ImportException(String message) {
            super(message);
        }
    }

    private void importPage(GitlabClient.Page page) throws ImportException, InterruptedException {
        if (page.items().isEmpty()) return;
        String query = "format=gitlab_api"
                + (options.instance() == null
                        ? ""
                        : "&instance=" + URLEncoder.encode(options.instance(), StandardCharsets.UTF_8));
        URI uri = URI.create(options.cluster() + "/_plugins/devops_audit/_import?" + query);
        HttpResponse<byte[]> answer;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(IMPORT_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(page.items())));
            if (options.user() != null) {
                String basic = options.user() + ":" + options.password();
                request.header(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
            }
            answer = cluster.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ImportException("import into " + options.cluster() + " failed: " + e);
        }
        String body = new String(answer.body(), StandardCharsets.UTF_8);
        JsonNode counts;
        try {
            counts = JSON.readTree(answer.body());
        } catch (IOException e) {
            counts = null;
        }
        if (answer.statusCode() != 200 || counts == null || counts.has("received") == false) {
            throw new ImportException(
                    "import into " + options.cluster() + " failed: HTTP " + answer.statusCode() + ": " + body);
        }
        totals.add(page.items().size(), counts);
    }

    private static HttpClient clusterClient(Path caFile) throws UsageException {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(GitlabClient.CONNECT_TIMEOUT);
        if (caFile != null) builder.sslContext(trusting(caFile));
        return builder.build();
    }

    /** TLS that trusts only the certificates of a PEM file (a cluster with its own CA, such as the demo's). */
    static SSLContext trusting(Path caFile) throws UsageException {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) throw new UsageException("--ca-file [" + caFile + "] holds no certificate");
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new UsageException("--ca-file [" + caFile + "] is not a readable PEM certificate file: " + e);
        }
    }

    static Options parse(String[] args) throws UsageException {
        String gitlab = null, tokenFile = null, instance = null, cluster = null, caFile = null, user = null;
        String passwordFile = null;
        Instant since = null, until = null;
        List<CollectorConfig.Scope> scopes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--all")) {
                scopes.add(new CollectorConfig.Scope(CollectorConfig.Scope.INSTANCE, null));
                continue;
            }
            if (i + 1 >= args.length) throw new UsageException("[" + arg + "] needs a value, or is unknown");
            String value = args[++i];
            switch (arg) {
                case "--url" -> gitlab = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
                case "--token-file" -> tokenFile = value;
                case "--group" -> scopes.add(scope(CollectorConfig.Scope.GROUP, value));
                case "--project" -> scopes.add(scope(CollectorConfig.Scope.PROJECT, value));
                case "--since" -> since = instant(arg, value);
                case "--until" -> until = instant(arg, value);
                case "--instance" -> instance = value;
                case "--to" -> cluster = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
                case "--ca-file" -> caFile = value;
                case "--user" -> user = value;
                case "--password-file" -> passwordFile = value;
                default -> throw new UsageException("unknown option [" + arg + "]");
            }
        }
        if (gitlab == null) throw new UsageException("--url names the GitLab instance");
        if (httpAddress(gitlab) == false) {
            throw new UsageException("--url must be the GitLab instance's http(s) address, found [" + gitlab + "]");
        }
        if (tokenFile == null || Files.isReadable(Path.of(tokenFile)) == false) {
            throw new UsageException("--token-file must name a readable file holding the access token");
        }
        if (scopes.isEmpty()) {
            throw new UsageException("name a scope: --all (instance events), --group G, --project P");
        }
        if (cluster == null || httpAddress(cluster) == false) {
            throw new UsageException("--to must be the cluster's http(s) address, found [" + cluster + "]");
        }
        if ((user == null) != (passwordFile == null)) {
            throw new UsageException("--user and --password-file go together");
        }
        return new Options(
                gitlab,
                readSecret("--token-file", tokenFile),
                scopes,
                since,
                until,
                instance,
                cluster,
                caFile == null ? null : Path.of(caFile),
                user,
                passwordFile == null ? null : readSecret("--password-file", passwordFile));
    }

    private static boolean httpAddress(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static CollectorConfig.Scope scope(String kind, String id) throws UsageException {
        if (id.isBlank() || id.strip().equals(id) == false) {
            throw new UsageException("--" + kind + " must be a numeric id or a full path such as acme/web");
        }
        return new CollectorConfig.Scope(kind, id);
    }

    private static Instant instant(String option, String value) throws UsageException {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new UsageException(
                    option + " must be an ISO-8601 instant such as 2025-01-01T00:00:00Z, found [" + value + "]");
        }
    }

    /** A secret from a file, its line break removed: never from the command line, where {@code ps} would show it. */
    private static String readSecret(String option, String file) throws UsageException {
        try {
            String text =
                    Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) throw new UsageException(option + " [" + file + "] is empty");
            return text;
        } catch (IOException e) {
            throw new UsageException(option + " [" + file + "] cannot be read: " + e.getMessage());
        }
    }
}
