/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.parse;

import java.util.Map;

/** One per source format: turns the format's raw event (JSON object or CSV row) into a {@link ParsedEvent}. */
public interface EventParser {

    /**
     * @param raw   the event as an object: a parsed JSON object, or a CSV row keyed by its header names
     * @param field where the event came from, for error messages ({@code _source} for the document itself)
     */
    ParsedEvent parse(Map<String, Object> raw, String field);
}
