// Message Flow: live rates and routing latency over the last minutes, queue depth, the recent message log
// with one message's life, and the dead-letter queue with replay (dry run first), as the REST API does it.
'use strict';
(() => {
  const {el, api, every, act, ago, pill, sortable, kv, say} = Mesh;
  const KEEP = 150; // samples: 5 minutes at one every 2 s
  const main = document.getElementById('main');
  const series = {accepted: [], routed: [], retried: [], dead_lettered: [], p50: [], p99: [], depth: []};
  const charts = el('div', {class: 'charts', id: 'charts'});
  const search = el('input', {id: 'message-search', placeholder: 'message id', 'aria-label': 'message id'});
  const life = el('div', {id: 'message-life'});
  const dlqReason = el('select', {id: 'dlq-reason', 'aria-label': 'reason'}, ['', 'NO_HEALTHY_AGENT', 'UNKNOWN_TARGET',
    'MAX_ATTEMPTS', 'EXPIRED', 'PAYLOAD_TOO_LARGE', 'UNDECODABLE', 'PUSH_REJECTED'].map(r => el('option', {value: r}, r || 'any reason')));
  const dlqTarget = el('input', {id: 'dlq-target', placeholder: 'target, e.g. agent:writer', 'aria-label': 'target'});
  const dlqOut = el('div', {id: 'dlq-result'});
  const picked = new Set();
  let lastCounts = null;

  const log = sortable([
    {key: 'time', label: 'Time', render: r => ago(r.time)},
    {key: 'id', label: 'Message'},
    {key: 'from', label: 'From'},
    {key: 'to', label: 'To'},
    {key: 'event', label: 'State', render: r => pill(r.event)},
    {key: 'attempts', label: 'Attempts', render: r => r.attempts ?? r.attempt ?? '–'},
  ], r => { search.value = r.id; showLife(); });

  const dlq = sortable([
    {key: 'pick', label: '', render: r => el('input', {type: 'checkbox', 'data-dlq': r.dlq_id, checked: picked.has(r.dlq_id),
      onclick: ev => { ev.stopPropagation(); ev.target.checked ? picked.add(r.dlq_id) : picked.delete(r.dlq_id); }})},
    {key: 'dlq_id', label: 'Dead letter'},
    {key: 'reason', label: 'Reason', render: r => pill(r.reason)},
    {key: 'target', label: 'Target', render: r => (r.message || {}).to || '–', sort: r => (r.message || {}).to || ''},
    {key: 'message_id', label: 'Message', render: r => (r.message || {}).id || '–', sort: r => (r.message || {}).id || ''},
    {key: 'dead_lettered_at', label: 'When', render: r => ago(r.dead_lettered_at)},
    {key: 'attempts', label: 'Attempts'},
  ], r => { life.replaceChildren(el('h3', {}, 'Dead letter ' + r.dlq_id), el('pre', {}, JSON.stringify(r, null, 2))); });

  main.append(
    el('section', {}, el('h2', {}, 'Rates and latency (last 5 minutes)'), charts),
    el('div', {class: 'grid2'},
      el('section', {}, el('h2', {}, 'Recent messages'),
        el('div', {class: 'filters'}, search, el('button', {id: 'message-open', onclick: showLife}, 'Open')),
        el('div', {class: 'scroll', id: 'message-log'}, log.table)),
      el('section', {}, el('h2', {}, 'Life of a message'), life)),
    el('section', {}, el('h2', {}, 'Dead-letter queue'),
      el('div', {class: 'filters'}, dlqReason, dlqTarget,
        el('button', {id: 'dlq-select-all', onclick: selectAllShown}, 'Select all shown'),
        el('button', {id: 'dlq-dry-run', onclick: () => replay(true)}, 'Dry run'),
        el('button', {id: 'dlq-replay', onclick: () => replay(false)}, 'Replay selected')),
      dlqOut, el('div', {class: 'scroll', id: 'dlq-table'}, dlq.table)));
  search.addEventListener('keydown', ev => { if (ev.key === 'Enter') showLife(); });
  // a selection is of what the filters show: changing them starts a new one
  [dlqReason, dlqTarget].forEach(f => f.addEventListener('change', () => { picked.clear(); dlqOut.replaceChildren(); refreshDlq(); }));

  function push(name, value) {
    const s = series[name];
    s.push(value);
    if (s.length > KEEP) s.shift();
  }

  async function refreshRates() {
    const [routing, stats] = await Promise.all([api('/api/v1/metrics/routing'), api('/api/v1/queues/stats').catch(() => ({}))]);
    const counts = {};
    for (const k of ['accepted', 'routed', 'retried', 'dead_lettered']) counts[k] = (routing[k] || {}).count || 0;
    const now = Date.now();
    if (lastCounts) {
      const secs = Math.max(0.001, (now - lastCounts.at) / 1000);
      for (const k of Object.keys(counts)) push(k, Math.max(0, (counts[k] - lastCounts[k]) / secs));
    }
    lastCounts = Object.assign({at: now}, counts);
    const lat = routing.latency_seconds || {};
    push('p50', (lat.p50 || 0) * 1000);
    push('p99', (lat.p99 || 0) * 1000);
    push('depth', stats.depth ?? 0);
    drawCharts();
  }

  function drawCharts() {
    const spec = [['accepted', 'accepted /s'], ['routed', 'routed /s'], ['retried', 'retried /s'],
      ['dead_lettered', 'dead-lettered /s'], ['p50', 'routing p50 ms'], ['p99', 'routing p99 ms'], ['depth', 'queue depth']];
    if (!charts.children.length) {
      for (const [k, label] of spec) {
        charts.append(el('div', {class: 'chart', 'data-chart': k}, el('div', {class: 'muted'}, label),
          el('div', {class: 'value'}, '–'), el('canvas', {width: 300, height: 60})));
      }
    }
    for (const [k] of spec) {
      const box = charts.querySelector(`[data-chart="${k}"]`);
      const values = series[k];
      const last = values.length ? values[values.length - 1] : null;
      box.querySelector('.value').textContent = last === null ? '–'
        : (last >= 100 || Number.isInteger(last) ? String(Math.round(last)) : last.toFixed(1));
      sparkline(box.querySelector('canvas'), values);
    }
  }

  function sparkline(canvas, values) {
    const g = canvas.getContext('2d');
    const w = canvas.width, h = canvas.height;
    g.clearRect(0, 0, w, h);
    if (values.length < 2) return;
    const max = Math.max(...values, 1e-9);
    g.strokeStyle = getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() || '#2f6fdf';
    g.lineWidth = 2;
    g.beginPath();
    // newest on the right, spaced for at least 30 samples (a minute), closer together as more come (up to KEEP)
    const span = Math.max(values.length, 30);
    values.forEach((v, i) => {
      const x = w - 1 - (values.length - 1 - i) * (w - 2) / (span - 1), y = h - 2 - (v / max) * (h - 4);
      i ? g.lineTo(x, y) : g.moveTo(x, y);
    });
    g.stroke();
  }

  async function refreshLog() {
    const r = await api('/api/v1/messages?limit=50');
    log.render((r.messages || []).map(m => Object.assign({}, m, {from: m.from || '–'})));
  }

  // one message's life as a timeline: accepted → routed (or retried, dead-lettered) → delivered → acked,
  // each step with its time after acceptance
  async function showLife() {
    const id = search.value.trim();
    if (!id) return;
    try {
      const r = await api('/api/v1/messages/' + encodeURIComponent(id));
      const events = Array.isArray(r.events) ? r.events : [];
      const start = events.length ? Date.parse(events[0].time) : NaN;
      const after = e => { const t = Date.parse(e.time) - start; return isNaN(t) ? '' : '+' + t + ' ms'; };
      life.replaceChildren(el('h3', {}, 'Message ', el('span', {id: 'life-id'}, id), ' ', pill(r.status)),
        el('ol', {class: 'life'}, events.map(e => el('li', {'data-event': e.event}, pill(e.event), ' ',
          el('span', {class: 'muted', title: e.time || ''}, after(e)), ' ', stepDetail(e)))),
        el('details', {}, el('summary', {}, 'raw events'), el('pre', {}, JSON.stringify(r, null, 2))));
    } catch (e) {
      life.replaceChildren(el('p', {}, 'No life for ' + id + ': ' + e.message));
    }
  }

  function stepDetail(e) {
    const parts = [];
    if (e.to) parts.push('to ' + e.to);
    if (Array.isArray(e.agents) && e.agents.length) parts.push('→ ' + e.agents.join(', '));
    if (e.agent) parts.push('agent ' + e.agent);
    if (e.via) parts.push('via ' + e.via);
    if (e.attempt || e.attempts) parts.push('attempt ' + (e.attempt || e.attempts));
    if (e.reason) parts.push('(' + e.reason + (e.error ? ': ' + e.error : '') + ')');
    return parts.join(' ');
  }

  async function refreshDlq() {
    const q = new URLSearchParams({limit: '100'});
    if (dlqReason.value) q.set('reason', dlqReason.value);
    if (dlqTarget.value.trim()) q.set('target', dlqTarget.value.trim());
    const r = await api('/api/v1/queues/dlq?' + q);
    dlq.render((r.dead_letters || []).map(d => Object.assign({id: d.dlq_id}, d)));
  }

  // every dead letter the filters show (up to the 100 listed), to dry-run or replay together
  function selectAllShown() {
    picked.clear();
    document.querySelectorAll('#dlq-table input[data-dlq]').forEach(box => { box.checked = true; picked.add(box.dataset.dlq); });
    dlqOut.replaceChildren(el('p', {class: 'muted'}, picked.size + ' dead letter(s) selected'));
  }

  async function replay(dryRun) {
    const ids = [...picked];
    if (!ids.length) { say('Select dead letters to replay first.'); return; }
    const run = () => api('/api/v1/queues/dlq/retry', {method: 'POST', body: {ids, dry_run: dryRun}});
    const result = dryRun ? await run().catch(e => { say('Failed: ' + e.message); return null; })
      : await act('Replay ' + ids.length + ' dead letter(s)? Each goes back through routing once (audited).', run);
    if (!result) return;
    dlqOut.replaceChildren(kv(dryRun
      ? {'dry run': 'nothing changed', 'would replay': result.would_replay, 'already replayed': result.skipped_already_replayed,
        ids: (result.dlq_ids || []).join(', ')}
      : {replayed: result.replayed, 'already replayed': result.skipped_already_replayed, 'replay id': result.replay_id,
        ids: (result.dlq_ids || []).join(', ')}));
    if (!dryRun) { picked.clear(); refreshDlq(); }
  }

  // /dashboard/messages#<id> (from an agent's detail) opens that message's life
  if (location.hash.length > 1) { search.value = decodeURIComponent(location.hash.slice(1)); showLife(); }
  every(2000, refreshRates);
  every(3000, refreshLog);
  every(5000, refreshDlq);
})();
