/**
 * The attack timeline, drawn by hand as SVG: requests per bucket (hour, or day for long
 * alerts) as bars and distinct accounts per bucket as a line, on one shared scale (accounts ≤
 * requests, so the gap between them reads as "the same people read again"). Buckets missing
 * from the data stay empty and break the line; a long series still draws, one thin bar each.
 */
import type { TimelinePoint } from './api-types.js';
import { h, s } from './dom.js';
import { fmtNum, fmtTime, toMs } from './format.js';
import { DAY, HOUR, niceMax, xTicks } from './scale.js';

const W = 760;
const H = 240;
const M = { top: 14, right: 16, bottom: 40, left: 56 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

/** The time bucket of a timeline: the server sends hours, or days for long alerts. */
export type Bucket = 'hour' | 'day';

/** Builds the chart as a `<figure>` with caption, legend and the numbers as a table. */
export function timelineChart(points: readonly TimelinePoint[], bucket: Bucket = 'hour'): HTMLElement {
  const step = bucket === 'day' ? DAY : HOUR;
  const caption = `Requests and distinct accounts per ${bucket}`;
  const when = (t: number): string => (bucket === 'day' ? new Date(t).toISOString().slice(0, 10) : fmtTime(t));
  const pts = points
    .map((p) => ({ t: toMs(p.hour), requests: p.requests, accounts: p.accounts }))
    .filter((p) => Number.isFinite(p.t))
    .sort((a, b) => a.t - b.t);
  const first = pts[0];
  const last = pts[pts.length - 1];
  if (first === undefined || last === undefined) {
    return h('figure', { class: 'timeline' }, h('figcaption', {}, caption), h('p', { class: 'muted' }, 'No activity recorded for this alert.'));
  }
  const from = first.t;
  const to = last.t + step;
  const yMax = niceMax(Math.max(...pts.map((p) => Math.max(p.requests, p.accounts))));
  const x = (t: number): number => M.left + ((t - from) / (to - from)) * PW;
  const y = (v: number): number => M.top + PH - (v / yMax) * PH;
  const bw = PW / ((to - from) / step);

  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = yMax * f;
    return s('g', { class: 'tick' },
      s('line', { x1: M.left, x2: W - M.right, y1: y(v), y2: y(v) }),
      s('text', { x: M.left - 8, y: y(v), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, fmtNum(v)));
  });
  const ticks = xTicks(from, to).map((tk) => s('g', { class: 'tick' },
    s('line', { x1: x(tk.at), x2: x(tk.at), y1: M.top + PH, y2: M.top + PH + 5 }),
    // The last label would overhang the right edge if centred.
    s('text', { x: x(tk.at), y: M.top + PH + 18, 'text-anchor': x(tk.at) > W - M.right - 40 ? 'end' : 'middle' }, tk.label)));
  const bars = pts.filter((p) => p.requests > 0).map((p) => s('rect', {
    class: 'bar', x: x(p.t) + Math.min(1, bw * 0.1), y: y(p.requests),
    width: Math.max(1, bw - Math.min(2, bw * 0.2)), height: Math.max(0, M.top + PH - y(p.requests)),
  }, s('title', {}, `${when(p.t)}: ${fmtNum(p.requests)} requests, ${fmtNum(p.accounts)} accounts`)));

  // The accounts line breaks across missing buckets instead of drawing a false slope.
  let d = '';
  let prev = Number.NaN;
  for (const p of pts) {
    d += `${p.t - prev === step ? 'L' : 'M'}${(x(p.t) + bw / 2).toFixed(1)},${y(p.accounts).toFixed(1)}`;
    prev = p.t;
  }
  const dots = pts.length <= 96
    ? pts.map((p) => s('circle', { class: 'dot', cx: x(p.t) + bw / 2, cy: y(p.accounts), r: 3 }))
    : [];

  const peak = pts.reduce((a, b) => (b.requests > a.requests ? b : a));
  const summary = `${caption}: ${pts.length} ${bucket}s from ${when(from)} to ${when(last.t)}; ` +
    `peak ${fmtNum(peak.requests)} requests and ${fmtNum(peak.accounts)} distinct accounts at ${when(peak.t)}.`;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': summary, class: 'chart' },
    s('g', { class: 'grid' }, grid),
    s('g', { class: 'bars' }, bars),
    s('path', { class: pts.length > 200 ? 'line dense' : 'line', d }),
    s('g', { class: 'dots' }, dots),
    s('line', { class: 'axis', x1: M.left, x2: W - M.right, y1: M.top + PH, y2: M.top + PH }),
    s('g', { class: 'xaxis' }, ticks),
    s('text', { class: 'axis-title', x: M.left + PW / 2, y: H - 4, 'text-anchor': 'middle' }, `${bucket} (UTC)`));

  return h('figure', { class: 'timeline' },
    h('figcaption', {}, caption),
    h('ul', { class: 'legend', 'aria-hidden': 'true' },
      h('li', {}, h('span', { class: 'swatch swatch-bar' }), `requests per ${bucket}`),
      h('li', {}, h('span', { class: 'swatch swatch-line' }), `distinct accounts per ${bucket}`)),
    svg,
    h('details', {},
      h('summary', {}, 'Show the numbers'),
      h('table', {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, bucket === 'day' ? 'Day (UTC)' : 'Hour (UTC)'), h('th', { scope: 'col', class: 'num' }, 'Requests'), h('th', { scope: 'col', class: 'num' }, 'Accounts'))),
        h('tbody', {}, pts.map((p) => h('tr', {}, h('td', {}, when(p.t)), h('td', { class: 'num' }, fmtNum(p.requests)), h('td', { class: 'num' }, fmtNum(p.accounts))))))));
}
