/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

/**
 * A GitLab answer the collector cannot get past by waiting: the HTTP status (0 when no answer came), GitLab's own
 * message, and what an admin should check. It never carries the token: messages are built from GitLab's body and the
 * request's URL, which holds no credentials.
 */
public final class GitlabApiException extends Exception {
    private final int status;
    private final String gitlabMessage;
    private final String hint;

    public GitlabApiException(int status, String gitlabMessage, String hint) {
        super((status == 0 ? "no answer" : "HTTP " + status) + ": " + gitlabMessage
                + (hint == null ? "" : " — " + hint));
        this.status = status;
        this.gitlabMessage = gitlabMessage;
        this.hint = hint;
    }

    public int status() {
        return status;
    }

    public String gitlabMessage() {
        return gitlabMessage;
    }

    public String hint() {
        return hint;
    }
}
