/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import io.devopsaudit.transport.BlockingTransportAction;
import io.devopsaudit.transport.NoParametersRequest;
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

/** {@code cluster:monitor/devops_audit/setup/get}: each shipped asset as current, outdated, missing or skipped. */
public final class GetSetupAction extends ActionType<GetSetupAction.Response> {
    public static final String NAME = "cluster:monitor/devops_audit/setup/get";
    public static final GetSetupAction INSTANCE = new GetSetupAction();

    private GetSetupAction() {
        super(NAME, Response::new);
    }

    /** {@code {"assets": [...], "indices": [...]}}: the audit indices that differ from their templates ({@link IndexConformance}). */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final List<SetupAsset> assets;
        private final List<SetupIndex> indices;

        public Response(List<SetupAsset> assets, List<SetupIndex> indices) {
            this.assets = List.copyOf(assets);
            this.indices = List.copyOf(indices);
        }

        public Response(StreamInput in) throws IOException {
            this(in.readList(SetupAsset::new), in.readList(SetupIndex::new));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeList(assets);
            out.writeList(indices);
        }

        public List<SetupAsset> assets() {
            return assets;
        }

        public List<SetupIndex> indices() {
            return indices;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            SetupAsset.listsToXContent(builder, params, assets, indices);
            return builder.endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && assets.equals(r.assets) && indices.equals(r.indices);
        }

        @Override
        public int hashCode() {
            return Objects.hash(assets, indices);
        }
    }

    public static final class TransportAction extends BlockingTransportAction<NoParametersRequest, Response> {
        private final Client client;
        private final ClusterService clusterService;

        @Inject
        public TransportAction(
                TransportService transportService,
                ActionFilters actionFilters,
                Client client,
                ClusterService clusterService) {
            super(NAME, transportService, actionFilters, NoParametersRequest::new);
            this.client = client;
            this.clusterService = clusterService;
        }

        @Override
        protected Response run(NoParametersRequest request) {
            return new Response(new SetupService(client).status(), SetupService.indices(clusterService));
        }
    }
}
