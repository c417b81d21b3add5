/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.fuzz;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The fuzz profile's check that no input takes more than linear time (docs/development.md, "Fuzzing"). The fuzzer's
 * inputs are at most 4 KiB, too small for a quadratic cost to show, so this grows inputs instead: from every saved
 * input of every target it builds a family by pumping one part (the longest quoted text, the longest line, or one
 * character in the middle of the longest quoted text) to about {@value #BASE} characters and to 8 times that, plus
 * known hostile shapes, runs the target on both sizes and compares the thread CPU time (median of {@value #REPEATS}
 * runs after warm-up). Linear cost grows about 8 times, quadratic 64 times; a growth above {@value #LIMIT} is reported
 * and fails the run. This is a measurement, so it runs only in {@code mvn -Pfuzz} (a command-line program like the
 * benchmarks), never as a unit test; families whose larger input takes under {@value #MIN_MILLIS} ms are too fast to
 * judge and are shown but not judged.
 */
public final class LinearGrowth {
    private LinearGrowth() {}

    static final int BASE = 128 * 1024;
    static final int REPEATS = 7;
    static final double LIMIT = 24;
    static final double MIN_MILLIS = 5;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The targets, each run exactly as its fuzz test runs it, with the directory of its saved inputs. */
    static Map<String, Map.Entry<String, Consumer<byte[]>>> targets() {
        Map<String, Map.Entry<String, Consumer<byte[]>>> t = new LinkedHashMap<>();
        t.put(
                "gitlab_api",
                Map.entry("GitlabApiFuzzTestsInputs/recordOrParseError", new GitlabApiFuzzTests()::recordOrParseError));
        t.put(
                "gitlab_stream",
                Map.entry(
                        "GitlabStreamFuzzTestsInputs/recordOrParseError",
                        new GitlabStreamFuzzTests()::recordOrParseError));
        t.put(
                "gitlab_log",
                Map.entry("GitlabLogFuzzTestsInputs/recordOrParseError", new GitlabLogFuzzTests()::recordOrParseError));
        t.put(
                "gitlab_csv",
                Map.entry("GitlabCsvFuzzTestsInputs/recordOrParseError", new GitlabCsvFuzzTests()::recordOrParseError));
        t.put(
                "circleci_json",
                Map.entry(
                        "CircleciJsonFuzzTestsInputs/recordOrParseError",
                        new CircleciJsonFuzzTests()::recordOrParseError));
        t.put(
                "circleci_csv",
                Map.entry(
                        "CircleciCsvFuzzTestsInputs/recordOrParseError",
                        new CircleciCsvFuzzTests()::recordOrParseError));
        t.put(
                "csv_split",
                Map.entry("CsvSplitFuzzTestsInputs/recordsOrParseError", new CsvSplitFuzzTests()::recordsOrParseError));
        t.put(
                "json_array_split",
                Map.entry(
                        "JsonArraySplitFuzzTestsInputs/recordsOrParseError",
                        new JsonArraySplitFuzzTests()::recordsOrParseError));
        t.put(
                "format_detect",
                Map.entry(
                        "FormatDetectFuzzTestsInputs/detectsConsistently",
                        new FormatDetectFuzzTests()::detectsConsistently));
        return t;
    }

    /** Hostile shapes every target also gets: {@code %s} is where the pumped part goes. */
    static final List<String[]> HOSTILE = List.of(
            new String[] {"[", ""},
            new String[] {"{\"a\":", ""},
            new String[] {"\"", ""},
            new String[] {"a,", "\n"},
            new String[] {"\n", "x"},
            new String[] {"{\"details\":{\"change\":\"Changed ", " from x\"}}"},
            new String[] {
                "1,2,alice,a@example.com,3,Project,acme/web,4,Project,web,\"Changed ",
                " from \",192.0.2.1,2024-01-01T00:00:00Z"
            },
            new String[] {
                "1,2,alice,a@example.com,3,Project,acme/web,4,Project,web,\"Self-hosted model ",
                " create\",192.0.2.1,2024-01-01T00:00:00Z"
            },
            new String[] {"{\"action\":\"a.b\",\"occurred_at\":\"2024-01-01T00:00:00Z\",\"payload\":{\"k\":\"", "\"}}"
            });

    /** A family: a prefix, a part repeated, a suffix. */
    record Family(String name, String prefix, String part, String suffix) {
        String of(int size) {
            int times = Math.max(1, (size - prefix.length() - suffix.length()) / Math.max(1, part.length()));
            return prefix + part.repeat(times) + suffix;
        }
    }

    static List<Family> families(String seedName, String seed) {
        List<Family> out = new ArrayList<>();
        int[] quoted = longestQuoted(seed);
        if (quoted != null) {
            out.add(new Family(
                    seedName + " quoted",
                    seed.substring(0, quoted[0]),
                    seed.substring(quoted[0], quoted[1]),
                    seed.substring(quoted[1])));
            int mid = (quoted[0] + quoted[1]) / 2;
            out.add(new Family(
                    seedName + " one char",
                    seed.substring(0, mid),
                    seed.substring(mid, mid + 1),
                    seed.substring(mid + 1)));
        }
        String[] lines = seed.split("\n", -1);
        int longest = 0;
        for (int i = 1; i < lines.length; i++) if (lines[i].length() > lines[longest].length()) longest = i;
        if (lines.length > 1) {
            String before = String.join("\n", Arrays.asList(lines).subList(0, longest));
            String after = String.join("\n", Arrays.asList(lines).subList(longest + 1, lines.length));
            out.add(new Family(
                    seedName + " line", before.isEmpty() ? "" : before + "\n", lines[longest] + "\n", after));
        }
        return out;
    }

    /** Start and end of the longest text between two double quotes, or null. */
    private static int[] longestQuoted(String s) {
        int[] best = null;
        int open = -1;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '"') {
                if (open < 0) open = i + 1;
                else {
                    if (i - open > 1 && (best == null || i - open > best[1] - best[0])) best = new int[] {open, i};
                    open = -1;
                }
            }
        }
        return best;
    }

    static double medianMillis(Consumer<byte[]> target, byte[] input) {
        double[] t = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            long start = THREADS.getCurrentThreadCpuTime();
            target.accept(input);
            t[i] = (THREADS.getCurrentThreadCpuTime() - start) / 1e6;
        }
        Arrays.sort(t);
        return t[REPEATS / 2];
    }

    public static void main(String[] args) throws IOException {
        Path inputs = Path.of(args.length > 0 ? args[0] : "src/test/resources/io/devopsaudit/fuzz");
        int judged = 0, failed = 0;
        double worst = 0;
        String worstName = "";
        System.out.printf(
                Locale.ROOT, "%-16s %-46s %10s %10s %7s%n", "target", "family", "ms @128K", "ms @1M", "growth");
        for (Map.Entry<String, Map.Entry<String, Consumer<byte[]>>> target :
                targets().entrySet()) {
            Consumer<byte[]> run = target.getValue().getValue();
            List<Family> families = new ArrayList<>();
            try (Stream<Path> files =
                    Files.list(inputs.resolve(target.getValue().getKey()))) {
                for (Path p : files.sorted().toList()) {
                    families.addAll(families(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8)));
                }
            }
            for (String[] h : HOSTILE) {
                families.add(new Family(
                        "hostile " + abbreviate(h[0]),
                        h[0],
                        h[0].equals("[")
                                        || h[0].startsWith("{\"a")
                                        || h[0].equals("\"")
                                        || h[0].equals("\n")
                                        || h[0].equals("a,")
                                ? h[0]
                                : (h[1].startsWith(" from") ? " from x" : "/"),
                        h[1]));
            }
            for (Family f : families) {
                byte[] small = f.of(BASE).getBytes(StandardCharsets.UTF_8);
                byte[] large = f.of(8 * BASE).getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < 3; i++) { // warm-up
                    run.accept(small);
                }
                double a = medianMillis(run, small);
                double b = medianMillis(run, large);
                double growth = b / Math.max(a, 1e-3);
                boolean judge = b >= MIN_MILLIS;
                String verdict = judge ? (growth > LIMIT ? "  SUPERLINEAR" : "") : "  (too fast to judge)";
                if (judge) {
                    judged++;
                    if (growth > worst) {
                        worst = growth;
                        worstName = target.getKey() + " " + f.name();
                    }
                    if (growth > LIMIT) failed++;
                }
                System.out.printf(
                        Locale.ROOT,
                        "%-16s %-46s %10.2f %10.2f %7.1f%s%n",
                        target.getKey(),
                        abbreviate(f.name()),
                        a,
                        b,
                        growth,
                        verdict);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%d families judged, %d grew more than %.0f times for 8 times the input; the largest growth %.1f (%s)%n",
                judged,
                failed,
                LIMIT,
                worst,
                worstName);
        if (failed > 0) {
            System.exit(1);
        }
    }

    private static String abbreviate(String s) {
        String t = s.replace("\n", "\\n");
        return t.length() > 44 ? t.substring(0, 44) : t;
    }
}
