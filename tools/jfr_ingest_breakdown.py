#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Where the ingest time of the end-to-end benchmark goes, from a flight recording of the benchmark node.

Usage (docs/benchmarks.md, "Profile of the node"):
  mvn -B -Pbench -DskipTests -Dbench.skip.jmh=true -Dbench.ways=b_devops_audit_gitlab_log,c_ \
      "-Dit.node.java.opts=-XX:StartFlightRecording=filename=/tmp/bench-node.jfr,settings=profile,dumponexit=true" verify
  jfr print --json --stack-depth 200 --events jdk.ExecutionSample /tmp/bench-node.jfr > /tmp/samples.json
  python3 tools/jfr_ingest_breakdown.py /tmp/samples.json

Ways run one after the other, so each CPU sample is given to the way whose processor frames (devops_audit for (b);
script/json/date/rename for (c)) are nearest in time. Only samples under the ingest service count: that is what the
bulk responses' ingest_took measures. Prints a Markdown table of samples per part of the ingest path, per way.
"""
import bisect
import collections
import json
import sys

PARTS = [
    # (part, test on the joined stack), first match wins: the serializer runs inside the processors' completion callbacks
    ("map -> _source (XContentBuilder, incl. ensureNoSelfReferences)", lambda s: "updateIndexRequestWithIngestDocument" in s),
    ("bulk completion (hand-off to the shards)", lambda s: "completeExecution" in s),
    ("devops_audit processor", lambda s: "DevopsAuditProcessor.execute" in s),
    ("stock processors: script (Painless)", lambda s: "ScriptProcessor" in s),
    ("stock processors: json", lambda s: "JsonProcessor" in s),
    ("stock processors: date", lambda s: "DateProcessor" in s),
    ("stock processors: rename, set", lambda s: "RenameProcessor" in s or "SetProcessor" in s),
    ("_source -> map (IngestDocument)", lambda s: "toIngestDocument" in s),
    ("pipeline resolution", lambda s: "resolvePipelines" in s),
    ("other ingest framework", lambda s: True),
]


def frames(event):
    return [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in event["values"]["stackTrace"]["frames"]]


def main(path):
    events = json.load(open(path))["recording"]["events"]
    samples = sorted(((e["values"]["startTime"], " ".join(frames(e))) for e in events), key=lambda x: x[0])
    marks = []
    for i, (_, s) in enumerate(samples):
        if "DevopsAuditProcessor.execute" in s:
            marks.append((i, "b"))
        elif any(p in s for p in ("ScriptProcessor", "JsonProcessor", "DateProcessor", "RenameProcessor")):
            marks.append((i, "c"))
    if not marks:
        sys.exit("no processor samples: was the recording taken during the benchmark?")
    positions = [i for i, _ in marks]
    per_way = {"b": collections.Counter(), "c": collections.Counter()}
    for i, (_, s) in enumerate(samples):
        if "IngestService" not in s:
            continue
        j = bisect.bisect_left(positions, i)
        nearest = min((k for k in (j - 1, j) if 0 <= k < len(positions)), key=lambda k: abs(positions[k] - i))
        way = marks[nearest][1]
        part = next(name for name, test in PARTS if test(s))
        per_way[way][part] += 1
    totals = {w: sum(c.values()) for w, c in per_way.items()}
    print("| part of the ingest path | (b) devops-audit samples | share | (c) stock reference samples | share |")
    print("|---|---|---|---|---|")
    for name, _ in PARTS:
        b, c = per_way["b"][name], per_way["c"][name]
        if b or c:
            print("| %s | %d | %.0f %% | %d | %.0f %% |" % (name, b, 100.0 * b / max(1, totals["b"]), c, 100.0 * c / max(1, totals["c"])))
    print("| **all ingest** | %d | 100 %% | %d | 100 %% |" % (totals["b"], totals["c"]))
    framework_b = totals["b"] - per_way["b"]["devops_audit processor"]
    processors_c = sum(v for k, v in per_way["c"].items() if k.startswith("stock processors"))
    print()
    print("(c)/(b) all ingest samples: %.2f; if the devops_audit processor cost nothing: %.2f" % (
        totals["c"] / max(1, totals["b"]), totals["c"] / max(1, framework_b)))
    print("processors alone, (c) stock / (b) devops_audit: %.2f" % (processors_c / max(1, per_way["b"]["devops_audit processor"])))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/samples.json")
