/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.classify;

/** Compiles one GitLab message template without a data file, for tests in other packages. */
public final class GitlabMessagesTestAccess {
    private GitlabMessagesTestAccess() {}

    public static GitlabMessages.Template compile(int line, String pattern, String eventName) {
        return GitlabMessages.compile(line, pattern, eventName, "test");
    }
}
