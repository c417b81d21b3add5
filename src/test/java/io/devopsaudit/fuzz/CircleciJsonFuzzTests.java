/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.devopsaudit.parse.SourceFormat;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzz target for the reader of CircleCI audit events as JSON (`circleci_json`): the processor configured with {@code format: circleci_json} gets the
 * fuzzer's bytes as one raw event and must give a record or throw {@link io.devopsaudit.parse.AuditParseException}.
 * {@code mvn test} replays the saved inputs in {@code src/test/resources/io/devopsaudit/fuzz/CircleciJsonFuzzTestsInputs/};
 * {@code mvn -Pfuzz} fuzzes it (docs/development.md, "Fuzzing").
 */
class CircleciJsonFuzzTests {

    private static final FuzzSupport.Tally TALLY = new FuzzSupport.Tally("circleci_json");

    @FuzzTest
    void recordOrParseError(byte[] data) {
        TALLY.count(FuzzSupport.process(FuzzSupport.text(data), SourceFormat.CIRCLECI_JSON) != null);
    }

    @AfterAll
    static void report() {
        TALLY.report();
    }
}
