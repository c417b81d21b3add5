#!/usr/bin/env python3
"""Bounded memory of _import: one ~99 MB body into a node with a 1 GB heap, heap sampled while it runs.

Starts its own node (./devops-audit node-start --heap 1g, 127.0.0.1 only), installs the content (_setup), posts one
file of distinct audit_json.log lines just under http.max_content_length (100mb), samples _nodes/stats/jvm every
100 ms during the import, checks that every event is stored, prints a summary and stops the node.

  mvn -B -DskipTests package && python3 tools/import_memory.py [--mb 99] [--heap 1g]

The figures belong in docs/benchmarks.md with this command. Only the Python standard library is used: this is a
measuring script, not product code.
"""
import argparse
import glob
import json
import re
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url, method="GET", body=None, headers=None, timeout=600):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read() or b"{}")


ACTIONS = [
    ("repository_download_operation", None),
    ("user_signed_in", None),
    ("project_visibility_level_updated", ("visibility_level", "Private", "Internal")),
    ("member_updated", ("access_level", "Developer", "Maintainer")),
]


def write_file(path, target_bytes, seed=42):
    rnd = random.Random(seed)
    n = 0
    size = 0
    with open(path, "w", encoding="utf-8") as f:
        while True:
            n += 1
            action, change = ACTIONS[n % len(ACTIONS)]
            details = {
                "event_name": action,
                "author_name": "user%d" % rnd.randrange(500),
                "author_class": "User",
                "target_id": rnd.randrange(10000),
                "target_type": "Project",
                "target_details": "acme/p%d" % rnd.randrange(200),
                "ip_address": "198.51.100.%d" % rnd.randrange(1, 255),
                "entity_path": "acme/p%d" % rnd.randrange(200),
            }
            if change:
                details.update({"change": change[0], "from": change[1], "to": change[2]})
            second = n % 86400
            line = json.dumps({
                "severity": "INFO",
                "time": "2024-05-%02dT%02d:%02d:%02d.%03dZ" % (1 + n % 28, second // 3600, second // 60 % 60,
                                                               second % 60, n % 1000),
                "correlation_id": "01HMEM%010d" % n,
                "id": 50_000_000 + n,
                "author_id": rnd.randrange(500),
                "entity_id": rnd.randrange(200),
                "entity_type": "Project",
                "created_at": "2024-05-%02dT%02d:%02d:%02d.%03d+00:00" % (1 + n % 28, second // 3600,
                                                                          second // 60 % 60, second % 60, n % 1000),
                "event_name": action,
                "details": details,
            }, separators=(",", ":")) + "\n"
            if size + len(line.encode()) > target_bytes:
                return n - 1, size
            f.write(line)
            size += len(line.encode())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=99.0, help="body size in MiB (http.max_content_length is 100mb)")
    ap.add_argument("--heap", default="1g")
    ap.add_argument("--zip", help="plugin zip to install (default: target/releases), e.g. an older build to compare")
    args = ap.parse_args()
    work = os.path.join(ROOT, "target", "import-memory")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "audit_json.log")
    events, size = write_file(data, int(args.mb * 1024 * 1024))
    print("file: %d events, %d bytes (%.1f MiB)" % (events, size, size / 1048576))

    http, transport = free_port(), free_port()
    home = os.path.join(work, "node")
    cli = os.path.join(ROOT, "devops-audit")
    subprocess.run([cli, "node-start", "--home", home, "--http-port", str(http), "--transport-port", str(transport),
                    "--heap", args.heap] + (["--zip", args.zip] if args.zip else []), check=True)
    base = "http://127.0.0.1:%d" % http
    try:
        call(base + "/_plugins/devops_audit/_setup", "PUT", b"{}", {"Content-Type": "application/json"})
        samples = []
        done = threading.Event()

        def sample():
            while not done.is_set():
                try:
                    jvm = call(base + "/_nodes/stats/jvm", timeout=5)["nodes"]
                    mem = next(iter(jvm.values()))["jvm"]["mem"]
                    samples.append((time.time(), mem["heap_used_in_bytes"], mem["heap_max_in_bytes"]))
                except Exception:  # a sample missed under load is not a result
                    pass
                time.sleep(0.1)

        before = call(base + "/_nodes/stats/jvm")["nodes"]
        base_heap = next(iter(before.values()))["jvm"]["mem"]["heap_used_in_bytes"]
        t = threading.Thread(target=sample, daemon=True)
        t.start()
        start = time.time()
        started_utc = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start))
        with open(data, "rb") as f:
            body = f.read()
        report = call(base + "/_plugins/devops_audit/_import", "POST", body,
                      {"Content-Type": "application/x-ndjson"}, timeout=3600)
        elapsed = time.time() - start
        done.set()
        t.join()
        call(base + "/devops-audit-*/_refresh", "POST")
        stored = call(base + "/devops-audit-gitlab-*/_count")["count"]
        gc = next(iter(call(base + "/_nodes/stats/jvm")["nodes"].values()))["jvm"]["gc"]["collectors"]
        # Heap in use at a sample includes garbage G1 has not collected yet (it lets the heap fill before it does), so
        # the retained memory is read from the GC log: the heap after each collection during the import.
        after_gc = []
        gc_log = glob.glob(os.path.join(home, "dist", "opensearch-*", "logs", "gc.log"))
        for line in open(gc_log[0], encoding="utf-8", errors="replace") if gc_log else []:
            m = re.match(r"\[(\S+?)\].*\bPause (Young|Full|Remark|Cleanup).*?(\d+)M->(\d+)M\((\d+)M\)", line)
            if m and m.group(1)[:19] >= started_utc:
                after_gc.append(int(m.group(4)))
        peak = max(s[1] for s in samples) if samples else -1
        heap_max = samples[0][2] if samples else -1
        print(json.dumps({
            "events": events,
            "body_bytes": size,
            "report": {k: report.get(k) for k in ("received", "indexed", "duplicates", "failed", "late", "retries")},
            "stored": stored,
            "seconds": round(elapsed, 1),
            "events_per_second": round(events / elapsed),
            "heap_max_mib": round(heap_max / 1048576),
            "heap_used_before_mib": round(base_heap / 1048576),
            "heap_used_peak_mib": round(peak / 1048576),
            "after_gc_max_mib": max(after_gc) if after_gc else None,
            "after_gc_collections": len(after_gc),
            "samples": len(samples),
            "gc": {k: v["collection_count"] for k, v in gc.items()},
        }, indent=2))
        ok = report.get("indexed") == events and stored == events and report.get("failed") == 0
        print("RESULT: " + ("every event stored once" if ok else "MISMATCH"))
        return 0 if ok else 1
    finally:
        subprocess.run([cli, "node-stop", "--home", home])


if __name__ == "__main__":
    sys.exit(main())
