// Small pure helpers: building DOM without innerHTML, times, statuses, and what an event says.

/** An element with attributes and children; text is always set as text, never parsed as HTML. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value == null || value === false) {
      continue;
    }
    if (name === 'onclick') {
      element.addEventListener('click', value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child != null && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

/** Unhealthy first: the order the grant list uses. */
export const STATUSES = ['REVOKED', 'TOKEN_EXPIRED', 'DEGRADED', 'PENDING', 'HEALTHY'];

export const STATUS_LABELS = {
  REVOKED: 'Revoked',
  TOKEN_EXPIRED: 'Token expired',
  DEGRADED: 'Degraded',
  PENDING: 'Pending',
  HEALTHY: 'Healthy',
};

/** The same colours as the CSS variables --revoked, --expired, ... for the charts. */
export const STATUS_COLOURS = {
  REVOKED: '#dc2626',
  TOKEN_EXPIRED: '#7c3aed',
  DEGRADED: '#d97706',
  PENDING: '#94a3b8',
  HEALTHY: '#16a34a',
};

export function statusBadge(status) {
  return h('span', { class: `badge status-${status.toLowerCase()}` }, STATUS_LABELS[status] ?? status);
}

export function grantTitle(grant) {
  return grant.label || grant.externalId || `Grant ${grant.id}`;
}

export function absolute(iso) {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  const pad = (number) => String(number).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} `
    + `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export function clockTime(millis) {
  const date = new Date(millis);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

export function ago(iso) {
  if (!iso) {
    return 'never';
  }
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 0) {
    return `in ${until(-seconds)}`;
  }
  if (seconds < 10) {
    return 'just now';
  }
  return `${until(seconds)} ago`;
}

function until(seconds) {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

/** A <time> showing "5 min ago", with the exact time on hover. */
export function timeAgo(iso) {
  return h('time', { datetime: iso, title: absolute(iso) }, ago(iso));
}

/** The event kinds the charts and colours group by. */
export function eventKind(type) {
  switch (type) {
    case 'site.granted':
    case 'grant.restored':
    case 'grant.recovered':
    case 'grant.connected':
      return 'gained';
    case 'site.revoked':
    case 'grant.revoked':
      return 'lost';
    case 'site.scopes_changed':
    case 'site.updated':
      return 'changed';
    default:
      return 'warning';
  }
}

export function scopeChip(scope, change) {
  return h('span', { class: `scope${change ? ` scope-${change}` : ''}` }, `${change === 'added' ? '+ ' : change === 'removed' ? '− ' : ''}${scope}`);
}

/**
 * What an event says, for the stream and the timeline: a title and the details below it.
 * siteName(cloudId) names a site from what the page has seen, since some events carry only the id.
 */
export function describe(event, siteName) {
  const data = event.data ?? {};
  const site = data.name ?? siteName(event.cloudId) ?? event.cloudId;
  switch (event.type) {
    case 'site.granted':
      return { title: `${site} granted`, details: (data.scopes ?? []).map((scope) => scopeChip(scope, 'added')) };
    case 'site.revoked':
      return { title: `${site} revoked`, details: [reason(data.reason), ...(data.scopes ?? []).map((scope) => scopeChip(scope, 'removed'))] };
    case 'site.scopes_changed':
      return {
        title: `Scopes changed on ${site}`,
        details: [
          ...(data.scopesAdded ?? []).map((scope) => scopeChip(scope, 'added')),
          ...(data.scopesRemoved ?? []).map((scope) => scopeChip(scope, 'removed')),
        ],
      };
    case 'site.updated':
      return {
        title: `${siteName(event.cloudId) ?? event.cloudId} updated`,
        details: Object.entries(data)
          .filter(([field, value]) => field !== 'cloudId' && value && typeof value === 'object')
          .map(([field, value]) => h('span', { class: 'change' }, `${field}: ${value.before ?? '—'} → ${value.after ?? '—'}`)),
      };
    case 'grant.revoked':
      return { title: 'Grant revoked', details: [reason(data.reason)] };
    case 'grant.restored':
      return { title: 'Grant works again', details: [] };
    case 'grant.degraded':
      return { title: 'Checks failing', details: [reason(data.reason)] };
    case 'grant.recovered':
      return { title: 'Checks work again', details: [] };
    case 'grant.token_expired':
      return { title: 'Token expired; it cannot be refreshed', details: [] };
    case 'grant.expiring':
      return { title: 'Refresh token expires soon', details: [data.expiresAt ? `on ${absolute(data.expiresAt)}` : null] };
    case 'grant.connected':
      return {
        title: data.reconnected ? 'Connected again' : 'Connected',
        details: [
          data.accountId ? `account ${data.accountId}` : null,
          ...(data.newSites ?? []).map((cloudId) => scopeChip(siteName(cloudId) ?? cloudId, 'added')),
        ],
      };
    default:
      return { title: event.type, details: [] };
  }
}

function reason(text) {
  return text ? h('span', { class: 'reason' }, text.replaceAll('_', ' ')) : null;
}
