// The dashboard: grants by status, one grant's sites and history, the live event feed, webhooks.
import { HttpError, Unauthorized, allPages, checkCounters, forgetKey, hasKey, newestEventId, request, useKey } from './api.js';
import { checksChart, eventsChart, statusChart } from './charts.js';
import {
  STATUSES, STATUS_LABELS, absolute, ago, describe, eventKind, grantTitle, h, scopeChip, statusBadge, timeAgo,
} from './format.js';

const RECENT_EVENTS = 1000; // kept for the events chart; the most one feed read gives
const STREAM_ROWS = 150; // shown in the live stream
const $ = (selector) => document.querySelector(selector);

const state = {
  grants: new Map(), // id -> grant as GET /v1/grants/{id} answers
  grantsComplete: true,
  selected: null,
  search: '',
  status: null, // null: every status
  events: [], // the newest events seen, oldest first
  cursor: 0,
  siteNames: new Map(), // cloudId -> the last name seen
  running: false,
  generation: 0, // loops and timers of an earlier run stop when it changes
};

const charts = {};

// ---- start, and the API key ----

async function start() {
  try {
    await request('/v1/grants?limit=1');
  } catch (error) {
    if (error instanceof Unauthorized) {
      askForKey(hasKey());
      return;
    }
    showProblem(`The daemon does not answer: ${error.message}`);
    return;
  }
  $('#forget-key').hidden = !hasKey();
  run();
}

function askForKey(refused) {
  state.running = false;
  const dialog = $('#key-dialog');
  $('#key-error').hidden = !refused;
  $('#key-input').value = '';
  if (!dialog.open) {
    dialog.showModal();
  }
  $('#key-input').focus();
}

$('#key-form').addEventListener('submit', (submit) => {
  submit.preventDefault();
  const key = $('#key-input').value.trim();
  if (key) {
    useKey(key, $('#key-remember').checked);
    $('#key-dialog').close();
    start();
  }
});

$('#forget-key').addEventListener('click', () => {
  forgetKey();
  location.reload();
});

/** The first refused call stops everything and asks again; other failures show and are retried. */
function failed(error) {
  if (error instanceof Unauthorized) {
    askForKey(true);
  } else {
    showProblem(error.message);
  }
}

function showProblem(message) {
  const problem = $('#problem');
  problem.textContent = message;
  problem.hidden = false;
}

function clearProblem() {
  $('#problem').hidden = true;
}

async function run() {
  if (state.running) {
    return;
  }
  state.running = true;
  const generation = ++state.generation;
  const current = () => state.running && state.generation === generation;
  charts.status ??= statusChart($('#chart-status'));
  charts.checks ??= checksChart($('#chart-checks'));
  charts.events ??= eventsChart($('#chart-events'));
  try {
    await Promise.all([loadGrants(), loadRecentEvents(), loadWebhooks()]);
  } catch (error) {
    failed(error);
    state.running = false;
    if (!(error instanceof Unauthorized)) {
      setTimeout(run, 5000);
    }
    return;
  }
  clearProblem();
  setLive(true);
  follow(current);
  sampleChecks();
  every(current, 30_000, () => loadGrants().then(clearProblem, failed));
  every(current, 30_000, () => loadWebhooks().catch(failed));
  every(current, 5_000, sampleChecks);
  every(current, 15_000, refreshTimes);
}

function every(current, millis, task) {
  const timer = setInterval(() => (current() ? task() : clearInterval(timer)), millis);
}

// ---- grants ----

async function loadGrants() {
  const { items, complete } = await allPages('/v1/grants', 'grants');
  state.grants = new Map(items.map((grant) => [grant.id, grant]));
  state.grantsComplete = complete;
  items.forEach(rememberSiteNames);
  if (state.selected == null || !state.grants.has(state.selected)) {
    state.selected = sortedGrants()[0]?.id ?? null;
    renderDetail();
  }
  renderGrants();
}

function rememberSiteNames(grant) {
  for (const site of grant.sites ?? []) {
    state.siteNames.set(site.cloudId, site.name);
  }
}

function sortedGrants() {
  const rank = (grant) => STATUSES.indexOf(grant.status);
  return [...state.grants.values()].sort((a, b) => rank(a) - rank(b) || grantTitle(a).localeCompare(grantTitle(b)) || a.id - b.id);
}

