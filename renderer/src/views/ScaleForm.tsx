import { useEffect, useState, type FormEvent } from 'react';
import { POOL_OPTION_TABLE } from '../../../common/pool-options-table';
import { issuesByPath } from '../lib/configDraft';
import { api, errorText } from '../state/api';
import { useConfig } from '../state/config';

const intOrNaN = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s) : NaN);
// The bounds come from the option table, like the API's own check of scale().
const { minWorkers: MIN, maxWorkers: MAX } = POOL_OPTION_TABLE;
const outside = (n: number, b: { min: number; max: number }) => !(n >= b.min && n <= b.max);

/** Scale min/max; checked here with the option table's bounds before sending. */
export function ScaleForm() {
  const pool = useConfig((s) => s.config?.pool);
  const [min, setMin] = useState('');
  const [max, setMax] = useState('');
  const [err, setErr] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState<string | null>(null);
  useEffect(() => {
    if (pool) {
      setMin(String(pool.minWorkers));
      setMax(String(pool.maxWorkers));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reset the fields only when these two values change, not on any config edit
  }, [pool?.minWorkers, pool?.maxWorkers]);
  const check = (): Record<string, string> => {
    const e: Record<string, string> = {};
    const lo = intOrNaN(min);
    const hi = intOrNaN(max);
    if (outside(lo, MIN)) e.min = `Whole number ${MIN.min}–${MIN.max}`;
    if (outside(hi, MAX)) e.max = `Whole number ${MAX.min}–${MAX.max}`;
    if (!e.min && !e.max && lo > hi) e.min = 'Must not exceed max';
    return e;
  };
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const e = check();
    setErr(e);
    setMsg(null);
    if (Object.keys(e).length) return;
    try {
      await api().scale({ minWorkers: intOrNaN(min), maxWorkers: intOrNaN(max) });
      setMsg('Scaled.');
    } catch (error) {
      const by = issuesByPath((error as { issues?: [] }).issues);
      setErr({ min: by['pool.minWorkers'] ?? by.minWorkers ?? '', max: by['pool.maxWorkers'] ?? by.maxWorkers ?? '' });
      setMsg(errorText(error));
    }
  };
  return (
    <form className="row" onSubmit={(e) => void submit(e)} aria-label="Scale the pool" data-testid="scale-form">
      <label htmlFor="scale-min">Min</label>
      <input
        id="scale-min"
        data-testid="scale-min"
        size={3}
        value={min}
        aria-invalid={!!err.min || undefined}
        aria-describedby={err.min ? 'scale-error' : undefined}
        onChange={(e) => setMin(e.target.value)}
      />
      <label htmlFor="scale-max">Max</label>
      <input
        id="scale-max"
        data-testid="scale-max"
        size={3}
        value={max}
        aria-invalid={!!err.max || undefined}
        aria-describedby={err.max ? 'scale-error' : undefined}
        onChange={(e) => setMax(e.target.value)}
      />
      <button className="btn" type="submit" data-testid="scale-apply">
        Scale
      </button>
      {(err.min || err.max) && (
        <span className="error-text" role="alert" id="scale-error" data-testid="scale-error">
          {[err.min && `min: ${err.min}`, err.max && `max: ${err.max}`].filter(Boolean).join(' · ')}
        </span>
      )}
      {msg && !err.min && !err.max && (
        <span className="muted" role="status">
          {msg}
        </span>
      )}
    </form>
  );
}
