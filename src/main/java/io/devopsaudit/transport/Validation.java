/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import org.opensearch.action.ActionRequestValidationException;

import static org.opensearch.action.ValidateActions.addValidationError;

/**
 * Request validation that reuses the checks of REST parsing: those throw an IllegalArgumentException naming the
 * parameter, and a request that arrives over the wire must pass the same checks in {@code validate()}.
 */
public final class Validation {
    private Validation() {}

    /** Runs every check and collects each failure's message into {@code errors}; {@code null} when all pass. */
    public static ActionRequestValidationException check(ActionRequestValidationException errors, Runnable... checks) {
        for (Runnable check : checks) {
            try {
                check.run();
            } catch (IllegalArgumentException e) {
                errors = addValidationError(e.getMessage(), errors);
            }
        }
        return errors;
    }

    /** Adds {@code message} unless {@code ok}. */
    public static ActionRequestValidationException require(
            boolean ok, String message, ActionRequestValidationException errors) {
        return ok ? errors : addValidationError(message, errors);
    }
}
