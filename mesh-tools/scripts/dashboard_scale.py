#!/usr/bin/env python3
"""How the dashboards hold up with many agents, measured in headless Chromium.

Against a running open mesh (``./mesh dev``), registers ``--agents`` agents spread over
``--namespaces`` namespaces (ids ``scale-<n>``; re-running re-registers the same ones), sends
``--messages`` messages between random pairs of them, then opens each page at 1280x800 in
headless Chromium (Debian's ``chromium`` and ``chromium-driver``, driven over the W3C WebDriver
HTTP API: no Python packages needed) and reads, from the page itself, how long each refresh
round takes (read the REST API and redraw; the pages record it on their "updated" header
element). Prints the figures and writes them to docs/dashboard-scale.md.

    python3 mesh-tools/scripts/dashboard_scale.py --agents 1000 --namespaces 12 --messages 300
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import random
import socket
import subprocess
import time
import urllib.error
import urllib.request


def http(method, url, body=None, timeout=60):
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        text = r.read()
        return r.status, json.loads(text) if text else None


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def register(base, n, namespaces):
    try:
        status, _ = http('POST', base + '/api/v1/agents', {
            'id': f'scale-{n}', 'name': f'Scale {n}', 'namespace': f'team-{n % namespaces}',
            'capabilities': [f'cap-{n % 25}']})
        return status
    except urllib.error.HTTPError as e:
        return e.code


class Browser:
    def __init__(self):
        self.port = free_port()
        self.driver = subprocess.Popen(['/usr/bin/chromedriver', f'--port={self.port}'],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            try:
                self.call('GET', '/status')
                break
            except OSError:
                time.sleep(0.1)
        self.session = self.call('POST', '/session', {'capabilities': {'alwaysMatch': {
            'browserName': 'chrome', 'goog:chromeOptions': {'binary': '/usr/bin/chromium',
                                                            'args': ['--headless=new', '--no-sandbox',
                                                                     '--window-size=1280,800']}}}})['sessionId']

    def call(self, method, path, body=None):
        _, reply = http(method, f'http://127.0.0.1:{self.port}' + path, body, timeout=120)
        return reply['value']

    def open(self, url):
        self.call('POST', f'/session/{self.session}/url', {'url': url})

    def js(self, script):
        return self.call('POST', f'/session/{self.session}/execute/sync', {'script': script, 'args': []})

    def close(self):
        try:
            self.call('DELETE', f'/session/{self.session}')
        finally:
            self.driver.terminate()


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--url', default='http://127.0.0.1:3005')
    ap.add_argument('--agents', type=int, default=1000)
    ap.add_argument('--namespaces', type=int, default=12)
    ap.add_argument('--messages', type=int, default=300)
    ap.add_argument('--rounds', type=int, default=8, help='refresh rounds sampled per page')
    ap.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '..', '..', 'docs', 'dashboard-scale.md'))
    args = ap.parse_args()
    base = args.url.rstrip('/')

    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(lambda n: register(base, n, args.namespaces), range(args.agents)))
    refused = [c for c in codes if c not in (200, 201)]
    print(f'registered {args.agents - len(refused)} agents in {time.time() - started:.1f} s'
          + (f' ({len(refused)} refused)' if refused else ''))
    for i in range(args.messages):
        a, b = random.randrange(args.agents), random.randrange(args.agents)
        http('POST', base + '/api/v1/messages', {'to': f'agent:scale-{b}', 'from': f'scale-{a}', 'payload': {'i': i}})
    print(f'sent {args.messages} messages')
    total = http('GET', base + '/api/v1/agents/count')[1]

    rows = []
    browser = Browser()
    try:
        for page in ['topology', 'agents', 'messages']:
            browser.open(base + '/dashboard/' + page)
            samples = {}
            for _ in range(args.rounds):
                time.sleep(3.1)  # about one round of the slowest poll between samples
                for k, v in browser.js("return Object.assign({}, document.getElementById('updated').dataset)").items():
                    samples.setdefault(k, []).append(int(v))
            errors = browser.js("return document.getElementById('status').textContent")
            extra = []
            if page == 'agents':
                ms = browser.js("const t0 = performance.now(); document.querySelector('th[data-sort=name]').click();"
                                " return performance.now() - t0")
                extra.append(f'sort 1 column: {ms:.0f} ms')
                drawn = browser.js("return document.querySelectorAll('#main tbody tr[data-id]').length")
                extra.append(f'rows drawn: {drawn}')
            if page == 'topology':
                elements = browser.js("return document.querySelectorAll('#topology *').length")
                edges = browser.js("return document.querySelectorAll('#topology path.edge').length")
                extra.append(f'svg elements: {elements}, edges: {edges}')
            for k, v in samples.items():
                rows.append((page, k, median(v), max(v), '; '.join(extra), errors or ''))
    finally:
        browser.close()

    lines = [f'| {p} | {k} | {med} | {mx} | {extra} |' for p, k, med, mx, extra, _ in rows]
    for line in lines:
        print(line)
    problems = [f'{p}: {e}' for p, _, _, _, _, e in rows if e]
    doc = ['# Dashboards at scale', '',
           f'Written by `mesh-tools/scripts/dashboard_scale.py` on {datetime.date.today()} against `./mesh dev` on this',
           f'machine ({os.cpu_count()} cores): {args.agents} agents registered in {args.namespaces} namespaces '
           '(' + ', '.join(f'{v} {k}' for k, v in (total.get('by_status') or {}).items()) + f'), {args.messages} messages between random pairs, each page',
           'open in headless Chromium at 1280x800. A refresh round is one pass of the page\'s polling: read the REST',
           'API and redraw (the page times it itself). Compare runs on one day: the machine\'s speed varies.', '',
           '| page | round | median ms | max ms | also |', '|---|---|---:|---:|---|', *lines, '',
           'How the pages stay usable: past 150 agents the topology draws one node per namespace (counts by',
           'health, coloured by its worst) with edges summed between namespaces and the traffic inside one told',
           'on its box; the agents table sorts and filters all agents but draws the first 500 rows of that order',
           '(a last row says how many more); every page reads the registry 1,000 agents per call.']
    if problems:
        doc += ['', 'Status line shown by a page during the run: ' + '; '.join(problems)]
    with open(args.out, 'w') as f:
        f.write('\n'.join(doc) + '\n')
    print('wrote ' + os.path.relpath(args.out))


if __name__ == '__main__':
    main()
