/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.intake;

import java.util.ArrayList;
import java.util.List;

/** The first records an intake reports with a reason, up to {@link IntakeCounts#MAX_REPORTED_FAILURES}. */
final class ReportedFailures {
    private final List<IntakeCounts.Failure> listed = new ArrayList<>();
    /** Records with a reported reason, listed or not. */
    private long noted;

    void add(RawRecords.Record record, String reason) {
        noted++;
        if (listed.size() < IntakeCounts.MAX_REPORTED_FAILURES) {
            listed.add(new IntakeCounts.Failure(record.number(), record.entry(), reason));
        }
    }

    List<IntakeCounts.Failure> listed() {
        return List.copyOf(listed);
    }

    /** Whether more records had a reason than are listed. */
    boolean truncated() {
        return noted > listed.size();
    }
}
