/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.parse;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The wire formats the processor reads, with the platform each belongs to. */
public enum SourceFormat {
    GITLAB_API("gitlab"),
    GITLAB_STREAM("gitlab"),
    GITLAB_LOG("gitlab"),
    GITLAB_CSV("gitlab"),
    CIRCLECI_JSON("circleci"),
    CIRCLECI_CSV("circleci");

    private final String provider;

    SourceFormat(String provider) {
        this.provider = provider;
    }

    /** The option value and the value of {@code audit.source_format}, e.g. {@code gitlab_api}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code gitlab} or {@code circleci}: the value of {@code event.provider}. */
    public String provider() {
        return provider;
    }

    public boolean isCsv() {
        return this == GITLAB_CSV || this == CIRCLECI_CSV;
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
