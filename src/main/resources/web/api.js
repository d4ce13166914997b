// Talks to grantwatch's /v1 API with the API key the user typed in. The key lives only in this
// browser's storage and in the Authorization header; it is never written into the page.

const KEY_NAME = 'grantwatch.apiKey';

export class Unauthorized extends Error {
  constructor() {
    super('the API key was refused');
  }
}

export class HttpError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
  }
}

let apiKey = sessionStorage.getItem(KEY_NAME) ?? localStorage.getItem(KEY_NAME);

export function hasKey() {
  return apiKey != null;
}

export function useKey(key, remember) {
  apiKey = key;
  sessionStorage.setItem(KEY_NAME, key);
  if (remember) {
    localStorage.setItem(KEY_NAME, key);
  }
}

export function forgetKey() {
  apiKey = null;
  sessionStorage.removeItem(KEY_NAME);
  localStorage.removeItem(KEY_NAME);
}

/** GET (or another method) on the API; the parsed JSON answer, or an Unauthorized / HttpError. */
export async function request(path, method = 'GET') {
  const headers = { Accept: 'application/json' };
  if (apiKey != null) {
    headers.Authorization = `Bearer ${apiKey}`;
  }
  const response = await fetch(path, { method, headers, cache: 'no-store' });
  if (response.status === 401) {
    throw new Unauthorized();
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new HttpError(response.status, body);
  }
  return body;
}

/** Every page of a list answer, up to maxPages pages of 1000. */
export async function allPages(path, field, maxPages = 10) {
  const items = [];
  let after = null;
  for (let page = 0; page < maxPages; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const body = await request(`${path}${separator}limit=1000${after == null ? '' : `&after=${after}`}`);
    items.push(...body[field]);
    after = body.nextCursor;
    if (after == null || body[field].length < 1000) {
      return { items, complete: true };
    }
  }
  return { items, complete: false };
}

async function eventsExistAfter(cursor) {
  const body = await request(`/v1/events?after=${cursor}&limit=1`);
  return body.events.length > 0;
}

/**
 * The id of the newest event, 0 when there is none. The feed reads oldest first and has no query
 * for its end, so this finds it by doubling and then halving the cursor: about 2·log2(id) small reads.
 */
export async function newestEventId() {
  if (!(await eventsExistAfter(0))) {
    return 0;
  }
  let below = 0; // events exist after it
  let atOrAbove = 1; // none exist after it
  while (await eventsExistAfter(atOrAbove)) {
    below = atOrAbove;
    atOrAbove *= 2;
  }
  while (atOrAbove - below > 1) {
    const middle = Math.floor((below + atOrAbove) / 2);
    if (await eventsExistAfter(middle)) {
      below = middle;
    } else {
      atOrAbove = middle;
    }
  }
  return atOrAbove;
}

/** grantwatch's own counters from /metrics, summed per label value: {checks: {valid: 12, ...}}. */
export async function checkCounters() {
  const response = await fetch('/metrics', { cache: 'no-store' });
  if (!response.ok) {
    throw new HttpError(response.status, null);
  }
  const counts = {};
  const line = /^grantwatch_checks_total\{[^}]*outcome="([^"]+)"[^}]*\}\s+(\S+)/;
  for (const text of (await response.text()).split('\n')) {
    const match = line.exec(text);
    if (match) {
      counts[match[1]] = (counts[match[1]] ?? 0) + Number(match[2]);
    }
  }
  return counts;
}
