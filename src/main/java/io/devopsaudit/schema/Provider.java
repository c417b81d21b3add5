/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.schema;

import java.util.Locale;

/** The platforms whose audit events the plugin reads; {@link #id()} is the value of {@code event.provider}. */
public enum Provider {
    GITLAB,
    CIRCLECI;

    private final String id = name().toLowerCase(Locale.ROOT);

    /** {@code gitlab} or {@code circleci}: the value of {@code event.provider} and the middle of the index names. */
    public String id() {
        return id;
    }

    /** The provider of that id, or {@code null} if there is none. */
    public static Provider fromId(String id) {
        for (Provider p : values()) {
            if (p.id.equals(id)) return p;
        }
        return null;
    }

    @Override
    public String toString() {
        return id;
    }
}
