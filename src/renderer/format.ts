const integer = new Intl.NumberFormat('en-US');
const smallUsd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 4 });
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 });

export function formatCount(n: number): string {
  return integer.format(n);
}

/** Per-request costs are often fractions of a cent, so small amounts keep four significant digits. */
export function formatUsd(cost: number): string {
  if (cost === 0) return '$0';
  return Math.abs(cost) < 1 ? smallUsd.format(cost) : usd.format(cost);
}

/** An unknown cost is written "unknown", never $0 (UI.md). */
export function formatCost(cost: number | null): string {
  return cost === null ? 'cost unknown' : formatUsd(cost);
}

/** USD per token (a decimal string from the gateway) as USD per million tokens. */
export function formatPerMillion(perToken: string | null): string {
  if (perToken === null) return 'price unknown';
  const perMillion = Number(perToken) * 1_000_000;
  return perMillion === 0 ? 'free' : `$${Number(perMillion.toPrecision(3))}/M`;
}

export function formatContext(tokens: number | null): string {
  if (tokens === null) return '';
  return tokens >= 1000 ? `${Math.round(tokens / 1000)}k ctx` : `${tokens} ctx`;
}

export function formatLatency(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

// Made once: toLocaleTimeString with options builds a new formatter per call, which was most of
// the Activity log's scrolling time (bench/dashboard-rows.ts).
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const monthDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** Time of day for today's requests, date and time for older ones. */
export function formatTimestamp(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const time = timeOfDay.format(at);
  if (at.toDateString() === now.toDateString()) return time;
  return `${monthDay.format(at)} ${time}`;
}

export function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
