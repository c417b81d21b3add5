/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.Validation;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code cluster:admin/devops_audit/setup/put}: installs or updates the shipped templates and pipeline with the
 * caller's rights (the caller needs the template and pipeline permissions too).
 */
public final class PutSetupAction extends ActionType<PutSetupAction.Response> {
    public static final String NAME = "cluster:admin/devops_audit/setup/put";
    public static final PutSetupAction INSTANCE = new PutSetupAction();

    private PutSetupAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends ActionRequest {
        private final SetupParameters parameters;
        /** Parameters sent as {@code null}: back to the shipped default; any other parameter not set keeps its stored value. */
        private final Set<String> reset;

        public Request(SetupParameters parameters) {
            this(parameters, Set.of());
        }

        public Request(SetupParameters parameters, Set<String> reset) {
            this.parameters = Objects.requireNonNull(parameters);
            this.reset = Set.copyOf(reset);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            parameters = new SetupParameters(in);
            reset = Set.copyOf(in.readStringList());
        }

        public SetupParameters parameters() {
            return parameters;
        }

        public Set<String> reset() {
            return reset;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            parameters.writeTo(out);
            out.writeStringCollection(reset.stream().sorted().toList());
        }

        @Override
        public ActionRequestValidationException validate() {
            return Validation.check(null, parameters::validate);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && r.parameters.equals(parameters) && r.reset.equals(reset);
        }

        @Override
        public int hashCode() {
            return Objects.hash(parameters, reset);
        }
    }

    /**
     * {@code {"acknowledged": true, "configuration": {...}, "assets": [...], "indices": [...]}}: the configuration in
     * effect after the change (every parameter, shipped defaults included), one row per asset, as {@code GET _setup}
     * reports them, and the audit indices that still differ from their templates after setup added the fields they lacked.
     */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final SetupParameters configuration;
        private final List<SetupAsset> assets;
        private final List<SetupIndex> indices;

        public Response(SetupParameters configuration, List<SetupAsset> assets, List<SetupIndex> indices) {
            this.configuration = Objects.requireNonNull(configuration);
            this.assets = List.copyOf(assets);
            this.indices = List.copyOf(indices);
        }

        public Response(StreamInput in) throws IOException {
            this(new SetupParameters(in), in.readList(SetupAsset::new), in.readList(SetupIndex::new));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            configuration.writeTo(out);
            out.writeList(assets);
            out.writeList(indices);
        }

        public SetupParameters configuration() {
            return configuration;
        }

        public List<SetupAsset> assets() {
            return assets;
        }

        public List<SetupIndex> indices() {
            return indices;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject().field("acknowledged", true).field("configuration");
            configuration.toXContent(builder, params);
            SetupAsset.listsToXContent(builder, params, assets, indices);
            return builder.endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r
                    && configuration.equals(r.configuration)
                    && assets.equals(r.assets)
                    && indices.equals(r.indices);
        }

        @Override
        public int hashCode() {
            return Objects.hash(configuration, assets, indices);
        }
    }

    public static final class TransportAction extends BlockingTransportAction<Request, Response> {
        private final Client client;
        private final ClusterService clusterService;

        @Inject
        public TransportAction(
                TransportService transportService,
                ActionFilters actionFilters,
                Client client,
                ClusterService clusterService) {
            super(NAME, transportService, actionFilters, Request::new);
            this.client = client;
            this.clusterService = clusterService;
        }

        @Override
        protected Response run(Request request) throws IOException {
            SetupService setup = new SetupService(client);
            SetupParameters effective = request.parameters.mergedOver(setup.stored(), request.reset);
            effective.validate();
            SetupParameters configuration = effective.effective();
            List<SetupAsset> assets = setup.install(effective);
            return new Response(configuration, assets, setup.updateIndexMappings(clusterService));
        }
    }
}