function matches(grant) {
  if (state.status && grant.status !== state.status) {
    return false;
  }
  const words = state.search.toLowerCase().split(/\s+/).filter(Boolean);
  const text = [grant.id, grant.label, grant.externalId, grant.status, grant.lastError,
    ...(grant.sites ?? []).flatMap((site) => [site.name, site.url, site.cloudId, ...site.scopes])]
    .filter(Boolean).join(' ').toLowerCase();
  return words.every((word) => text.includes(word));
}

function renderGrants() {
  const all = sortedGrants();
  const shown = all.filter(matches);
  renderSummary(all);
  renderStatusFilter(all);
  charts.status?.(all);
  $('#grant-count').textContent = `${shown.length} of ${all.length}${state.grantsComplete ? '' : '+'}`;
  const list = $('#grant-list');
  list.replaceChildren(...shown.map((grant) => h('li', {},
    h('button', {
      class: `grant-row${grant.id === state.selected ? ' selected' : ''}`,
      'data-grant-id': grant.id,
      'aria-current': grant.id === state.selected ? 'true' : null,
      onclick: () => select(grant.id),
    },
    h('span', { class: `dot status-${grant.status.toLowerCase()}` }),
    h('span', { class: 'grant-main' },
      h('span', { class: 'grant-title' }, grantTitle(grant)),
      h('span', { class: 'grant-sub' }, [
        `#${grant.id}`,
        grant.externalId && grant.label ? grant.externalId : null,
        `${grant.sites.length} site${grant.sites.length === 1 ? '' : 's'}`,
      ].filter(Boolean).join(' · '))),
    h('span', { class: 'grant-side' }, statusBadge(grant.status), h('span', { class: 'grant-checked' }, ago(grant.lastCheckedAt)))))));
  if (shown.length === 0) {
    list.append(h('li', { class: 'empty' }, all.length ? 'No grant matches.' : 'No grants yet. Register one with POST /v1/grants.'));
  }
}

function renderSummary(grants) {
  const unhealthy = grants.filter((grant) => grant.status !== 'HEALTHY' && grant.status !== 'PENDING').length;
  $('#summary').replaceChildren(
    h('span', { class: 'summary-total' }, `${grants.length} grant${grants.length === 1 ? '' : 's'}`),
    unhealthy
      ? h('span', { class: 'summary-bad' }, `${unhealthy} need${unhealthy === 1 ? 's' : ''} attention`)
      : h('span', { class: 'summary-good' }, grants.length ? 'all healthy' : ''));
}

function renderStatusFilter(grants) {
  const chip = (status, label, count) => h('button', {
    class: `chip${state.status === status ? ' active' : ''}${status ? ` chip-${status.toLowerCase()}` : ''}`,
    onclick: () => {
      state.status = status;
      renderGrants();
    },
  }, label, h('span', { class: 'chip-count' }, count));
  $('#status-filter').replaceChildren(
    chip(null, 'All', grants.length),
    ...STATUSES.map((status) => [status, grants.filter((grant) => grant.status === status).length])
      .filter(([status, count]) => count > 0 || state.status === status)
      .map(([status, count]) => chip(status, STATUS_LABELS[status], count)));
}

$('#search').addEventListener('input', (input) => {
  state.search = input.target.value;
  renderGrants();
});

function select(id) {
  state.selected = id;
  renderGrants();
  renderDetail();
}

/** Grants touched by new events are read again, each at most once per burst. */
const pendingGrantReads = new Set();
function refreshGrantSoon(id) {
  if (pendingGrantReads.has(id)) {
    return;
  }
  pendingGrantReads.add(id);
  setTimeout(async () => {
    pendingGrantReads.delete(id);
    const wasSelected = id === state.selected;
    try {
      const grant = await request(`/v1/grants/${id}`);
      state.grants.set(id, grant);
      rememberSiteNames(grant);
    } catch (error) {
      if (!(error instanceof HttpError && error.status === 404)) {
        failed(error);
        return;
      }
      state.grants.delete(id); // deleted: no longer monitored
      if (id === state.selected) {
        state.selected = sortedGrants()[0]?.id ?? null;
      }
    }
    renderGrants();
    if (wasSelected) {
      renderDetail();
    }
  }, 250);
}

// ---- one grant ----

let detailRequest = 0;

