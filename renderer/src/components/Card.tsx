import type { ReactNode } from 'react';

export function Card(props: { label: string; value: ReactNode; sub?: ReactNode; tone?: 'crit' | 'warn'; testId?: string; children?: ReactNode }) {
  return (
    <section className={`card ${props.tone ?? ''}`} data-testid={props.testId} aria-label={props.label}>
      <div className="label">{props.label}</div>
      <div className="value" data-testid={props.testId ? `${props.testId}-value` : undefined}>
        {props.value}
      </div>
      {props.sub != null && <div className="sub">{props.sub}</div>}
      {props.children}
    </section>
  );
}

/** Fill of something bounded (queue against its capacity); tone from the alert threshold. */
export function FillBar({ ratio, warnAt, label, testId }: { ratio: number; warnAt?: number; label: string; testId?: string }) {
  const pct = Math.round(ratio * 100);
  const tone = ratio >= 1 ? 'crit' : warnAt !== undefined && ratio >= warnAt ? 'warn' : '';
  return (
    <div className={`fill ${tone}`} role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} data-testid={testId}>
      <div style={{ width: `${pct}%` }} />
    </div>
  );
}
