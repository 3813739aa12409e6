import {
  Bar,
  BarChart as RechartsBarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

export interface Bar {
  label: string;
  value: number;
}

/**
 * Bars of one value per label. The drawing is hidden from screen readers; the same figures follow as a table
 * that only they read, so nothing is shown in the chart alone. Colours come from the text colour (currentColor),
 * so the axes follow the light or dark theme.
 */
export function BarChart({
  bars,
  caption,
  labelTitle,
  valueTitle,
  format = (value) => value.toLocaleString(),
  height = '100%',
}: {
  bars: Bar[];
  caption: string;
  labelTitle: string;
  valueTitle: string;
  format?: (value: number) => string;
  height?: number | `${number}%`;
}) {
  return (
    <div className="h-full min-h-0 text-slate-600 dark:text-slate-300">
      <div aria-hidden="true" className="h-full min-h-0">
        <ResponsiveContainer width="100%" height={height} minHeight={80}>
          <RechartsBarChart
            data={bars}
            margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
            // The table below is the accessible form: the drawing takes no focus.
            accessibilityLayer={false}
          >
            <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.2} vertical={false} />
            <XAxis dataKey="label" tick={{ fill: 'currentColor', fontSize: 12 }} stroke="currentColor" />
            <YAxis
              tick={{ fill: 'currentColor', fontSize: 12 }}
              stroke="currentColor"
              width={64}
              tickFormatter={(value: number) => compact(value)}
            />
            <Tooltip
              cursor={{ fill: 'currentColor', fillOpacity: 0.08 }}
              formatter={(value) => [format(Number(value)), valueTitle]}
              contentStyle={{
                background: 'var(--chart-tooltip-bg)',
                border: '1px solid var(--chart-tooltip-border)',
              }}
              wrapperClassName="[--chart-tooltip-bg:white] [--chart-tooltip-border:#cbd5e1] dark:[--chart-tooltip-bg:#1e293b] dark:[--chart-tooltip-border:#475569]"
            />
            <Bar dataKey="value" fill="#6366f1" isAnimationActive={false} />
          </RechartsBarChart>
        </ResponsiveContainer>
      </div>
      <table className="sr-only">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{labelTitle}</th>
            <th scope="col">{valueTitle}</th>
          </tr>
        </thead>
        <tbody>
          {bars.map((bar) => (
            <tr key={bar.label}>
              <th scope="row">{bar.label}</th>
              <td>{format(bar.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function compact(value: number): string {
  return new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}