async function renderDetail() {
  const id = state.selected;
  const panel = $('#detail');
  if (id == null) {
    panel.replaceChildren(h('p', { class: 'empty' }, 'Choose a grant to see its sites and history.'));
    return;
  }
  const ticket = ++detailRequest;
  let grant;
  let snapshots;
  let events;
  try {
    [grant, snapshots, events] = await Promise.all([
      request(`/v1/grants/${id}`),
      request(`/v1/grants/${id}/snapshots?limit=100`).then((body) => body.snapshots),
      allPages(`/v1/events?grantId=${id}`, 'events').then((pages) => pages.items),
    ]);
  } catch (error) {
    failed(error);
    return;
  }
  if (ticket !== detailRequest) {
    return; // another grant was chosen meanwhile
  }
  state.grants.set(id, grant);
  rememberSiteNames(grant);
  events.forEach(rememberEventSite);
  panel.replaceChildren(
    detailHead(grant),
    newestSite(grant, events),
    h('h3', {}, 'Sites and scopes now'),
    sitesNow(grant, events),
    h('h3', {}, 'Sites over time'),
    presence(snapshots),
    h('h3', {}, 'Timeline'),
    timeline(snapshots, events));
}

function detailHead(grant) {
  const fact = (name, value) => (value == null || value === '' ? null : h('div', {}, h('dt', {}, name), h('dd', {}, value)));
  return h('div', { class: 'detail-head' },
    h('div', { class: 'detail-title' }, h('h2', {}, grantTitle(grant)), statusBadge(grant.status)),
    grant.stale
      ? h('p', { class: 'notice' }, `These are the last known sites, confirmed ${ago(grant.sitesConfirmedAt)}: the grant cannot be checked right now.`)
      : null,
    grant.lastError && grant.status !== 'HEALTHY' ? h('p', { class: 'notice notice-bad' }, `Last error: ${grant.lastError}`) : null,
    h('dl', { class: 'facts' },
      fact('Grant', `#${grant.id}`),
      fact('External id', grant.externalId),
      fact('Account', grant.accountId),
      fact('Connected', grant.connectedAt ? timeAgo(grant.connectedAt) : null),
      fact('Last checked', grant.lastCheckedAt ? timeAgo(grant.lastCheckedAt) : 'never'),
      fact('Last changed', grant.lastChangedAt ? timeAgo(grant.lastChangedAt) : null),
      fact('Access token', grant.accessTokenExpiresAt ? h('span', {}, 'expires ', timeAgo(grant.accessTokenExpiresAt)) : null),
      fact('Refresh token', grant.hasRefreshToken ? 'yes' : 'no'),
      fact('Failures in a row', grant.consecutiveFailures || null)));
}

/** When each site was last granted, from the grant's site.granted events. */
function grantedAt(events) {
  const times = new Map();
  for (const event of events) {
    if (event.type === 'site.granted') {
      times.set(event.cloudId, event);
    }
  }
  return times;
}

/**
 * The site authorised last: accessible-resources lists sites in no order, so only the events can
 * tell. Sites granted by the same check share their time, which the card says.
 */
function newestSite(grant, events) {
  // After the consent flow, grant.connected names the sites that consent added: no guessing needed.
  const connected = events.filter((event) => event.type === 'grant.connected').at(-1);
  const added = connected ? grant.sites.filter((site) => (connected.data.newSites ?? []).includes(site.cloudId)) : [];
  if (added.length > 0) {
    return h('div', { class: 'newest-site', 'data-cloud-id': added[0].cloudId },
      h('span', { class: 'newest-label' }, 'Added by the last consent'),
      added.map((site) => [h('span', { class: 'newest-name' }, site.name),
        h('a', { href: site.url, target: '_blank', rel: 'noopener noreferrer' }, site.url)]).flat(),
      h('span', { class: 'newest-time' }, 'connected ', timeAgo(connected.time)));
  }
  const granted = grantedAt(events);
  const candidates = grant.sites.filter((site) => granted.has(site.cloudId));
  if (candidates.length === 0) {
    return null;
  }
  const newest = candidates.reduce((a, b) => (granted.get(a.cloudId).id > granted.get(b.cloudId).id ? a : b));
  const time = granted.get(newest.cloudId).time;
  const together = candidates.filter((site) => site !== newest && granted.get(site.cloudId).time === time).length;
  return h('div', { class: 'newest-site', 'data-cloud-id': newest.cloudId },
    h('span', { class: 'newest-label' }, 'Most recently authorised site'),
    h('span', { class: 'newest-name' }, newest.name),
    h('a', { href: newest.url, target: '_blank', rel: 'noopener noreferrer' }, newest.url),
    h('span', { class: 'newest-time' }, 'authorised ', timeAgo(time),
      together ? ` · in the same check as ${together} other site${together === 1 ? '' : 's'}` : ''));
}

