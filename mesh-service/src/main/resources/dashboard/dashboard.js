// Agent Mesh dashboards: what every page shares. The pages read the REST API with the operator's own
// credential (kept for this browser tab only); a 401 shows the sign-in form, a 403 says what is missing.
'use strict';

const Mesh = (() => {
  const TOKEN = 'agent-mesh-token';
  const status = () => document.getElementById('status');

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c !== undefined && c !== null && c !== false) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function svg(tag, attrs) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && (body.detail || body.message)) || ('HTTP ' + status));
      this.status = status;
      this.body = body;
    }
  }

  async function api(path, options = {}) {
    const headers = Object.assign({'Accept': 'application/json'}, options.headers || {});
    const token = sessionStorage.getItem(TOKEN);
    if (token) headers['Authorization'] = 'Bearer ' + token;
    if (options.body !== undefined && typeof options.body !== 'string') {
      headers['Content-Type'] = 'application/json';
      options = Object.assign({}, options, {body: JSON.stringify(options.body)});
    }
    const r = await fetch(path, Object.assign({}, options, {headers}));
    const text = await r.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = {detail: text}; }
    if (r.status === 401) {
      showLogin();
      throw new ApiError(401, body);
    }
    if (!r.ok) throw new ApiError(r.status, body);
    return body;
  }

  function showLogin() {
    document.getElementById('login').hidden = false;
    document.getElementById('login-token').focus();
  }

  function say(message) {
    status().textContent = message || '';
  }

  // the whole registry, a page of 1000 at a time (the API's largest), up to MAX_AGENTS
  const MAX_AGENTS = 20000;
  async function allAgents() {
    const out = [];
    for (let offset = 0; offset < MAX_AGENTS; offset += 1000) {
      const page = (await api('/api/v1/agents?limit=1000&offset=' + offset)).agents || [];
      out.push(...page);
      if (page.length < 1000) break;
    }
    return out;
  }

  // when the page last read the mesh, and how long that round took (the header shows it; tests read it)
  function updated(name, ms) {
    const box = document.getElementById('updated');
    if (!box) return;
    box.dataset[name] = String(Math.round(ms));
    box.textContent = 'updated ' + new Date().toLocaleTimeString();
    box.title = Object.entries(box.dataset).map(([k, v]) => k + ': ' + v + ' ms').join(', ');
  }

  // runs fn now and every ms; a failure is shown (not thrown) and the loop goes on
  function every(ms, fn) {
    let stopped = false;
    const tick = async () => {
      if (stopped) return;
      const started = performance.now();
      try {
        await fn();
        updated(fn.name || 'refresh', performance.now() - started);
        if (status().dataset.from === fn.name) say('');
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 401)) {
          status().dataset.from = fn.name;
          say(e instanceof ApiError && e.status === 403 ? 'Not allowed: ' + e.message : 'Cannot read the mesh: ' + e.message);
        }
      }
      setTimeout(tick, ms);
    };
    tick();
    return () => { stopped = true; };
  }

  // an action that changes something: confirm first, say what happened
  async function act(question, fn) {
    if (!window.confirm(question)) return null;
    try {
      const result = await fn();
      say('');
      return result;
    } catch (e) {
      status().dataset.from = 'action'; // stays until the next action: the polling does not clear it
      say(e instanceof ApiError && e.status === 403 ? 'Not allowed (an operator may): ' + e.message : 'Failed: ' + e.message);
      return null;
    }
  }

  function ago(iso) {
    if (!iso) return '–';
    const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
    if (isNaN(s)) return iso;
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    return Math.round(s / 3600) + ' h ago';
  }

  function pill(value) {
    return el('span', {class: 'pill ' + String(value || 'unknown').replace(/[^A-Za-z_]/g, '')}, value || 'unknown');
  }

  // a table whose columns sort on click; rows are re-rendered by the caller with render(rows). At most
  // `cap` rows are drawn (sorted first, so the top of any order is right); the caption says how many more.
  function sortable(columns, onRow, cap = 500) {
    let key = columns[0].key, dir = 1;
    const head = el('tr', {}, columns.map(c => el('th', {'data-sort': c.key, onclick: () => {
      dir = key === c.key ? -dir : 1; key = c.key; redraw();
    }}, c.label)));
    const body = el('tbody');
    const table = el('table', {}, el('thead', {}, head), body);
    let last = [];
    function redraw() {
      const col = columns.find(c => c.key === key);
      const value = r => (col.sort ? col.sort(r) : r[key]) ?? '';
      const rows = [...last].sort((a, b) => {
        const x = value(a), y = value(b);
        return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
      });
      const more = rows.length - cap;
      body.replaceChildren(...rows.slice(0, cap).map(r => {
        const tr = el('tr', {class: onRow ? 'clickable' : '', 'data-id': r.id, onclick: onRow ? () => onRow(r) : null},
          columns.map(c => el('td', {}, c.render ? c.render(r) : (r[c.key] ?? '–'))));
        return tr;
      }));
      if (!rows.length) body.replaceChildren(el('tr', {}, el('td', {colspan: columns.length, class: 'muted'}, '(none)')));
      if (more > 0) body.append(el('tr', {class: 'more'}, el('td', {colspan: columns.length, class: 'muted'},
        more + ' more not drawn: filter or sort to see them')));
    }
    return {table, render(rows) { last = rows; redraw(); }};
  }

  function kv(pairs) {
    return el('dl', {class: 'kv'}, Object.entries(pairs).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v ?? '–')]));
  }

  function setup() {
    const page = document.body.dataset.page;
    document.querySelectorAll('[data-nav]').forEach(a => a.classList.toggle('current', a.dataset.nav === page));
    const theme = localStorage.getItem('agent-mesh-theme');
    if (theme) document.documentElement.dataset.theme = theme;
    document.getElementById('theme').addEventListener('click', () => {
      const dark = document.documentElement.dataset.theme === 'dark'
        || (!document.documentElement.dataset.theme && matchMedia('(prefers-color-scheme: dark)').matches);
      document.documentElement.dataset.theme = dark ? 'light' : 'dark';
      localStorage.setItem('agent-mesh-theme', document.documentElement.dataset.theme);
    });
    document.getElementById('login-form').addEventListener('submit', ev => {
      ev.preventDefault();
      sessionStorage.setItem(TOKEN, document.getElementById('login-token').value.trim());
      location.reload();
    });
    api('/api/v1/auth/whoami').then(w => {
      if (!w) return;
      const who = document.getElementById('who');
      who.textContent = w.auth_enabled === false ? 'open mesh (no sign-in)'
        : 'signed in as ' + (w.kind ? w.kind + ':' : '') + w.name + (w.role ? ' (' + w.role + ')' : '');
      if (w.auth_enabled !== false) {
        who.append(' ', el('button', {id: 'sign-out', type: 'button', onclick: () => {
          sessionStorage.removeItem(TOKEN);
          location.reload();
        }}, 'Sign out'));
      }
    }).catch(() => {});
  }

  document.addEventListener('DOMContentLoaded', setup);
  return {el, svg, api, allAgents, every, act, ago, pill, sortable, kv, say, ApiError};
})();
