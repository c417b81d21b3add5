/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.secure;

import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.junit.After;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.client.RestClient;
import org.opensearch.client.RestClientBuilder;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.test.rest.OpenSearchRestTestCase;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Base of the tests against the secured real node: OpenSearch 3.4.0 with the Security plugin's demo TLS configuration
 * and devops-audit, started by the build ({@code ./devops-audit node-start --security}, docs/development.md, "The
 * secured node"). The build passes
 * <ul>
 *   <li>{@code tests.secure.url}: {@code https://127.0.0.1:<port>};</li>
 *   <li>{@code tests.secure.admin.password.file}: the admin password;</li>
 *   <li>{@code tests.secure.stream.token.file}: the GitLab streaming token the node has in its keystore;</li>
 *   <li>{@code tests.secure.ca.file}: the demo root CA (root-ca.pem), the only certificate the clients trust;</li>
 *   <li>{@code tests.secure.home}: the node's home, for {@code ./devops-audit node-keystore}.</li>
 * </ul>
 * {@link #client()} (and the framework's admin client) speak HTTPS as {@code admin}; {@link #clientAs} as another
 * user; {@link #anonymousClient()} without credentials. Clients made here are closed after each test. The node is
 * not wiped between tests (its Security index and audit log are system indices): tests use their own names and
 * clean up what they create.
 */
public abstract class SecuredNodeTestCase extends OpenSearchRestTestCase {

    public static final String ADMIN = "admin";
    static final String STREAMING_TOKEN_SETTING = "devops_audit.gitlab.streaming_token";

    private final Map<String, RestClient> extraClients = new HashMap<>();

    // --- what the build hands over -----------------------------------------------------------------------------

    protected static String secureUrl() {
        return required("tests.secure.url");
    }

    protected static String adminPassword() {
        return readTrimmed(required("tests.secure.admin.password.file"));
    }

    /** The GitLab streaming token the node was started with (its keystore's {@value #STREAMING_TOKEN_SETTING}). */
    protected static String streamToken() {
        return readTrimmed(required("tests.secure.stream.token.file"));
    }

    protected static Path caFile() {
        return Path.of(required("tests.secure.ca.file"));
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(
                    "system property [" + property + "] is not set: run the secured-node tests through mvn verify");
        }
        return value;
    }

    private static String readTrimmed(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    // --- clients -------------------------------------------------------------------------------------------------

    @Override
    protected String getTestRestCluster() {
        URI uri = URI.create(secureUrl());
        return uri.getHost() + ":" + uri.getPort();
    }

    @Override
    protected String getProtocol() {
        return "https";
    }

    @Override
    protected Settings restClientSettings() {
        return Settings.builder()
                .put(super.restClientSettings())
                .put(ThreadContext.PREFIX + ".Authorization", basicAuth(ADMIN, adminPassword()))
                .put(CLIENT_SOCKET_TIMEOUT, "5m") // as DevopsAuditRestTestCase: a loaded machine is not a failure
                .build();
    }

    @Override
    protected RestClient buildClient(Settings settings, HttpHost[] hosts) throws IOException {
        RestClientBuilder builder = RestClient.builder(hosts);
        configureClient(builder, settings); // default headers (Authorization), socket timeout, path prefix
        trustDemoCa(builder);
        builder.setStrictDeprecationMode(true);
        return builder.build();
    }

    /**
     * A client that authenticates as {@code user} (HTTP basic), trusting only the demo CA; the same one for the same
     * credentials within a test, closed after it.
     */
    protected RestClient clientAs(String user, String password) {
        return extraClient(
                user + '\u0000' + password, new Header[] {new BasicHeader("Authorization", basicAuth(user, password))});
    }

    /** A client that sends no credentials at all; closed after the test. */
    protected RestClient anonymousClient() {
        return extraClient("", new Header[0]);
    }

    private RestClient extraClient(String key, Header[] headers) {
        return extraClients.computeIfAbsent(key, k -> {
            RestClientBuilder builder = RestClient.builder(getClusterHosts().toArray(new HttpHost[0]));
            builder.setDefaultHeaders(headers);
            trustDemoCa(builder);
            return builder.build();
        });
    }

    @After
    public void closeExtraClients() throws IOException {
        for (RestClient client : extraClients.values()) {
            client.close();
        }
        extraClients.clear();
    }

    static String basicAuth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * TLS that trusts the demo root CA from its file and nothing else; host names are verified as usual. HTTP/1.1 like
     * the plain node's tests: over TLS the node would negotiate HTTP/2, and closing an HTTP/2 client waits 5 s for its
     * graceful shutdown (1 s for HTTP/1.1), for every client of every suite.
     */
    private static void trustDemoCa(RestClientBuilder builder) {
        SSLContext sslContext = demoCaContext();
        builder.setHttpClientConfigCallback(httpClient -> httpClient
                .setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1)
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setTlsStrategy(ClientTlsStrategyBuilder.create()
                                .setSslContext(sslContext)
                                .build())
                        .build()));
    }

    private static SSLContext demoCaContext() {
        try (InputStream in = Files.newInputStream(caFile())) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate :
                    CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("demo-ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new IllegalStateException("no certificate in " + caFile());
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the demo CA " + caFile(), e);
        }
    }

    /** The node keeps its Security index and audit log: nothing is wiped between tests. */
    @Override
    protected boolean preserveClusterUponCompletion() {
        return true;
    }

    // --- requests --------------------------------------------------------------------------------------------------

    /** The status of a request, whether it succeeded or not. */
    protected static int status(RestClient client, Request request) throws IOException {
        try {
            return client.performRequest(request).getStatusLine().getStatusCode();
        } catch (ResponseException e) {
            return e.getResponse().getStatusLine().getStatusCode();
        }
    }

    protected static Map<String, Object> call(RestClient client, String method, String endpoint, String jsonBody)
            throws IOException {
        Request request = new Request(method, endpoint);
        if (jsonBody != null) {
            request.setJsonEntity(jsonBody);
        }
        Response response = client.performRequest(request);
        return entityAsMap(response);
    }

    // --- users, roles and role mappings (Security REST API, as admin) ------------------------------------------------

    /** A password the Security plugin accepts (strong, unlike any user name). */
    protected static String strongPassword() {
        return randomAlphaOfLength(6) + "-" + randomIntBetween(1000, 9999) + "-"
                + randomAlphaOfLength(6).toUpperCase(Locale.ROOT) + "!x";
    }

    /** Creates (or replaces) an internal user with the given password and backend roles. */
    protected static void createUser(String name, String password, String... backendRoles) throws IOException {
        Request request = new Request("PUT", "/_plugins/_security/api/internalusers/" + name);
        request.setJsonEntity(json(Map.of("password", password, "backend_roles", List.of(backendRoles))));
        assertOK(client().performRequest(request));
    }

    protected static void deleteUser(String name) throws IOException {
        status(client(), new Request("DELETE", "/_plugins/_security/api/internalusers/" + name));
    }

    /** Creates (or replaces) a role; {@code roleJson} is the Security REST API's role body. */
    protected static void createRole(String name, String roleJson) throws IOException {
        Request request = new Request("PUT", "/_plugins/_security/api/roles/" + name);
        request.setJsonEntity(roleJson);
        assertOK(client().performRequest(request));
    }

    protected static void deleteRole(String name) throws IOException {
        status(client(), new Request("DELETE", "/_plugins/_security/api/roles/" + name));
    }

    /** Sets the mapping of {@code role} to exactly these users and backend roles (replacing any earlier mapping). */
    protected static void mapRole(String role, List<String> users, List<String> backendRoles) throws IOException {
        Request request = new Request("PUT", "/_plugins/_security/api/rolesmapping/" + role);
        request.setJsonEntity(json(Map.of("users", users, "backend_roles", backendRoles)));
        assertOK(client().performRequest(request));
    }

    protected static void deleteRoleMapping(String role) throws IOException {
        status(client(), new Request("DELETE", "/_plugins/_security/api/rolesmapping/" + role));
    }

    /**
     * Adds users and backend roles to the mapping of {@code role}, keeping what it already maps (so mapping a test user
     * to a shared role such as {@code all_access} never unmaps the admin).
     */
    @SuppressWarnings("unchecked")
    protected static void addToRoleMapping(String role, List<String> users, List<String> backendRoles)
            throws IOException {
        Request get = new Request("GET", "/_plugins/_security/api/rolesmapping/" + role);
        Map<String, Object> current = Map.of();
        if (status(client(), get) == 200) {
            current = (Map<String, Object>)
                    entityAsMap(client().performRequest(get)).get(role);
        }
        LinkedHashMap<String, Object> mapping = new LinkedHashMap<>();
        for (String key : List.of("hosts", "and_backend_roles")) {
            if (current.get(key) != null) {
                mapping.put(key, current.get(key));
            }
        }
        mapping.put("users", union((List<String>) current.get("users"), users));
        mapping.put("backend_roles", union((List<String>) current.get("backend_roles"), backendRoles));
        Request put = new Request("PUT", "/_plugins/_security/api/rolesmapping/" + role);
        put.setJsonEntity(json(mapping));
        assertOK(client().performRequest(put));
    }

    private static List<String> union(List<String> existing, List<String> added) {
        LinkedHashSet<String> all = new LinkedHashSet<>(existing == null ? List.of() : existing);
        all.addAll(added);
        return List.copyOf(all);
    }

    /** Creates a user with the backend role {@code "<name>-backend"}, added to the mapping of each of {@code roles}. */
    protected static void createUserWithRoles(String name, String password, String... roles) throws IOException {
        String backendRole = name + "-backend";
        createUser(name, password, backendRole);
        for (String role : roles) {
            addToRoleMapping(role, List.of(), List.of(backendRole));
        }
    }

    private static String json(Map<String, ?> map) throws IOException {
        try (var builder = JsonXContent.contentBuilder()) {
            builder.map(map);
            return BytesReference.bytes(builder).utf8ToString();
        }
    }

    /**
     * Sets (or with {@code null} removes) a secure setting in the secured node's keystore through
     * {@code ./devops-audit node-keystore}, then reloads secure settings as the admin.
     */
    protected static void keystoreSet(String setting, String value) throws Exception {
        Path home = Path.of(required("tests.secure.home"));
        String basedir = System.getProperty("project.basedir");
        Path script = (basedir == null ? home.getParent().getParent() : Path.of(basedir)).resolve("devops-audit");
        List<String> command = new java.util.ArrayList<>(
                List.of("bash", script.toString(), "node-keystore", "--home", home.toString(), setting));
        if (value == null) command.add("--remove");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (value != null) p.getOutputStream().write(value.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("node-keystore took too long", p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(out, 0, p.exitValue());
        assertOK(client().performRequest(new Request("POST", "/_nodes/reload_secure_settings")));
    }
}
