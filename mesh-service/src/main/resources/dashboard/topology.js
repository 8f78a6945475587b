// Mesh Topology: agents grouped by namespace, coloured by health, edges for who sent to whom in the last
// minutes (from the message log), the mesh's nodes, leader and router beside it. Past 150 agents a
// namespace is drawn as one node with its counts, edges summed between namespaces, a click opening its
// agents in the registry.
'use strict';
(() => {
  const {el, svg, api, allAgents, every, pill, kv} = Mesh;
  const AGGREGATE_ABOVE = 150;
  const WINDOW_MS = 5 * 60 * 1000;
  const main = document.getElementById('main');
  const drawing = svg('svg', {class: 'topology', id: 'topology', role: 'img', 'aria-label': 'agents and message edges',
    preserveAspectRatio: 'xMinYMin meet'});
  const cluster = el('div', {id: 'cluster'});
  const legend = el('p', {class: 'muted'});
  const LEGEND = 'colour: health (green healthy, red unhealthy, amber flapping, grey expired or unknown); '
    + 'line width: messages per minute over the last 5 minutes (from the message log); ';
  const chosen = el('div', {id: 'chosen'});
  main.append(el('div', {class: 'grid2'},
    el('section', {}, el('h2', {}, 'Mesh'), cluster),
    el('section', {}, el('h2', {}, 'Selected'), chosen)),
    el('section', {}, el('h2', {}, 'Agents and traffic'), legend, el('div', {class: 'scroll'}, drawing)));

  const colour = s => getComputedStyle(document.documentElement).getPropertyValue(
    {healthy: '--ok', unhealthy: '--bad', flapping: '--warn'}[s] || '--gone').trim();

  async function refresh() {
    const [agents, health, log, status, nodes, nodeHealth] = await Promise.all([
      allAgents(),
      api('/api/v1/health/all').catch(() => ({agents: []})),
      api('/api/v1/messages?limit=1000').catch(() => ({messages: []})),
      api('/api/v1/cluster/status').catch(() => null),
      api('/api/v1/cluster/nodes').catch(() => ({nodes: []})),
      api('/health').catch(e => e.body)]);
    const healthOf = new Map((health.agents || []).map(h => [h.agent_id, h.status]));
    // an agent whose heartbeat lapsed is drawn expired whatever its last health check said
    const list = agents.map(a => Object.assign({health: a.status === 'expired' ? 'expired' : healthOf.get(a.id) || 'unknown'}, a));
    drawCluster(status, nodes.nodes || [], nodeHealth, list.length);
    const edges = new Map();
    const since = Date.now() - WINDOW_MS;
    for (const m of log.messages || []) {
      if (!m.from || !Array.isArray(m.agents) || Date.parse(m.time) < since) continue;
      for (const to of m.agents) {
        const k = m.from + '\u0000' + to;
        edges.set(k, (edges.get(k) || 0) + 1);
      }
    }
    draw(list, edges);
  }

  function drawCluster(status, nodes, nodeHealth, agentCount) {
    const comps = (nodeHealth && nodeHealth.components) || {};
    cluster.replaceChildren(kv({
      'this node': status ? el('span', {}, status.node + ' ', nodeHealth ? pill(nodeHealth.status) : '') : '–',
      router: comps.streams ? pill(comps.streams.state || comps.streams.status) : '–',
      zookeeper: status ? pill(status.zookeeper === 'connected' ? 'up' : 'down') : '–',
      leader: status ? (status.leader || 'none') : '–',
      nodes: nodes.length ? nodes.map(n => n.id + (n.leader ? ' (leader)' : '')).join(', ') : '–',
      'expected nodes': status ? status.expected_nodes + (status.partition_suspected ? ' — partition suspected' : '') : '–',
      agents: agentCount}));
  }

  function draw(agents, edges) {
    const aggregate = agents.length > AGGREGATE_ABOVE;
    legend.textContent = LEGEND + (aggregate
      ? `past ${AGGREGATE_ABOVE} agents one node per namespace, coloured by its worst health; click one for its agents`
      : 'click an agent for its detail');
    const groups = new Map();
    for (const a of agents) {
      const ns = a.namespace || 'default';
      if (!groups.has(ns)) groups.set(ns, []);
      groups.get(ns).push(a);
    }
    const names = [...groups.keys()].sort();
    const width = Math.max(drawing.clientWidth || 900, 320);
    const columns = Math.max(1, Math.min(names.length, Math.floor(width / 220)));
    const colWidth = width / columns;
    const pos = new Map();
    const nsText = new Map();
    const parts = [];
    let rowTop = 10, rowHeight = 0;
    names.forEach((ns, i) => {
      const col = i % columns;
      if (col === 0 && i > 0) { rowTop += rowHeight + 20; rowHeight = 0; }
      const members = groups.get(ns).sort((a, b) => a.id.localeCompare(b.id));
      const x0 = col * colWidth + 10;
      if (aggregate) {
        const h = 70;
        rowHeight = Math.max(rowHeight, h);
        parts.push(svg('rect', {class: 'ns', x: x0, y: rowTop, width: colWidth - 20, height: h, rx: 6}));
        const counts = {};
        members.forEach(a => { counts[a.health] = (counts[a.health] || 0) + 1; });
        const c = svg('circle', {cx: x0 + 30, cy: rowTop + 40, r: 14, fill: colour(worst(counts)),
          'data-namespace': ns});
        const tip = svg('title', {});
        tip.textContent = ns + ': open its agents in the registry';
        c.append(tip);
        c.addEventListener('click', () => { location.href = '/dashboard/agents?namespace=' + encodeURIComponent(ns); });
        const label = text(x0 + 8, rowTop + 16, ns + ' (' + members.length + ')');
        nsText.set(ns, label);
        parts.push(c, label, text(x0 + 52, rowTop + 44, Object.entries(counts).map(([k, v]) => v + ' ' + k).join(', ')));
        members.forEach(a => pos.set(a.id, [x0 + 30, rowTop + 40]));
        return;
      }
      const perRow = Math.max(1, Math.floor((colWidth - 30) / 110));
      const h = 30 + Math.ceil(members.length / perRow) * 60;
      rowHeight = Math.max(rowHeight, h);
      parts.push(svg('rect', {class: 'ns', x: x0, y: rowTop, width: colWidth - 20, height: h, rx: 6}), text(x0 + 8, rowTop + 16, ns));
      members.forEach((a, j) => {
        const cx = x0 + 30 + (j % perRow) * 110, cy = rowTop + 45 + Math.floor(j / perRow) * 60;
        pos.set(a.id, [cx, cy]);
        const dot = svg('circle', {cx, cy, r: 10, fill: colour(a.health), 'data-agent': a.id});
        const title = svg('title', {});
        title.textContent = a.id + ' — ' + a.health + ' — ' + (a.capabilities || []).join(', ');
        dot.append(title);
        dot.addEventListener('click', () => choose(a));
        parts.push(dot, text(cx - 10, cy + 24, a.id.length > 16 ? a.id.slice(0, 15) + '…' : a.id),
          text(cx - 10, cy + 36, (a.capabilities || []).slice(0, 2).join(', '), 'muted'));
      });
    });
    // edges between what is drawn: agents, or past the threshold their namespaces (summed, and the
    // traffic inside one namespace told on its box instead of drawn)
    const nodeOf = new Map(agents.map(a => [a.id, aggregate ? (a.namespace || 'default') : a.id]));
    const merged = new Map();
    const inside = new Map();
    for (const [k, n] of edges) {
      const [from, to] = k.split('\u0000');
      const f = nodeOf.get(from), t = nodeOf.get(to);
      if (f === undefined || t === undefined) continue;
      if (aggregate && f === t) { inside.set(f, (inside.get(f) || 0) + n); continue; }
      const key = f + '->' + t;
      const e = merged.get(key) || {a: pos.get(from), b: pos.get(to), n: 0};
      e.n += n;
      merged.set(key, e);
    }
    const perMin = n => (n / (WINDOW_MS / 60000)).toFixed(1) + ' msg/min';
    for (const [ns, n] of inside) {
      const box = nsText.get(ns);
      if (box) box.textContent += ' · ' + perMin(n) + ' inside';
    }
    const max = Math.max(1, ...[...merged.values()].map(e => e.n));
    const lines = [];
    for (const [key, {a, b, n}] of merged) {
      const mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2 - 30];
      const path = svg('path', {class: 'edge', d: `M${a[0]},${a[1]} Q${mid[0]},${mid[1]} ${b[0]},${b[1]}`,
        'stroke-width': 1 + 5 * n / max, 'data-edge': key, 'data-count': n});
      const title = svg('title', {});
      title.textContent = key.replace('->', ' → ') + ': ' + perMin(n) + ' (' + n + ' in 5 min)';
      path.append(title);
      lines.push(path);
    }
    drawing.setAttribute('viewBox', `0 0 ${width} ${rowTop + rowHeight + 20}`);
    drawing.setAttribute('height', rowTop + rowHeight + 20);
    drawing.replaceChildren(...lines, ...parts);
  }

  // a namespace's colour: the worst health among its agents (unhealthy, flapping, expired, healthy)
  function worst(counts) {
    return ['unhealthy', 'flapping', 'expired', 'healthy'].find(h => counts[h]) || 'unknown';
  }

  function text(x, y, value, cls) {
    const t = svg('text', {x, y});
    if (cls) t.setAttribute('class', cls);
    t.textContent = value;
    return t;
  }

  function choose(a) {
    chosen.replaceChildren(kv({id: a.id, name: a.name, namespace: a.namespace, health: pill(a.health),
      capabilities: (a.capabilities || []).join(', '), delivery: a.delivery}),
      el('p', {}, el('a', {href: '/dashboard/agents#' + encodeURIComponent(a.id)}, 'Open in the registry')));
  }

  every(3000, refresh);
})();
