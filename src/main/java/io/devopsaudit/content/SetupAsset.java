/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.content;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;

/**
 * One asset setup installs (index template, ingest pipeline, monitors) and its state: {@code installed} or
 * {@code skipped} by {@code PUT _setup}; {@code current}, {@code outdated}, {@code modified} or {@code missing} by
 * {@code GET _setup}, which compares it with what is installed.
 *
 * @param compared          whether the installed asset was looked at ({@code installed_version} is then part of
 *                          the answer, {@code null} when missing)
 * @param differences       {@code null} unless {@code modified}
 * @param reason            why the asset is in its state, or {@code null}
 * @param enrichmentSkipped the shipped pipeline's enrichment steps left out for lack of their processor on some node;
 *                          {@code null} for other assets
 */
public record SetupAsset(
        String name,
        String type,
        String status,
        long shippedVersion,
        boolean compared,
        Long installedVersion,
        List<String> differences,
        String reason,
        List<String> enrichmentSkipped)
        implements Writeable, ToXContentObject {

    public SetupAsset {
        differences = differences == null ? null : List.copyOf(differences);
        enrichmentSkipped = enrichmentSkipped == null ? null : List.copyOf(enrichmentSkipped);
    }

    /** An asset installed or skipped, with why ({@code null}: nothing to say). */
    static SetupAsset of(String name, String type, String status, long shippedVersion, String reason) {
        return new SetupAsset(name, type, status, shippedVersion, false, null, null, reason, null);
    }

    SetupAsset withEnrichmentSkipped(List<String> skipped, String why) {
        return new SetupAsset(
                name, type, status, shippedVersion, compared, installedVersion, differences, why, skipped);
    }

    public SetupAsset(StreamInput in) throws IOException {
        this(
                in.readString(),
                in.readString(),
                in.readString(),
                in.readLong(),
                in.readBoolean(),
                in.readOptionalLong(),
                in.readOptionalStringList(),
                in.readOptionalString(),
                in.readOptionalStringList());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(name);
        out.writeString(type);
        out.writeString(status);
        out.writeLong(shippedVersion);
        out.writeBoolean(compared);
        out.writeOptionalLong(installedVersion);
        out.writeOptionalStringCollection(differences);
        out.writeOptionalString(reason);
        out.writeOptionalStringCollection(enrichmentSkipped);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        builder.field("name", name);
        builder.field("type", type);
        builder.field("status", status);
        builder.field("shipped_version", shippedVersion);
        if (compared) builder.field("installed_version", installedVersion);
        if (differences != null) builder.field("differences", differences);
        if (reason != null) builder.field("reason", reason);
        if (enrichmentSkipped != null) builder.field("enrichment_skipped", enrichmentSkipped);
        return builder.endObject();
    }

    /** {@code "assets": [...], "indices": [...]}, inside the answer's object (both setup answers end with them). */
    static void listsToXContent(
            XContentBuilder builder, ToXContent.Params params, List<SetupAsset> assets, List<SetupIndex> indices)
            throws IOException {
        builder.startArray("assets");
        for (SetupAsset a : assets) a.toXContent(builder, params);
        builder.endArray();
        builder.startArray("indices");
        for (SetupIndex i : indices) i.toXContent(builder, params);
        builder.endArray();
    }
}
