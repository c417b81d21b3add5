/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.transport;

import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.MediaType;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParseException;
import org.opensearch.core.xcontent.XContentParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Reads a request body that must be one JSON object, for every route that takes parameters in its body: {@code null},
 * an array or a number is valid JSON but no parameters, and answers 400 naming what was found, as broken JSON does.
 */
public final class JsonObjectBody {
    private JsonObjectBody() {}

    /** The object the parser is positioned before. @throws IllegalArgumentException naming what is wrong */
    public static Map<String, Object> read(XContentParser parser) {
        try {
            XContentParser.Token first = parser.nextToken();
            if (first != XContentParser.Token.START_OBJECT) {
                throw new IllegalArgumentException(
                        "the request body must be a JSON object, found " + (first == null ? "nothing" : first));
            }
            return parser.map();
        } catch (XContentParseException | ParsingException | IOException e) {
            // the body is in memory: a read error is the parser's (Jackson's JsonParseException is an IOException)
            throw new IllegalArgumentException("the request body is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The object in {@code body}. @throws IllegalArgumentException naming what is wrong */
    public static Map<String, Object> read(BytesReference body, MediaType mediaType) {
        // the media type's own parser: XContentHelper's would first sniff for compression, which refuses short bodies
        try (XContentParser parser = mediaType
                .xContent()
                .createParser(
                        NamedXContentRegistry.EMPTY,
                        DeprecationHandler.THROW_UNSUPPORTED_OPERATION,
                        body.streamInput())) {
            return read(parser);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // closing an in-memory parser
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // not XContent at all (the media type's parser refuses the bytes)
            throw new IllegalArgumentException("the request body is not valid JSON: " + e.getMessage(), e);
        }
    }
}
