/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.devopsaudit.parse.SourceFormat;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzz target for the reader of rows of GitLab's CSV export, with or without the header line (`gitlab_csv`): the processor configured with {@code format: gitlab_csv} gets the
 * fuzzer's bytes as one raw event and must give a record or throw {@link io.devopsaudit.parse.AuditParseException}.
 * {@code mvn test} replays the saved inputs in {@code src/test/resources/io/devopsaudit/fuzz/GitlabCsvFuzzTestsInputs/};
 * {@code mvn -Pfuzz} fuzzes it (docs/development.md, "Fuzzing").
 */
class GitlabCsvFuzzTests {

    private static final FuzzSupport.Tally TALLY = new FuzzSupport.Tally("gitlab_csv");

    @FuzzTest
    void recordOrParseError(byte[] data) {
        TALLY.count(FuzzSupport.process(FuzzSupport.text(data), SourceFormat.GITLAB_CSV) != null);
    }

    @AfterAll
    static void report() {
        TALLY.report();
    }
}
