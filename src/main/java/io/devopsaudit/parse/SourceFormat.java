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
    GITLAB_API(Provider.GITLAB),
    GITLAB_STREAM(Provider.GITLAB),
    GITLAB_LOG(Provider.GITLAB),
    GITLAB_CSV(Provider.GITLAB),
    CIRCLECI_JSON(Provider.CIRCLECI),
    CIRCLECI_CSV(Provider.CIRCLECI);

    /** The format option's value for "detect the format from the content". */
    public static final String AUTO = "auto";

    private final Provider provider;

    SourceFormat(Provider provider) {
        this.provider = provider;
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
