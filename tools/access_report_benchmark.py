#!/usr/bin/env python3
# Measures the investigation API at a large size on a running node (docs/benchmarks.md, "The access report at 10
# million events"):
#   python3 tools/access_report_benchmark.py --url http://127.0.0.1:9200 --events 10000000 [--skip-load] [--runs 3]
#
# The data: one GitLab group (bench/, 20 projects with ids 500-519) and one month (January 2020) of
# repository_git_operation events, written in time order as a live instance writes them. 5,000 users (ids 1-5000,
# names user<id>: so users 500-519 share their ids with the projects they access) with one e-mail each: a third
# (ids divisible by 3) at partner.example, the rest at corp.example. As on a real instance only some sources carry the
# e-mail (API pages do, streamed events and audit_json.log lines do not): one event in ten carries it. 1,000 client
# addresses, 70 % public and 30 % private; each user works from three of them. Documents are the processor's output
# for a streamed event (the same fields), loaded with _bulk without a pipeline, as tools/export_benchmark.py does.
#
# Then the access rollup of the month (POST _access_rollup, timed), and medians of --runs (the shard request cache cleared before each, so every run computes its answer; the first
# run after a node start also builds global ordinals and loads the index from disk): _access_report for the group and the month (summary, detail, CSV), the same with
# exclude_email_domains [corp.example], with the rollup and with the events only (rollup off), an _export of a ~100,000-event time slice, and _context around one event.
# Every answer is checked against the counts the generator knows; the figures print as Markdown rows.
import argparse, json, random, statistics, threading, time, urllib.request

p = argparse.ArgumentParser()
p.add_argument('--url', default='http://127.0.0.1:9200')
p.add_argument('--events', type=int, default=10_000_000)
p.add_argument('--users', type=int, default=5000)
p.add_argument('--batch', type=int, default=5000)
p.add_argument('--senders', type=int, default=2)
p.add_argument('--runs', type=int, default=3)
p.add_argument('--skip-load', action='store_true')
p.add_argument('--load-only', action='store_true')
a = p.parse_args()


def call(method, path, body=None, ctype='application/json'):
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    req = urllib.request.Request(a.url + path, data=data, method=method, headers={'Content-Type': ctype})
    with urllib.request.urlopen(req, timeout=3600) as r:
        return r.read(), dict(r.headers)


