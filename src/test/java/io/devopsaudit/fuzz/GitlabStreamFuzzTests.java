/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.devopsaudit.parse.SourceFormat;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzz target for the reader of GitLab streaming bodies and Cloud Logging entries (`gitlab_stream`): the processor configured with {@code format: gitlab_stream} gets the
 * fuzzer's bytes as one raw event and must give a record or throw {@link io.devopsaudit.parse.AuditParseException}.
 * {@code mvn test} replays the saved inputs in {@code src/test/resources/io/devopsaudit/fuzz/GitlabStreamFuzzTestsInputs/};
 * {@code mvn -Pfuzz} fuzzes it (docs/development.md, "Fuzzing").
 */
class GitlabStreamFuzzTests {

    private static final FuzzSupport.Tally TALLY = new FuzzSupport.Tally("gitlab_stream");

    @FuzzTest
    void recordOrParseError(byte[] data) {
        TALLY.count(FuzzSupport.process(FuzzSupport.text(data), SourceFormat.GITLAB_STREAM) != null);
    }

    @AfterAll
    static void report() {
        TALLY.report();
    }
}