function sitesNow(grant, events) {
  const granted = grantedAt(events);
  const current = new Set(grant.sites.map((site) => site.cloudId));
  const gone = new Map();
  for (const event of events) {
    if (event.type === 'site.revoked' && !current.has(event.cloudId)) {
      gone.set(event.cloudId, event);
    } else if (event.type === 'site.granted') {
      gone.delete(event.cloudId);
    }
  }
  const byName = (a, b) => a.name.localeCompare(b.name);
  const cards = [...grant.sites].sort(byName).map((site) => h('article', { class: `site${grant.stale ? ' stale' : ''}`, 'data-cloud-id': site.cloudId },
    h('header', {},
      h('span', { class: 'site-name' }, site.name),
      h('span', { class: 'tag tag-granted' }, grant.stale ? 'last known' : 'granted')),
    h('a', { class: 'site-url', href: site.url, target: '_blank', rel: 'noopener noreferrer' }, site.url),
    h('div', { class: 'site-meta' }, `cloudId ${site.cloudId}`,
      granted.has(site.cloudId) ? [' · authorised ', timeAgo(granted.get(site.cloudId).time)] : null),
    h('div', { class: 'scopes' }, site.scopes.map((scope) => scopeChip(scope))),
    apiUrls(site)));
  const revoked = [...gone.values()].reverse().map((event) => h('article', { class: 'site revoked', 'data-cloud-id': event.cloudId },
    h('header', {},
      h('span', { class: 'site-name' }, event.data.name ?? event.cloudId),
      h('span', { class: 'tag tag-revoked' }, 'revoked')),
    h('span', { class: 'site-url' }, event.data.url ?? ''),
    h('div', { class: 'site-meta' }, 'revoked ', timeAgo(event.time), event.data.reason ? ` · ${event.data.reason.replaceAll('_', ' ')}` : ''),
    h('div', { class: 'scopes' }, (event.data.scopes ?? []).map((scope) => scopeChip(scope, 'removed')))));
  if (cards.length + revoked.length === 0) {
    return h('p', { class: 'empty' }, grant.status === 'PENDING' ? 'Not checked yet.' : 'This grant reaches no site.');
  }
  return h('div', { class: 'sites' }, cards, revoked);
}

/** The base URLs of the product APIs the site's scopes reach. */
function apiUrls(site) {
  const entries = Object.entries(site.apiUrls ?? {});
  if (entries.length === 0) {
    return null;
  }
  return h('dl', { class: 'api-urls' }, entries.flatMap(([product, url]) => [h('dt', {}, product), h('dd', {}, h('code', {}, url))]));
}

/** One lane per site ever seen, with a bar wherever a snapshot held it: the states at a glance. */
function presence(snapshots) {
  if (snapshots.length === 0) {
    return h('p', { class: 'empty' }, 'No state recorded yet.');
  }
  const states = [...snapshots].reverse(); // oldest first
  const start = Date.parse(states[0].firstSeenAt);
  const end = Math.max(Date.now(), start + 1000);
  const lanes = new Map();
  states.forEach((snapshot, index) => {
    const from = Date.parse(snapshot.firstSeenAt);
    const to = index + 1 < states.length ? Date.parse(states[index + 1].firstSeenAt) : end;
    for (const site of snapshot.sites) {
      const lane = lanes.get(site.cloudId) ?? { name: site.name, segments: [] };
      lane.name = site.name;
      const previous = lane.segments.at(-1);
      if (previous && previous.to === from && previous.scopes.join() === site.scopes.join()) {
        previous.to = to; // another site changed, not this one
      } else {
        lane.segments.push({ from, to, scopes: site.scopes });
      }
      lanes.set(site.cloudId, lane);
    }
  });
  const percent = (time) => `${((time - start) / (end - start)) * 100}%`;
  const rows = [...lanes.entries()].map(([cloudId, lane]) => {
    const track = h('div', { class: 'lane-track' });
    lane.segments.forEach((segment, index) => {
      const changed = index > 0 && segment.scopes.join() !== lane.segments[index - 1].scopes.join();
      const bar = h('div', {
        class: `lane-bar${changed ? ' scopes-changed' : ''}`,
        title: `${absolute(new Date(segment.from).toISOString())} – ${segment.to === end ? 'now' : absolute(new Date(segment.to).toISOString())}\n${segment.scopes.join(', ')}`,
      });
      bar.style.left = percent(segment.from);
      bar.style.width = `max(3px, ${((segment.to - segment.from) / (end - start)) * 100}%)`;
      track.append(bar);
    });
    const present = lane.segments.at(-1).to === end;
    return h('div', { class: `lane${present ? '' : ' lane-gone'}`, 'data-cloud-id': cloudId },
      h('span', { class: 'lane-name', title: cloudId }, lane.name), track);
  });
  return h('div', { class: 'presence' }, rows,
    h('div', { class: 'lane-axis' }, h('span', {}, absolute(states[0].firstSeenAt)), h('span', {}, 'now')),
    h('div', { class: 'lane-legend' },
      h('span', { class: 'key key-granted' }), 'granted',
      h('span', { class: 'key key-changed' }), 'granted, scopes changed',
      h('span', { class: 'key key-absent' }), 'not granted'));
}

