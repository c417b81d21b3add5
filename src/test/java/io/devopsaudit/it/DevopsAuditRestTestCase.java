/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.it;

import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.test.rest.OpenSearchRestTestCase;

import java.io.IOException;
import java.util.Map;

/**
 * Base of the real-node tests. The build (pre-integration-test) starts a stock OpenSearch with the freshly built
 * plugin zip installed and passes its address as {@code tests.rest.cluster}; post-integration-test stops it.
 */
public abstract class DevopsAuditRestTestCase extends OpenSearchRestTestCase {

    protected static Map<String, Object> call(String method, String endpoint, String jsonBody) throws IOException {
        Request request = new Request(method, endpoint);
        if (jsonBody != null) {
            request.setJsonEntity(jsonBody);
        }
        Response response = client().performRequest(request);
        return entityAsMap(response);
    }
}
