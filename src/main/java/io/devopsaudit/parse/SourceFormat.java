/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.parse;

import io.devopsaudit.schema.Provider;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The wire formats the processor reads, with the platform each belongs to. */
public enum SourceFormat {
    GITLAB_API(Provider.GITLAB, 3),
    GITLAB_STREAM(Provider.GITLAB, 4),
    GITLAB_LOG(Provider.GITLAB, 2),
    GITLAB_CSV(Provider.GITLAB, 1),
    CIRCLECI_JSON(Provider.CIRCLECI, 2),
    CIRCLECI_CSV(Provider.CIRCLECI, 1);

    /** The format option's value for "detect the format from the content". */
    public static final String AUTO = "auto";

    private final Provider provider;
    private final int richness;

    SourceFormat(Provider provider, int richness) {
        this.provider = provider;
        this.richness = richness;
    }

    /**
     * How complete a copy of an event this format gives, among the formats of its platform: GitLab's CSV export (a
     * sentence for the details) 1, an audit_json.log line 2, an API object 3, a streamed event (every key, top level
     * and details) 4; CircleCI's CSV 1, its JSON 2. The stored copy of an event is the richest one received.
     */
    public int richness() {
        return richness;
    }

    /** The option value and the value of {@code audit.source_format}, e.g. {@code gitlab_api}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The platform; its id is the value of {@code event.provider}. */
    public Provider provider() {
        return provider;
    }

    public boolean isCsv() {
        return this == GITLAB_CSV || this == CIRCLECI_CSV;
    }

    /** The option value naming {@code format}; {@link #AUTO} when the format is detected from the content ({@code null}). */
    public static String idOf(SourceFormat format) {
        return format == null ? AUTO : format.id();
    }

    /** Returns the format for an option value, or {@code null} if there is none of that name. */
    public static SourceFormat fromId(String id) {
        for (SourceFormat f : values()) {
            if (f.id().equals(id)) {
                return f;
            }
        }
        return null;
    }

    /** All option values, for error messages. */
    public static String ids() {
        return Arrays.stream(values()).map(SourceFormat::id).collect(Collectors.joining(", "));
    }
}