/** Events and states, newest first: what changed, and what the grant could reach after. */
function timeline(snapshots, events) {
  const items = [
    ...events.map((event) => ({ time: Date.parse(event.time), order: 1, event })),
    ...snapshots.map((snapshot, index) => ({ time: Date.parse(snapshot.firstSeenAt), order: 0, snapshot, number: snapshots.length - index })),
  ].sort((a, b) => b.time - a.time || a.order - b.order || (b.event?.id ?? 0) - (a.event?.id ?? 0));
  if (items.length === 0) {
    return h('p', { class: 'empty' }, 'Nothing has happened yet.');
  }
  return h('ol', { class: 'timeline' }, items.slice(0, 300).map((item) => (item.event ? timelineEvent(item.event) : timelineState(item))));
}

function timelineEvent(event) {
  const { title, details } = describe(event, siteName);
  return h('li', { class: `tl tl-${eventKind(event.type)}`, 'data-type': event.type, 'data-cloud-id': event.cloudId },
    h('span', { class: 'tl-time', title: absolute(event.time) }, absolute(event.time)),
    h('div', { class: 'tl-body' },
      h('div', { class: 'tl-title' }, title, h('code', { class: 'tl-type' }, event.type)),
      details.length ? h('div', { class: 'scopes' }, details) : null));
}

function timelineState({ snapshot, number }) {
  const scopes = new Set(snapshot.sites.flatMap((site) => site.scopes)).size;
  return h('li', { class: 'tl tl-state' },
    h('span', { class: 'tl-time', title: absolute(snapshot.firstSeenAt) }, absolute(snapshot.firstSeenAt)),
    h('div', { class: 'tl-body' },
      h('div', { class: 'tl-title' }, `State ${number}: ${snapshot.sites.length} site${snapshot.sites.length === 1 ? '' : 's'}, ${scopes} scope${scopes === 1 ? '' : 's'}`),
      h('div', { class: 'tl-note' },
        snapshot.sites.map((site) => site.name).join(', ') || 'no site',
        ` · last seen ${ago(snapshot.lastSeenAt)}`)));
}

// ---- the event feed ----

function siteName(cloudId) {
  return cloudId ? state.siteNames.get(cloudId) : undefined;
}

function rememberEventSite(event) {
  if (event.cloudId && event.data?.name) {
    state.siteNames.set(event.cloudId, event.data.name);
  }
}

async function loadRecentEvents() {
  const newest = await newestEventId();
  const after = Math.max(0, newest - RECENT_EVENTS);
  const body = await request(`/v1/events?after=${after}&limit=${RECENT_EVENTS}`);
  state.cursor = Number(body.nextCursor);
  state.events = [];
  $('#event-stream').replaceChildren();
  addEvents(body.events);
}

/** Long-polls the feed for as long as this run lasts; one request open at a time. */
async function follow(current) {
  let pause = 1000;
  while (current()) {
    try {
      const body = await request(`/v1/events?after=${state.cursor}&limit=500&wait=PT25S`);
      if (!current()) {
        return; // the key was asked for again meanwhile, and a new run reads from here
      }
      setLive(true);
      pause = 1000;
      state.cursor = Number(body.nextCursor);
      if (body.events.length) {
        addEvents(body.events);
        new Set(body.events.map((event) => event.grantId)).forEach(refreshGrantSoon);
        sampleChecks(); // a change came from a check: show it in the chart now, not at the next sample

      }
    } catch (error) {
      if (error instanceof Unauthorized) {
        failed(error);
        return;
      }
      setLive(false);
      await new Promise((resume) => setTimeout(resume, pause));
      pause = Math.min(pause * 2, 30_000);
    }
  }
}

