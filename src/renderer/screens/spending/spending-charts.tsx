import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SpendingDay } from '../../../shared/control/spending.js';
import { formatUsd } from '../../format.js';

const AXIS = { fontSize: 11, fill: 'var(--text-muted)' };
const TOOLTIP_STYLE = { background: 'var(--surface-raised)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' };

function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

function compactCount(n: number): string {
  return n >= 1_000_000 ? `${Number((n / 1_000_000).toPrecision(3))}M` : n >= 1000 ? `${Number((n / 1000).toPrecision(3))}k` : String(n);
}

/** One bar group per day of the range; the children are the series. */
function DayBars({ days, formatValue, children }: { days: SpendingDay[]; formatValue(value: number): string; children: ReactNode }) {
  return (
    <ResponsiveContainer width="100%" height={220}>
      <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis dataKey="day" tickFormatter={shortDay} tick={AXIS} stroke="var(--border)" minTickGap={16} />
        <YAxis tickFormatter={formatValue} tick={AXIS} stroke="var(--border)" width={64} />
        <Tooltip
          contentStyle={TOOLTIP_STYLE}
          cursor={{ fill: 'var(--muted-bg)' }}
          labelFormatter={(day) => shortDay(String(day))}
          formatter={(value, name) => [formatValue(Number(value)), name]}
        />
        {children}
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Spend per day (USD as the server summed it). */
export function SpendChart({ days }: { days: SpendingDay[] }) {
  return (
    <DayBars days={days} formatValue={formatUsd}>
      <Bar dataKey="costUsd" name="Spend" fill="var(--accent)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
    </DayBars>
  );
}

/** Prompt and completion tokens per day, stacked. */
export function TokensChart({ days }: { days: SpendingDay[] }) {
  return (
    <DayBars days={days} formatValue={compactCount}>
      <Legend wrapperStyle={{ fontSize: 12 }} />
      <Bar dataKey="promptTokens" name="Prompt tokens" stackId="tokens" fill="var(--accent)" isAnimationActive={false} />
      <Bar dataKey="completionTokens" name="Completion tokens" stackId="tokens" fill="var(--chart-2)" isAnimationActive={false} />
    </DayBars>
  );
}
