/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import io.devopsaudit.parse.SourceFormat;
import org.opensearch.core.common.bytes.BytesArray;

import java.util.function.Consumer;

/** {@link RawRecords} on bodies the tests hold as strings, read as a request body is (UTF-8, a leading BOM skipped). */
public final class StringBodies {
    private StringBodies() {}

    public static RawRecords.Text text(String body) {
        return RawRecords.text("auto", new BytesArray(body));
    }

    public static RawRecords.Shape shape(SourceFormat format, String body) {
        return RawRecords.shape(format, text(body));
    }

    public static void split(String format, RawRecords.Shape shape, String body, Consumer<RawRecords.Record> sink) {
        RawRecords.split(format, shape, text(body), sink);
    }
}
