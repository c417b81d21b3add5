#!/usr/bin/env python3
# Single-event streaming against its floor on one running node, in one run (docs/benchmarks.md, "Single-event
# streaming"), from 8 concurrent senders as the s_stream_single way, over Python's plain http.client (one keep-alive
# connection per sender):
#   stream: --events GitLab streaming audit events, one per POST _plugins/devops_audit/_stream/gitlab with the token
#           (the node's keystore holds it as devops_audit.gitlab.streaming_token): generated git operations from
#           public addresses, or the bodies of --events-file (one JSON per line, e.g. the generator's mix);
#   floor:  what the node costs for a write of one document per request: the processor's output of one streamed
#           event, one copy per POST _bulk?pipeline=_none, each under its own _id, into the same index.
# Prints events/s and the senders' p50 and p99 latency per run and way; --indices (the streamed events' indices) are
# emptied before each way of each run, so point it at a node whose data you can lose.
#   python3 tools/single_write_floor.py --url http://127.0.0.1:9200 --token TOKEN [--events 4000] [--runs 3]
#       [--events-file FILE --indices 'devops-audit-gitlab-2024.*']
import argparse, http.client, json, threading, time, urllib.parse, urllib.request

p = argparse.ArgumentParser()
p.add_argument('--url', default='http://127.0.0.1:9200')
p.add_argument('--token', required=True)
p.add_argument('--events-file', help='stream these GitLab streaming bodies (one JSON per line) instead of generated git '
               'operations; --indices must then cover their months')
p.add_argument('--indices', default='devops-audit-gitlab-2019.01',
               help='the indices the streamed events go to: emptied before each run, counted after it')
p.add_argument('--events', type=int, default=4000)
p.add_argument('--senders', type=int, default=8)
p.add_argument('--runs', type=int, default=3)
a = p.parse_args()
u = urllib.parse.urlparse(a.url)


def call(method, path, body=None):
    req = urllib.request.Request(a.url + path, data=None if body is None else json.dumps(body).encode(),
                                 method=method, headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


AGENT = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'


def stream_event(i):
    user = 1 + i % 500
    return json.dumps({
        'id': 50_000_000 + i, 'author_id': user, 'author_name': 'user%d' % user, 'entity_id': 500 + i % 20,
        'entity_type': 'Project', 'entity_path': 'bench/project-%d' % (i % 20), 'target_id': 500 + i % 20,
        'target_type': 'Project', 'target_details': 'bench/project-%d' % (i % 20),
        'ip_address': '81.2.69.%d' % (1 + i % 200), 'event_type': 'repository_git_operation',
        'details': {'author_name': 'user%d' % user, 'target_details': 'bench/project-%d' % (i % 20),
                    'ip_address': '81.2.69.%d' % (1 + i % 200), 'entity_path': 'bench/project-%d' % (i % 20)},
        'user_agent': AGENT, 'created_at': '2019-01-15T10:%02d:%02d.%03dZ' % (i // 60000 % 60, i // 1000 % 60, i % 1000)})


FILE = open(a.events_file).read().splitlines() if a.events_file else None
if FILE:
    stream_event = lambda i: FILE[i % len(FILE)]


def measure(n, request_of):
    """Sends n requests from the senders; answers (events/s, p50 ms, p99 ms)."""
    call('DELETE', '/%s?ignore_unavailable=true&allow_no_indices=true' % a.indices)
    lat = [0.0] * n
    cursor = [0]
    lock = threading.Lock()
    failed = []

    def sender():
        c = http.client.HTTPConnection(u.hostname, u.port)
        while not failed:
            with lock:
                i = cursor[0]
                cursor[0] += 1
            if i >= n:
                return
            path, body, headers = request_of(i)
            t = time.time()
            c.request('POST', path, body, headers)
            r = c.getresponse()
            out = r.read()
            lat[i] = time.time() - t
            if r.status != 200 or b'"errors":true' in out:
                failed.append(out[:300])

    t0 = time.time()
    threads = [threading.Thread(target=sender) for _ in range(a.senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.time() - t0
    if failed:
        raise SystemExit('request failed: %s' % failed[0])
    call('POST', '/%s/_refresh' % a.indices)
    stored = call('GET', '/%s/_count' % a.indices)['count']
    assert stored == n, (stored, n)
    s = sorted(lat)
    return n / took, s[n // 2] * 1000, s[int(n * 0.99) - 1] * 1000


STREAM = {'Content-Type': 'application/json', 'X-Gitlab-Event-Streaming-Token': a.token}
print('| run | stream events/s | p50 ms | p99 ms | floor events/s | p50 ms | p99 ms |')
print('|---|---|---|---|---|---|---|')
doc = None
offset = 0
for run in range(a.runs + 1):  # run 0: warm-up
    n = a.events if run else a.events // 10
    base = offset
    offset += n
    streamed = measure(n, lambda i: ('/_plugins/devops_audit/_stream/gitlab', stream_event(base + i), STREAM))
    if doc is None:
        hit = call('POST', '/%s/_search' % a.indices, {'size': 1})['hits']['hits'][0]
        INDEX = hit['_index']
        hit = hit['_source']
        doc = json.dumps(hit, separators=(',', ':'))
    floor = measure(n, lambda i: ('/_bulk?pipeline=_none',
                                  '{"index":{"_index":"%s","_id":"floor-%d"}}\n%s\n' % (INDEX, base + i, doc),
                                  {'Content-Type': 'application/x-ndjson'}))
    if run:
        print('| %d | %.0f | %.1f | %.1f | %.0f | %.1f | %.1f |' % ((run,) + streamed + floor))
call('DELETE', '/%s?ignore_unavailable=true&allow_no_indices=true' % a.indices)
