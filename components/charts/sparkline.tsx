// A tiny inline line chart for table rows (plain SVG: a 1,000-row page draws no chart library).

export function Sparkline({ values, width = 96, height = 24, tone = 'orange', label }: { values: number[]; width?: number; height?: number; tone?: 'orange' | 'red' | 'green' | 'zinc'; label?: string }) {
  const stroke = { orange: '#ea580c', red: '#dc2626', green: '#059669', zinc: '#a1a1aa' }[tone];
  if (values.length < 2) {
    return (
      <svg width={width} height={height} role="img" aria-label={label ?? 'no history yet'}>
        <line x1={0} x2={width} y1={height - 2} y2={height - 2} stroke="#d4d4d8" strokeDasharray="2 3" />
      </svg>
    );
  }
  const max = Math.max(...values);
  const min = Math.min(...values, 0);
  const span = max - min || 1;
  const step = width / (values.length - 1);
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - ((v - min) / span) * (height - 4)).toFixed(1)}`);
  return (
    <svg width={width} height={height} role="img" aria-label={label ?? `trend from ${values[0]} to ${values[values.length - 1]}`}>
      <polyline points={`0,${height} ${pts.join(' ')} ${width},${height}`} fill={stroke} fillOpacity={0.08} stroke="none" />
      <polyline points={pts.join(' ')} fill="none" stroke={stroke} strokeWidth={1.5} strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}
