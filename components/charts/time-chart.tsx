'use client';
// Time series chart (recharts): one or more series over a shared time axis, themed for light and dark.

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { fmtClock, fmtCompact, fmtRate, fmtTime } from '@/components/format';

export interface Series {
  key: string;
  label: string;
  color: string;
}

export function TimeChart({ data, series, height = 240, valueFormat = fmtRate, empty = 'No data points yet' }: {
  /** Rows of { ts, [series.key]: value }. */
  data: Array<Record<string, number>>;
  series: Series[];
  height?: number;
  valueFormat?: (n: number) => string;
  empty?: string;
}) {
  const span = data.length ? data[data.length - 1]!.ts! - data[0]!.ts! : 0;
  // seconds matter on a short window; days on a long one
  const tick = (t: number) => (span < 10 * 60_000 ? fmtClock(t) : span < 86400_000 ? fmtClock(t).slice(0, 5) : fmtTime(t).slice(5, 16));
  if (data.length === 0) {
    return (
      <div style={{ height }} className="flex items-center justify-center text-sm text-zinc-500">
        {empty}
      </div>
    );
  }
  return (
    <div style={{ height }} className="w-full">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <defs>
            {series.map((s) => (
              <linearGradient key={s.key} id={`fill-${s.key}`} x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" stopColor={s.color} stopOpacity={0.25} />
                <stop offset="100%" stopColor={s.color} stopOpacity={0.02} />
              </linearGradient>
            ))}
          </defs>
          <CartesianGrid strokeDasharray="3 3" stroke="#e4e4e7" vertical={false} />
          <XAxis
            dataKey="ts"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={tick}
            stroke="#a1a1aa"
            tickLine={false}
            minTickGap={48}
          />
          <YAxis tickFormatter={(v: number) => fmtCompact(v)} stroke="#a1a1aa" tickLine={false} axisLine={false} width={44} allowDecimals={false} />
          <Tooltip
            labelFormatter={(t) => fmtTime(Number(t))}
            formatter={(v, name) => [valueFormat(Number(v)), String(name)]}
          />
          {series.length > 1 && <Legend iconType="plainline" wrapperStyle={{ fontSize: 12 }} />}
          {series.map((s) => (
            <Area
              key={s.key}
              type="monotone"
              dataKey={s.key}
              name={s.label}
              stroke={s.color}
              strokeWidth={2}
              fill={`url(#fill-${s.key})`}
              isAnimationActive={false}
              dot={false}
              connectNulls
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Joins series of {ts, value} points into chart rows keyed by series name. */
export function joinSeries(series: Record<string, Array<{ ts: number; value: number }>>): Array<Record<string, number>> {
  const rows = new Map<number, Record<string, number>>();
  for (const [key, points] of Object.entries(series)) {
    for (const p of points) {
      const row = rows.get(p.ts) ?? { ts: p.ts };
      row[key] = p.value;
      rows.set(p.ts, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.ts! - b.ts!);
}
