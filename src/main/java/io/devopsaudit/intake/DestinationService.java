/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.parse.JsonText;
import io.devopsaudit.transport.StateIndex;
import org.opensearch.ResourceNotFoundException;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The GitLab streaming destinations' configuration, stored like the collectors' in the plugin's system index
 * ({@code .devops-audit-state}, one document {@code destination.<name>} each, the configuration as a JSON text). Reads
 * and writes run as the node: the state index is the plugin's own bookkeeping, reached only through the admin actions
 * and the stream action. The views name the keystore key of each token and whether it is there, never the token.
 */
public final class DestinationService {
    static final String DOC_PREFIX = "destination.";
    static final String KIND = "destination";

    private final Client client;
    private final ClusterService clusterService;
    private final ThreadPool threadPool;
    private final DestinationTokens tokens;

    public DestinationService(
            Client client, ClusterService clusterService, ThreadPool threadPool, DestinationTokens tokens) {
        this.client = client;
        this.clusterService = clusterService;
        this.threadPool = threadPool;
        this.tokens = tokens;
    }

    /** @return {@code created} or {@code updated} */
    public String put(DestinationConfig config) {
        try (ThreadContext.StoredContext ignored = threadPool.getThreadContext().stashContext()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("kind", KIND);
            doc.put("name", config.name());
            doc.put("config", JsonText.write(config.toMap()));
            return StateIndex.put(client, clusterService, DOC_PREFIX + config.name(), doc);
        }
    }

    /** A destination's configuration, {@code null} when there is none of that name (the default one never has one). */
    public DestinationConfig find(String name) {
        if (DestinationConfig.DEFAULT.equals(name)) return null;
        try (ThreadContext.StoredContext ignored = threadPool.getThreadContext().stashContext()) {
            Map<String, Object> doc = StateIndex.get(client, DOC_PREFIX + name);
            return doc == null ? null : stored(doc);
        }
    }

    /** One destination's view; the default one exists when its keystore token does. 404 otherwise. */
    public DestinationView get(String name) {
        if (DestinationConfig.DEFAULT.equals(name)) {
            if (tokens.hasToken(name) == false) throw notFound(name);
            return defaultView();
        }
        DestinationConfig config = find(name);
        if (config == null) throw notFound(name);
        return view(config);
    }

    /** Every destination, by name: the configured ones and the default one when its token is in the keystore. */
    public List<DestinationView> list() {
        Map<String, DestinationView> out = new TreeMap<>();
        if (tokens.hasToken(DestinationConfig.DEFAULT)) out.put(DestinationConfig.DEFAULT, defaultView());
        try (ThreadContext.StoredContext ignored = threadPool.getThreadContext().stashContext()) {
            for (Map<String, Object> doc : StateIndex.ofKind(client, KIND)) {
                DestinationConfig c = stored(doc);
                out.put(c.name(), view(c));
            }
        }
        return List.copyOf(out.values());
    }

    public void delete(String name) {
        if (DestinationConfig.DEFAULT.equals(name)) {
            throw new IllegalArgumentException("the [" + DestinationConfig.DEFAULT + "] destination is the keystore's "
                    + StreamingToken.SETTING.getKey() + ": remove that entry and reload secure settings instead");
        }
        try (ThreadContext.StoredContext ignored = threadPool.getThreadContext().stashContext()) {
            if (StateIndex.delete(client, DOC_PREFIX + name) == false) throw notFound(name);
        }
    }

    static ResourceNotFoundException notFound(String name) {
        return new ResourceNotFoundException("no GitLab streaming destination named [" + name + "]");
    }

    private DestinationView view(DestinationConfig config) {
        return new DestinationView(
                config.name(),
                config.instance(),
                config.scopes(),
                DestinationTokens.key(config.name()),
                tokens.hasToken(config.name()),
                null);
    }

    private DestinationView defaultView() {
        return new DestinationView(
                DestinationConfig.DEFAULT,
                null,
                List.of(),
                DestinationTokens.key(DestinationConfig.DEFAULT),
                tokens.hasToken(DestinationConfig.DEFAULT),
                "the keystore's " + StreamingToken.SETTING.getKey()
                        + ": no scope limit; the instance is the request's [instance] parameter");
    }

    @SuppressWarnings("unchecked")
    private static DestinationConfig stored(Map<String, Object> doc) {
        String name = (String) doc.get("name");
        Map<String, Object> config =
                (Map<String, Object>) JsonText.parse("destination", "config", (String) doc.get("config"));
        return DestinationConfig.parse(name, config);
    }
}
