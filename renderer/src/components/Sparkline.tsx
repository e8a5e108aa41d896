import { memo } from 'react';
import { sparkPoints } from '../lib/spark';

export const Sparkline = memo(function Sparkline({
  values,
  label,
  color = 'var(--accent)',
}: {
  values: readonly number[];
  label: string;
  color?: string;
}) {
  const points = sparkPoints(values, 180, 28);
  return (
    <svg className="spark" viewBox="0 0 180 28" preserveAspectRatio="none" role="img" aria-label={label}>
      {points && <polyline points={points} fill="none" style={{ stroke: color }} strokeWidth={1.5} vectorEffect="non-scaling-stroke" />}
    </svg>
  );
});
