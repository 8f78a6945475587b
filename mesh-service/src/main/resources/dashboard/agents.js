// Agent Registry: the registry as a live table, filters, and one agent's detail with the runbook's actions.
'use strict';
(() => {
  const {el, api, allAgents, every, act, ago, pill, sortable, kv} = Mesh;
  const main = document.getElementById('main');
  const filters = {capability: el('input', {id: 'f-capability', placeholder: 'capability', 'aria-label': 'capability'}),
    namespace: el('input', {id: 'f-namespace', placeholder: 'namespace', 'aria-label': 'namespace'}),
    status: el('select', {id: 'f-status', 'aria-label': 'health'}, ['', 'healthy', 'unhealthy', 'flapping', 'expired', 'unknown']
      .map(s => el('option', {value: s}, s || 'any health')))};
  const count = el('span', {class: 'muted'});
  const detail = el('section', {id: 'detail', hidden: true});
  let selected = null;
  let rows = [];

  const table = sortable([
    {key: 'id', label: 'ID'},
    {key: 'name', label: 'Name'},
    {key: 'namespace', label: 'Namespace'},
    {key: 'capabilities', label: 'Capabilities', render: r => (r.capabilities || []).join(', ') || '–',
      sort: r => (r.capabilities || []).join(',')},
    {key: 'status', label: 'Status', render: r => pill(r.status)},
    {key: 'health', label: 'Health', render: r => pill(r.health)},
    {key: 'last_check_at', label: 'Last check', render: r => ago(r.last_check_at)},
    {key: 'last_heartbeat', label: 'Last heartbeat', render: r => ago(r.last_heartbeat)},
    {key: 'delivery', label: 'Delivery'},
    {key: 'lag', label: 'Inbox lag', sort: r => r.lag ?? -1},
    {key: 'streams', label: 'gRPC streams', sort: r => r.streams ?? 0},
  ], r => { selected = r.id; showDetail(); });

  main.append(
    el('section', {}, el('h2', {}, 'Agent Registry ', count),
      el('div', {class: 'filters'}, Object.values(filters)),
      el('div', {class: 'scroll'}, table.table)),
    detail);
  Object.values(filters).forEach(f => f.addEventListener('input', draw));

  function draw() {
    const cap = filters.capability.value.trim(), ns = filters.namespace.value.trim(), st = filters.status.value;
    // a namespace that exists is matched exactly (team-1 is not team-10); other text as a part of one
    const exactNs = rows.some(r => r.namespace === ns);
    const shown = rows.filter(r => (!cap || (r.capabilities || []).some(c => c.includes(cap)))
      && (!ns || (exactNs ? r.namespace === ns : (r.namespace || '').includes(ns))) && (!st || r.health === st));
    count.textContent = shown.length + ' of ' + rows.length;
    table.render(shown);
  }

  async function refresh() {
    const [agents, health, stats, conns] = await Promise.all([
      allAgents(),
      api('/api/v1/health/all').catch(() => ({agents: []})),
      api('/api/v1/queues/stats').catch(() => ({})),
      api('/api/v1/grpc/connections').catch(() => ({connections: []}))]);
    const byId = new Map((health.agents || []).map(h => [h.agent_id, h]));
    const lag = inboxLag(stats);
    const streams = streamsByAgent(conns);
    rows = agents.map(a => {
      const h = byId.get(a.id) || {};
      // a lapsed heartbeat is the agent's health too: expired, whatever its last check said
      return Object.assign({}, a, {health: a.status === 'expired' ? 'expired' : h.status || 'unknown', last_check_at: h.last_check_at,
        lag: lag.get(a.inbox_topic), streams: streams.get(a.id) || 0});
    });
    draw();
    // the detail follows too, unless the operator is typing a reason
    const typing = document.getElementById('override-reason');
    if (selected && !(typing && (typing.value || document.activeElement === typing))) showDetail(true);
  }

  function inboxLag(stats) {
    const out = new Map();
    const topics = stats.topics || {};
    const list = Array.isArray(topics) ? topics : Object.entries(topics).map(([k, v]) => Object.assign({topic: k}, v));
    // lag where the inbox has a consumer group (Kafka readers, push); none for the others
    for (const t of list) if (t.lag !== undefined && t.lag !== null) out.set(t.topic, t.lag);
    return out;
  }

  // open gRPC streams (Connect, Subscribe) per agent, from GET /api/v1/grpc/connections
  function streamsByAgent(conns) {
    const out = new Map();
    for (const c of conns.connections || []) {
      for (const s of c.streams || []) out.set(s.agent_id, (out.get(s.agent_id) || 0) + 1);
    }
    return out;
  }

  async function showDetail(quiet) {
    const id = selected;
    const [agent, health, history, card, log] = await Promise.all([
      api('/api/v1/agents/' + encodeURIComponent(id)),
      api('/api/v1/agents/' + encodeURIComponent(id) + '/health').catch(() => null),
      api('/api/v1/agents/' + encodeURIComponent(id) + '/health/history?limit=30').catch(() => ({events: []})),
      api('/api/v1/agents/' + encodeURIComponent(id) + '/card').catch(() => null),
      api('/api/v1/messages?limit=500').catch(() => ({messages: []}))]);
    const mine = (log.messages || []).filter(m => m.from === id || m.to === 'agent:' + id
      || (Array.isArray(m.agents) && m.agents.includes(id))).slice(0, 20);
    if (id !== selected) return;
    const reason = el('input', {id: 'override-reason', placeholder: 'reason', 'aria-label': 'reason'});
    const events = (history.events || []).slice().reverse();
    detail.hidden = false;
    detail.replaceChildren(
      el('h2', {}, 'Agent ', el('span', {id: 'detail-id'}, id), ' ', pill(health ? health.status : 'unknown')),
      kv({name: agent.name, namespace: agent.namespace, capabilities: (agent.capabilities || []).join(', '),
        status: agent.status, delivery: agent.delivery, endpoint: agent.endpoint, 'health url': agent.health_url,
        'last heartbeat': ago(agent.last_heartbeat), 'last seen': ago(agent.last_seen) + (agent.seen_via ? ' via ' + agent.seen_via : ''),
        'inbox topic': agent.inbox_topic, owner: agent.owner, override: health && health.override ? JSON.stringify(health.override) : '–',
        'last check error': health ? health.last_error : '–'}),
      el('h3', {}, 'Health history'),
      el('div', {class: 'timeline', title: 'oldest to newest'}, events.map(e =>
        el('span', {class: e.effective || e.status, title: (e.at || '') + ' ' + (e.source || '') + ': ' + (e.effective || e.status)
          + (e.reason ? ' (' + e.reason + ')' : '')}))),
      el('div', {class: 'filters'},
        reason,
        el('button', {id: 'mark-healthy', onclick: () => override('healthy')}, 'Mark healthy'),
        el('button', {id: 'mark-unhealthy', onclick: () => override('unhealthy')}, 'Mark unhealthy'),
        el('button', {id: 'reset-health', onclick: () => act('Clear the health override of ' + id + '?',
          () => api('/api/v1/agents/' + encodeURIComponent(id) + '/health', {method: 'DELETE'})).then(refresh)}, 'Reset health'),
        el('button', {id: 'deregister', class: 'danger', onclick: () => act('Deregister ' + id + '? Its inbox stops receiving.',
          () => api('/api/v1/agents/' + encodeURIComponent(id), {method: 'DELETE'})).then(() => { selected = null; detail.hidden = true; refresh(); })},
          'Deregister')),
      el('h3', {}, 'Recent messages to and from it'),
      mine.length ? el('div', {class: 'scroll'}, el('table', {id: 'agent-messages'}, el('tbody', {}, mine.map(m => el('tr', {},
        el('td', {}, ago(m.time)), el('td', {}, m.from === id ? 'sent to ' + m.to : 'from ' + (m.from || '–')),
        el('td', {}, pill(m.event)), el('td', {}, el('a', {href: '/dashboard/messages#' + encodeURIComponent(m.id)}, m.id)))))))
        : el('p', {class: 'muted'}, '(none in the recent message log)'),
      el('h3', {}, 'AgentCard'),
      el('pre', {}, card ? JSON.stringify(card, null, 2) : '(none)'));
    function override(status) {
      return act('Mark ' + id + ' ' + status + '?', () => api('/api/v1/agents/' + encodeURIComponent(id) + '/health',
        {method: 'PUT', body: {status, reason: reason.value.trim() || 'set from the dashboard'}})).then(refresh);
    }
    if (!quiet) detail.scrollIntoView({behavior: 'smooth', block: 'nearest'});
  }

  // /dashboard/agents?namespace=&capability=&status= starts filtered (the topology links a namespace so)
  const query = new URLSearchParams(location.search);
  for (const [k, f] of Object.entries(filters)) if (query.get(k)) f.value = query.get(k);
  // /dashboard/agents#<id> (from the topology) opens that agent
  if (location.hash.length > 1) selected = decodeURIComponent(location.hash.slice(1));
  every(2000, refresh);
})();
