#!/usr/bin/env python3
# Measures POST _plugins/devops_audit/_export at a large size on a running node (docs/benchmarks.md §4):
#   python3 tools/export_benchmark.py --url http://127.0.0.1:9200 --events 1000000 [--format csv] [--skip-load]
# Loads N normalized events (no pipeline, like the end-to-end floor) into one month index with _bulk, raises
# devops_audit.export.max_events to N, then times one export of all of them while sampling the node's heap every
# 250 ms from _nodes/stats/jvm; prints the figures as a Markdown row. Needs the plugin's setup (PUT _setup) done.
import argparse, json, random, threading, time, urllib.request

p = argparse.ArgumentParser()
p.add_argument('--url', default='http://127.0.0.1:9200')
p.add_argument('--events', type=int, default=1_000_000)
p.add_argument('--format', default='ndjson', choices=['ndjson', 'csv'])
p.add_argument('--batch', type=int, default=5000)
p.add_argument('--skip-load', action='store_true')
a = p.parse_args()


def call(method, path, body=None, ctype='application/json'):
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    req = urllib.request.Request(a.url + path, data=data, method=method, headers={'Content-Type': ctype})
    with urllib.request.urlopen(req, timeout=3600) as r:
        return r.read(), dict(r.headers)


INDEX = 'devops-audit-gitlab-2020.01'
ACTIONS = ['repository_git_operation', 'repository_file_accessed_web', 'member_updated', 'project_export_file_download_started']
rnd = random.Random(42)
if not a.skip_load:
    t0 = time.time()
    for start in range(0, a.events, a.batch):
        lines = []
        for i in range(start, min(start + a.batch, a.events)):
            key = 'gitlab:gitlab-acme:%d' % i
            # 1M events over 31 days: ~2.7 s apart, many share a second
            ts = '2020-01-%02dT%02d:%02d:%02d.000Z' % (1 + i * 31 // a.events, rnd.randrange(24), rnd.randrange(60), rnd.randrange(60))
            doc = {'@timestamp': ts, 'event': {'provider': 'gitlab', 'action': rnd.choice(ACTIONS), 'outcome': 'success', 'id': str(i)},
                   'user': {'id': str(rnd.randrange(500)), 'name': 'user%d' % rnd.randrange(500)},
                   'source': {'ip': '198.51.%d.%d' % (rnd.randrange(256), rnd.randrange(256))},
                   'audit': {'category': 'repository', 'area': 'git_operations', 'instance': 'gitlab-acme',
                             'scope': {'type': 'project', 'path': 'bench/project-%d' % rnd.randrange(20)},
                             'target': {'type': 'Project', 'name': 'bench/project'},
                             'message': 'Cloned the repository over HTTPS', 'dedup_key': key}}
            lines.append(json.dumps({'index': {'_index': INDEX, '_id': key}}))
            lines.append(json.dumps(doc))
        body, _ = call('POST', '/_bulk?pipeline=_none', ('\n'.join(lines) + '\n').encode(), 'application/x-ndjson')
        if json.loads(body).get('errors'):
            raise SystemExit('bulk errors: ' + body[:500].decode())
    call('POST', '/%s/_refresh' % INDEX)
    print('loaded %d events in %.0f s' % (a.events, time.time() - t0))

call('PUT', '/_cluster/settings', {'persistent': {'devops_audit.export.max_events': a.events}})
samples = []
stop = threading.Event()


def sample():
    while not stop.is_set():
        s = json.loads(call('GET', '/_nodes/stats/jvm')[0])
        for n in s['nodes'].values():
            samples.append(n['jvm']['mem']['heap_used_in_bytes'])
        time.sleep(0.25)


base = json.loads(call('GET', '/_nodes/stats/jvm')[0])
node = next(iter(base['nodes'].values()))
heap_max = node['jvm']['mem']['heap_max_in_bytes']
before = node['jvm']['mem']['heap_used_in_bytes']
th = threading.Thread(target=sample, daemon=True)
th.start()
t0 = time.time()
body, headers = call('POST', '/_plugins/devops_audit/_export?format=' + a.format,
                     {'scope': 'bench', 'from': '2020-01-01T00:00:00Z', 'to': '2020-02-01T00:00:00Z'})
elapsed = time.time() - t0
stop.set()
th.join()
lines = body.count(b'\n') - (1 if a.format == 'csv' else 0)
events = int(headers.get('X-Devops-Audit-Events', headers.get('x-devops-audit-events', '-1')))
assert lines == events == a.events, (lines, events, a.events)
print('| %s | %d | %.1f | %.0f | %.1f | %.0f | %.0f | %.0f |' % (
    a.format, events, elapsed, events / elapsed, len(body) / 1e6, before / 2**20, max(samples) / 2**20, heap_max / 2**20))
