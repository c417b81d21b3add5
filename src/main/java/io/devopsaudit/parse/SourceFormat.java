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
    CIRCLECI_CSV(Provider.CIRCLECI, 1),
    /** A production_json.log line: one Rails web request (docs/schema.md, request events). */
    GITLAB_PRODUCTION_LOG(Provider.GITLAB, 1),
    /** An api_json.log line: one Grape API request. */
    GITLAB_API_LOG(Provider.GITLAB, 1),
    /** An auth_json.log line: one Rack::Attack block, throttle or track entry. */
    GITLAB_AUTH_LOG(Provider.GITLAB, 1);

    /** The format option's value for "detect the format from the content". */
    public static final String AUTO = "auto";

    private final Provider provider;
    private final int richness;
    /** Computed once: the id is read several times per event (record, errors, index checks). */
    private final String id;

    SourceFormat(Provider provider, int richness) {
        this.provider = provider;
        this.id = name().toLowerCase(Locale.ROOT);
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
        return id;
    }

    /** The platform; its id is the value of {@code event.provider}. */
    public Provider provider() {
        return provider;
    }

    /**
     * Whether this format carries requests (GitLab's request logs), not audit events: such records get their own
     * indices, dataset and retention, and are never counted as audit events.
     */
    public boolean isRequest() {
        return this == GITLAB_PRODUCTION_LOG || this == GITLAB_API_LOG || this == GITLAB_AUTH_LOG;
    }

    /** {@code event.dataset}: {@code gitlab.audit}, {@code gitlab.production}, {@code gitlab.api}, {@code gitlab.auth} ... */
    public String dataset() {
        return switch (this) {
            case GITLAB_PRODUCTION_LOG -> "gitlab.production";
            case GITLAB_API_LOG -> "gitlab.api";
            case GITLAB_AUTH_LOG -> "gitlab.auth";
            default -> provider.id() + ".audit";
        };
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
