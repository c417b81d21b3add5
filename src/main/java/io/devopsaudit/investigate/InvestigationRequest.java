/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.investigate;

import io.devopsaudit.transport.AuditIndicesRequest;
import io.devopsaudit.transport.JsonObjectBody;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.MediaType;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Base of the investigation requests ({@code _access_report}, {@code _context}, {@code _export}): the parameters
 * exactly as the caller gave them — the URL's parameters and the body, unparsed. They are read in the transport
 * action, not in the REST handler and not in {@link #validate()} (which runs before the action): a request refused as
 * bad reaches the action like any other, so it leaves its record in the investigation trail ({@link ActivityTrail}).
 */
public abstract class InvestigationRequest extends AuditIndicesRequest {
    /** Parameters the REST layer itself reads (output layout, body in the URL): allowed on every route. */
    static final Set<String> REST_PARAMS =
            Set.of("pretty", "human", "error_trace", "filter_path", "source", "source_content_type");
    /** How much of an unreadable body the trail keeps. */
    static final int MAX_BODY_TEXT = 4096;

    private final Map<String, String> params;
    private final BytesReference body;
    private final MediaType mediaType;

    protected InvestigationRequest(Map<String, String> params, BytesReference body, MediaType mediaType) {
        super(AccessReport.EVENT_INDICES);
        this.params = new TreeMap<>(params);
        this.params.values().removeIf(Objects::isNull);
        this.body = body == null || body.length() == 0 ? null : body;
        this.mediaType = this.body == null ? null : Objects.requireNonNull(mediaType, "mediaType");
    }

    protected InvestigationRequest(StreamInput in) throws IOException {
        super(in);
        params = new TreeMap<>(in.readMap(StreamInput::readString, StreamInput::readString));
        body = in.readOptionalBytesReference();
        mediaType = body == null ? null : in.readMediaType();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeMap(params, StreamOutput::writeString, StreamOutput::writeString);
        out.writeOptionalBytesReference(body);
        if (body != null) mediaType.writeTo(out);
    }

    /** The URL parameters this route takes (besides {@link #REST_PARAMS}). */
    protected abstract Set<String> urlParams();

    protected boolean hasBody() {
        return body != null;
    }

    /** A URL parameter as given, or {@code null}. */
    public String param(String name) {
        return params.get(name);
    }

    /**
     * The body as a map (empty without a body), after refusing URL parameters the route does not take.
     * @throws IllegalArgumentException naming what is wrong
     */
    protected Map<String, Object> body() {
        Set<String> unknown = new TreeSet<>(params.keySet());
        unknown.removeAll(urlParams());
        unknown.removeAll(REST_PARAMS);
        if (unknown.isEmpty() == false) {
            throw new IllegalArgumentException(
                    "unknown URL parameter " + unknown + ", expected one of " + new TreeSet<>(urlParams()));
        }
        if (body == null) return Map.of();
        return JsonObjectBody.read(body, mediaType);
    }

    /**
     * What the caller asked, for the trail: the URL parameters and the body's keys; a body that is not a JSON
     * object is kept as its text (the first {@value #MAX_BODY_TEXT} characters) under {@code body}.
     */
    public Map<String, Object> given() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (body != null) {
            try {
                out.putAll(XContentHelper.convertToMap(body, true, mediaType).v2());
            } catch (RuntimeException e) {
                String text = body.utf8ToString();
                out.put("body", text.length() > MAX_BODY_TEXT ? text.substring(0, MAX_BODY_TEXT) : text);
            }
        }
        out.putAll(params);
        return out;
    }

    /** Requests are carried as given: what is wrong with one is answered, and recorded, by the action. */
    @Override
    public final ActionRequestValidationException validate() {
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o != null
                && o.getClass() == getClass()
                && sameIndices((InvestigationRequest) o)
                && ((InvestigationRequest) o).params.equals(params)
                && Objects.equals(((InvestigationRequest) o).body, body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(indicesHash(), params, body);
    }
}