function setLive(live) {
  const badge = $('#live');
  badge.textContent = live ? 'live' : 'reconnecting…';
  badge.className = `live ${live ? 'live-on' : 'live-off'}`;
}

function addEvents(events) {
  events.forEach(rememberEventSite);
  state.events.push(...events);
  state.events.splice(0, Math.max(0, state.events.length - RECENT_EVENTS));
  const stream = $('#event-stream');
  stream.querySelector('.empty')?.remove();
  for (const event of events.slice(-STREAM_ROWS)) {
    stream.prepend(streamRow(event));
  }
  while (stream.children.length > STREAM_ROWS) {
    stream.lastElementChild.remove();
  }
  if (stream.children.length === 0) {
    stream.append(h('li', { class: 'empty' }, 'No events yet. They appear here as they happen.'));
  }
  charts.events?.(state.events);
}

function streamRow(event) {
  const { title, details } = describe(event, siteName);
  const grant = state.grants.get(event.grantId);
  return h('li', { class: `ev ev-${eventKind(event.type)}`, 'data-type': event.type, 'data-grant-id': event.grantId, 'data-cloud-id': event.cloudId },
    h('div', { class: 'ev-head' },
      h('span', { class: 'ev-title' }, title),
      h('time', { class: 'ev-time', datetime: event.time, title: absolute(event.time) }, ago(event.time))),
    h('div', { class: 'ev-meta' },
      h('button', { class: 'link', onclick: () => select(event.grantId) }, grant ? grantTitle(grant) : `Grant ${event.grantId}`),
      h('code', {}, event.type)),
    details.length ? h('div', { class: 'scopes compact' }, details) : null);
}

function refreshTimes() {
  for (const time of document.querySelectorAll('time[datetime]')) {
    time.textContent = ago(time.getAttribute('datetime'));
  }
  renderGrants();
  charts.events?.(state.events);
}

// ---- checks per minute ----

async function sampleChecks() {
  try {
    charts.checks(await checkCounters());
    $('#checks-note').textContent = 'since this page opened';
  } catch (error) {
    $('#checks-note').textContent = `metrics unavailable (${error.message})`;
  }
}

// ---- webhooks ----

async function loadWebhooks() {
  let webhooks;
  try {
    webhooks = (await request('/v1/webhooks')).webhooks ?? [];
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) {
      webhooks = []; // this daemon has no webhooks yet
    } else {
      throw error;
    }
  }
  const panel = $('#webhooks');
  if (webhooks.length === 0) {
    panel.replaceChildren(h('p', { class: 'empty' }, 'No webhooks.'));
    return;
  }
  const failing = webhooks.filter((hook) => hook.failing).length;
  panel.replaceChildren(
    h('p', { class: failing ? 'hook-summary bad' : 'hook-summary good' },
      failing ? `${failing} of ${webhooks.length} failing` : `${webhooks.length} delivering`),
    h('ul', { class: 'hooks' }, webhooks.map((hook) => h('li', { class: `hook${hook.failing ? ' failing' : ''}`, 'data-webhook-id': hook.id },
      h('div', { class: 'hook-head' },
        h('span', { class: `dot ${hook.failing ? 'status-revoked' : 'status-healthy'}` }),
        h('span', { class: 'hook-url', title: hook.url }, hook.url),
        h('span', { class: `tag ${hook.failing ? 'tag-revoked' : 'tag-granted'}` }, hook.failing ? 'failing' : 'ok')),
      h('div', { class: 'hook-meta' }, hookFacts(hook))))));
}

/** Whatever delivery facts the daemon gives; the list's shape beyond id, url and failing may grow. */
function hookFacts(hook) {
  const facts = [];
  facts.push(hook.types?.length ? hook.types.join(', ') : 'all events');
  if (hook.grantIds?.length) facts.push(`grants ${hook.grantIds.join(', ')}`);
  for (const [field, label] of [['consecutiveFailures', 'failures in a row'], ['pending', 'pending'], ['lastStatus', 'last status']]) {
    if (hook[field] != null) facts.push(`${label} ${hook[field]}`);
  }
  for (const [field, label] of [['lastSuccessAt', 'last delivered'], ['lastDeliveryAt', 'last delivery'], ['lastFailureAt', 'last failure']]) {
    if (hook[field]) facts.push(`${label} ${ago(hook[field])}`);
  }
  if (hook.lastError) facts.push(hook.lastError);
  return facts.join(' · ');
}

start();
