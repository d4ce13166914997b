// The three charts, drawn by Chart.js (the global `Chart`, loaded from the jar's webjar).
import { STATUSES, STATUS_COLOURS, STATUS_LABELS, clockTime, eventKind } from './format.js';

const MINUTE = 60_000;
const KIND_COLOURS = { gained: '#16a34a', lost: '#dc2626', changed: '#2563eb', warning: '#d97706' };
const KIND_LABELS = { gained: 'granted / restored', lost: 'revoked', changed: 'scopes or site changed', warning: 'status warnings' };

function setDefaults() {
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 11;
  Chart.defaults.color = '#64748b';
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 10;
  Chart.defaults.plugins.legend.labels.boxHeight = 10;
}

function barOptions(yTitle) {
  return {
    scales: {
      x: { stacked: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
      y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: yTitle }, grid: { color: '#eef2f7' } },
    },
    plugins: { legend: { position: 'bottom' } },
  };
}

/** Grants by status: a doughnut, unhealthy slices first. */
export function statusChart(canvas) {
  const chart = new Chart(canvas, {
    type: 'doughnut',
    data: { labels: [], datasets: [{ data: [], backgroundColor: [], borderWidth: 2, borderColor: '#fff' }] },
    options: { cutout: '62%', plugins: { legend: { position: 'right' } } },
  });
  return (grants) => {
    const present = STATUSES.filter((status) => grants.some((grant) => grant.status === status));
    chart.data.labels = present.map((status) => STATUS_LABELS[status]);
    chart.data.datasets[0].data = present.map((status) => grants.filter((grant) => grant.status === status).length);
    chart.data.datasets[0].backgroundColor = present.map((status) => STATUS_COLOURS[status]);
    chart.update();
  };
}

/**
 * Checks per minute by outcome, from the daemon's counters. Counters only say "so many so far", so
 * the chart starts when the page opens and each sample adds its increase to the minute it fell in.
 */
export function checksChart(canvas, minutes = 30) {
  const series = [
    { label: 'valid', outcomes: ['valid'], colour: '#16a34a' },
    { label: 'transient failure', outcomes: ['transient'], colour: '#d97706' },
    { label: 'token refused', outcomes: ['token_expired', 'revoked'], colour: '#dc2626' },
  ];
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels: [], datasets: series.map((one) => ({ label: one.label, data: [], backgroundColor: one.colour, borderRadius: 3 })) },
    options: barOptions('checks'),
  });
  const perMinute = new Map(); // minute start -> counts by outcome
  let previous = null;
  return (counters) => {
    const minute = Math.floor(Date.now() / MINUTE) * MINUTE;
    if (previous != null) {
      const bucket = perMinute.get(minute) ?? {};
      for (const [outcome, total] of Object.entries(counters)) {
        const increase = total - (previous[outcome] ?? 0);
        // A counter that went down means the daemon restarted: its whole value is new.
        bucket[outcome] = (bucket[outcome] ?? 0) + (increase >= 0 ? increase : total);
      }
      perMinute.set(minute, bucket);
    }
    previous = counters;
    const slots = Array.from({ length: minutes }, (_, index) => minute - (minutes - 1 - index) * MINUTE);
    chart.data.labels = slots.map(clockTime);
    series.forEach((one, index) => {
      chart.data.datasets[index].data = slots.map((slot) => {
        const bucket = perMinute.get(slot);
        return bucket ? one.outcomes.reduce((sum, outcome) => sum + (bucket[outcome] ?? 0), 0) : 0;
      });
    });
    for (const slot of perMinute.keys()) {
      if (slot < slots[0]) perMinute.delete(slot);
    }
    chart.update();
  };
}

/** Events over time, stacked by kind, in minutes, hours or days as the span needs. */
export function eventsChart(canvas, bars = 30) {
  const kinds = Object.keys(KIND_COLOURS);
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels: [], datasets: kinds.map((kind) => ({ label: KIND_LABELS[kind], data: [], backgroundColor: KIND_COLOURS[kind], borderRadius: 3 })) },
    options: barOptions('events'),
  });
  return (events) => {
    const now = Date.now();
    const oldest = events.length ? Date.parse(events[0].time) : now;
    const span = now - oldest;
    const size = span <= bars * MINUTE ? MINUTE : span <= bars * 60 * MINUTE ? 60 * MINUTE : 24 * 60 * MINUTE;
    const last = Math.floor(now / size) * size;
    const first = last - (bars - 1) * size;
    const counts = kinds.map(() => new Array(bars).fill(0));
    for (const event of events) {
      const index = Math.floor((Date.parse(event.time) - first) / size);
      if (index >= 0 && index < bars) {
        counts[kinds.indexOf(eventKind(event.type))][index]++;
      }
    }
    chart.data.labels = counts[0].map((_, index) => {
      const start = new Date(first + index * size);
      return size < 24 * 60 * MINUTE ? clockTime(start) : `${start.getMonth() + 1}/${start.getDate()}`;
    });
    kinds.forEach((_, index) => (chart.data.datasets[index].data = counts[index]));
    chart.update();
  };
}

setDefaults();