INDEX = 'devops-audit-gitlab-2020.01'
MONTH_START = 1577836800  # 2020-01-01T00:00:00Z
MONTH_SECONDS = 31 * 86400
PROJECTS = list(range(500, 520))
# 700 public addresses (outside every reserved range) and 300 private ones
ADDRESSES = ['%d.%d.%d.%d' % (81 + i // 250 % 40, 7 + i % 97, i // 97 % 250, 1 + i % 250) for i in range(700)] \
    + ['10.%d.%d.%d' % (i // 250 % 250, i % 250, 1 + i % 200) for i in range(300)]


def partner(user):
    return user % 3 == 0


def user_of(i):
    # deterministic per event, spread evenly: event i's user, address and project
    return 1 + (i * 7919) % a.users


def event(i):
    u = user_of(i)
    r = random.Random(i)
    ip = ADDRESSES[(u * 37 + r.randrange(3) * 331) % len(ADDRESSES)]
    project = PROJECTS[(u + r.randrange(3)) % len(PROJECTS)]
    ts = MONTH_START + i * MONTH_SECONDS // a.events
    return u, ip, project, ts


# when the processor stored the events (it sets event.ingested on every event)
INGESTED = time.strftime('%Y-%m-%dT%H:%M:%S.000Z', time.gmtime())


def doc(i):
    u, ip, project, ts = event(i)
    t = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(ts)) + '.%03dZ' % (i % 1000)
    path = 'bench/project-%d' % project
    user = {'id': str(u), 'name': 'user%d' % u}
    email = 'user%d@%s' % (u, 'partner.example' if partner(u) else 'corp.example')
    if i // a.users % 10 == 0:  # every tenth run of 5,000 consecutive events: every user, now and then
        user['email'] = email
    return {'@timestamp': t,
            'event': {'kind': 'event', 'ingested': INGESTED, 'provider': 'gitlab', 'action': 'repository_git_operation', 'outcome': 'success',
                      'id': str(i + 1), 'dataset': 'gitlab.audit', 'category': ['file'], 'type': ['access']},
            'user': user,
            'source': {'ip': ip},
            'user_agent': {'original': 'git/2.%d.0' % (40 + u % 5)},
            'related': {'ip': [ip], 'user': [user['name']] + ([email] if 'email' in user else [])},
            'organization': {'name': 'bench'},
            'audit': {'category': 'repository', 'area': 'git_operations', 'instance': 'gitlab-bench',
                      'source_format': 'gitlab_stream' if 'email' not in user else 'gitlab_api',
                      'actor': {'type': 'user'},
                      'scope': {'type': 'project', 'id': str(project), 'path': path},
                      'target': {'type': 'Project', 'id': str(project), 'name': path},
                      'message': 'Cloned the repository over HTTPS',
                      'dedup_key': 'gitlab:gitlab-bench:%d' % (i + 1)}}


def load():
    t0 = time.time()
    # the shipped template must map the index (keyword fields, the ip type), as on an installed node
    call('PUT', '/_plugins/devops_audit/_setup', {'replicas': 0})
    batches = list(range(0, a.events, a.batch))
    lock = threading.Lock()
    errors = []

    def sender():
        while True:
            with lock:
                if not batches or errors:
                    return
                start = batches.pop(0)
            lines = []
            for i in range(start, min(start + a.batch, a.events)):
                lines.append('{"index":{"_index":"%s","_id":"gitlab:gitlab-bench:%d"}}' % (INDEX, i + 1))
                lines.append(json.dumps(doc(i), separators=(',', ':')))
            body, _ = call('POST', '/_bulk?pipeline=_none', ('\n'.join(lines) + '\n').encode(), 'application/x-ndjson')
            if json.loads(body).get('errors'):
                errors.append(body[:500].decode())

    # the first batch creates the index from the template; a bulk load needs no refresh and no per-request fsync
    first = batches.pop(0)
    batches.insert(0, first)
    lines = []
    for i in range(first, min(first + a.batch, a.events)):
        lines.append('{"index":{"_index":"%s","_id":"gitlab:gitlab-bench:%d"}}' % (INDEX, i + 1))
        lines.append(json.dumps(doc(i), separators=(',', ':')))
    call('POST', '/_bulk?pipeline=_none', ('\n'.join(lines) + '\n').encode(), 'application/x-ndjson')
    batches.pop(0)
    call('PUT', '/%s/_settings' % INDEX, {'index': {'refresh_interval': '-1', 'translog.durability': 'async'}})
    threads = [threading.Thread(target=sender) for _ in range(a.senders)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        raise SystemExit('bulk errors: ' + errors[0])
    call('PUT', '/%s/_settings' % INDEX, {'index': {'refresh_interval': '5s', 'translog.durability': 'request'}})
    call('POST', '/%s/_refresh' % INDEX)
    print('loaded %d events in %.0f s' % (a.events, time.time() - t0))


if not a.skip_load:
    load()
if a.load_only:
    raise SystemExit(0)

# what the answers must say, from the generator (one pass)
accesses_by_user = {}
ips = set()
partner_ips = set()
for i in range(a.events):
    u, ip, _, _ = event(i)
    accesses_by_user[u] = accesses_by_user.get(u, 0) + 1
    ips.add(ip)
    if partner(u):
        partner_ips.add(ip)
partner_users = [u for u in accesses_by_user if partner(u)]
expect_all = (len(accesses_by_user), a.events, len(ips))
expect_partner = (len(partner_users), sum(accesses_by_user[u] for u in partner_users), len(partner_ips))
WINDOW = {'scope': 'bench', 'from': '2020-01-01T00:00:00Z', 'to': '2020-01-31T23:59:59.999Z'}


def timed(method, path, body):
    t0 = time.time()
    out, headers = call(method, path, body)
    return time.time() - t0, out, headers


def median(method, path, body, check):
    times = []
    for _ in range(a.runs):
        # an answer the shard request cache holds would measure the cache: every run computes its answer
        call('POST', '/_cache/clear?request=true')
        s, out, headers = timed(method, path, body)
        check(out, headers)
        times.append(s)
    return statistics.median(times), times


def report_check(expect, detail, precounted):
    def check(out, headers):
        r = json.loads(out)
        assert r['precounted_days'] == precounted, ('precounted days', r['precounted_days'], precounted)
        got = (r['distinct_users'], r['accesses'], r['distinct_source_ips'])
        assert got == expect, ('report', got, expect)
        assert r['bound_hit'] is False, r['bound_hit']
        if detail:
            assert len(r['users']) == expect[0] and len(r['source_ips']) == expect[2]
            assert sum(row['accesses'] for row in r['users']) == expect[1]
    return check


def csv_check(expect):
    def check(out, headers):
        rows = out.decode().splitlines()[1:]
        assert sum(1 for l in rows if l.startswith('user,')) == expect[0], 'csv users'
        assert sum(1 for l in rows if l.startswith('ip,')) == expect[2], 'csv ips'
    return check


rows = []
R = '/_plugins/devops_audit/_access_report'
# the access rollup of the month (every day over; the load's events were ingested minutes ago, so no quiet period)
call('PUT', '/_cluster/settings', {'transient': {'devops_audit.access_rollup.quiet_period': '0s'}})
took, out, _ = timed('POST', '/_plugins/devops_audit/_access_rollup', None)
print('access rollup: %.0f s: %s' % (took, out.decode()))
call('PUT', '/_cluster/settings', {'transient': {'devops_audit.access_rollup.quiet_period': None}})
EX = dict(WINDOW, exclude_email_domains=['corp.example'])
for label, enabled, days in (('', True, 31), (', events only (rollup off)', False, 0)):
    call('PUT', '/_cluster/settings', {'transient': {'devops_audit.access_rollup.enabled': enabled}})
    rows.append(('access report, summary' + label, median('POST', R, WINDOW, report_check(expect_all, False, days))))
    rows.append(('access report, detail' + label,
                 median('POST', R, dict(WINDOW, detail=True), report_check(expect_all, True, days))))
    rows.append(('access report, CSV' + label, median('POST', R + '?format=csv', WINDOW, csv_check(expect_all))))
    rows.append(('access report, exclude_email_domains, summary' + label,
                 median('POST', R, EX, report_check(expect_partner, False, days))))
    rows.append(('access report, exclude_email_domains, detail' + label,
                 median('POST', R, dict(EX, detail=True), report_check(expect_partner, True, days))))
call('PUT', '/_cluster/settings', {'transient': {'devops_audit.access_rollup.enabled': None}})

# an export of a time slice of about 100,000 events: the events are evenly spread over the month
slice_events = min(100_000, a.events)
first = a.events // 2
last = first + slice_events - 1
_, _, _, ts_first = event(first)
_, _, _, ts_last = event(last)
# event times never decrease with i: the slice's events are those from the first with ts_first to the last with ts_last
lo, hi = first, last
while lo > 0 and event(lo - 1)[3] >= ts_first:
    lo -= 1
while hi + 1 < a.events and event(hi + 1)[3] <= ts_last:
    hi += 1
expect_slice = hi - lo + 1
fmt = lambda ts: time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(ts))
SLICE = {'scope': 'bench', 'from': fmt(ts_first), 'to': fmt(ts_last) .replace('Z', '.999Z')}
call('PUT', '/_cluster/settings', {'persistent': {'devops_audit.export.max_events': max(200_000, expect_slice)}})


def export_check(out, headers):
    n = int(headers.get('X-Devops-Audit-Events', headers.get('x-devops-audit-events', '-1')))
    assert n == expect_slice == out.count(b'\n'), ('export', n, expect_slice)


rows.append(('export, %d-event time slice, NDJSON' % expect_slice,
             median('POST', '/_plugins/devops_audit/_export', SLICE, export_check)))


def context_check(out, headers):
    r = json.loads(out)
    assert r['events'], 'context without events'


middle = 'gitlab:gitlab-bench:%d' % (a.events // 3)
rows.append(('context of one event (15 min either side)',
             median('GET', '/_plugins/devops_audit/_context/' + middle, None, context_check)))

print('| question | median s | runs (s) |')
print('|---|---|---|')
for name, (m, times) in rows:
    print('| %s | %.2f | %s |' % (name, m, ', '.join('%.2f' % t for t in times)))
print('expected: all users/accesses/ips %s; without corp.example %s' % (expect_all, expect_partner))
