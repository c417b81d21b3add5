/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;

/**
 * A GitLab streaming destination as the API shows it: its configuration, where its token belongs in the keystore and
 * whether this node has it (never the token), and for the default destination a note on what it is.
 *
 * @param instance {@code null} for the default destination (the request's {@code instance} parameter applies)
 * @param note     {@code null} but for the default destination
 */
public record DestinationView(
        String name, String instance, List<String> scopes, String keystoreKey, boolean tokenConfigured, String note)
        implements Writeable, ToXContentObject {

    public DestinationView {
        scopes = List.copyOf(scopes);
    }

    public DestinationView(StreamInput in) throws IOException {
        this(
                in.readString(),
                in.readOptionalString(),
                in.readStringList(),
                in.readString(),
                in.readBoolean(),
                in.readOptionalString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(name);
        out.writeOptionalString(instance);
        out.writeStringCollection(scopes);
        out.writeString(keystoreKey);
        out.writeBoolean(tokenConfigured);
        out.writeOptionalString(note);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        fields(builder);
        return builder.endObject();
    }

    /** The fields, inside an object the caller opened ({@code PUT} answers put its own before them). */
    void fields(XContentBuilder builder) throws IOException {
        builder.field("name", name);
        builder.startObject("config");
        builder.field("instance", instance);
        builder.field("scopes", scopes);
        builder.endObject();
        builder.startObject("token");
        builder.field("keystore_key", keystoreKey);
        builder.field("state", tokenConfigured ? "configured" : "missing");
        builder.endObject();
        if (note != null) builder.field("note", note);
    }
}
