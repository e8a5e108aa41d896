// The experiment form: text fields → an ExperimentSpec, checked with the same
// zod schema the host parses with, so an error shows at its field before anything is sent.
import { experimentSpecSchema, type ExperimentSpec, type TuningSetting } from '../../../common/contract';

export interface TuningForm {
  name: string;
  setting1: TuningSetting;
  values1: string; // "1, 2, 4"
  setting2: TuningSetting | '';
  values2: string;
  rate: string;
  sleepMs: string;
  cpuMs: string;
  failureRate: string;
  payloadBytes: string;
  warmupMs: string;
  measureMs: string;
  p99BudgetMs: string; // empty = today's p99 + 10 %
  replay: boolean; // replay the live pool's recent traffic instead of the shapes
  replayMultiple: string; // × the recorded rate
  rounds: string;
  mode: 'fixed' | 'capacity';
  factor: string; // capacity: each level's rate × this
  levels: string; // capacity: at most this many rates
}

export const DEFAULT_TUNING_FORM: TuningForm = {
  name: '',
  setting1: 'workers',
  values1: '1, 2, 4',
  setting2: '',
  values2: '',
  rate: '500',
  sleepMs: '10',
  cpuMs: '0',
  failureRate: '0',
  payloadBytes: '0',
  warmupMs: '1000',
  measureMs: '3000',
  p99BudgetMs: '',
  replay: false,
  replayMultiple: '1',
  rounds: '2',
  mode: 'fixed',
  factor: '1.5',
  levels: '5',
};

/** "1, 2, 4" → [1, 2, 4]; strategy names stay text. */
export function parseValues(text: string, setting: TuningSetting): (number | string)[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  return setting === 'loadBalancingStrategy' ? parts : parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
}

const num = (s: string) => (s.trim() === '' ? NaN : Number(s));

export type FormCheck = { ok: true; spec: ExperimentSpec } | { ok: false; errors: Partial<Record<keyof TuningForm, string>> };

// schema paths → the form field that holds them
const FIELD_OF: Record<string, keyof TuningForm> = {
  'vary.0.values': 'values1',
  'vary.0.setting': 'setting1',
  'vary.1.values': 'values2',
  'vary.1.setting': 'setting2',
  vary: 'values1',
  'load.rate': 'rate',
  'load.sleepMs': 'sleepMs',
  'load.cpuMs': 'cpuMs',
  'load.failureRate': 'failureRate',
  'load.payloadBytes': 'payloadBytes',
  warmupMs: 'warmupMs',
  measureMs: 'measureMs',
  p99BudgetMs: 'p99BudgetMs',
  name: 'name',
  'load.replay': 'replay',
  'load.replayMultiple': 'replayMultiple',
  rounds: 'rounds',
  mode: 'mode',
  'capacity.factor': 'factor',
  'capacity.levels': 'levels',
};

export function checkTuningForm(f: TuningForm): FormCheck {
  const vary = [{ setting: f.setting1, values: parseValues(f.values1, f.setting1) }];
  if (f.setting2) vary.push({ setting: f.setting2, values: parseValues(f.values2, f.setting2) });
  const candidate = {
    ...(f.name.trim() ? { name: f.name.trim() } : {}),
    vary,
    load: {
      rate: num(f.rate),
      sleepMs: num(f.sleepMs),
      cpuMs: num(f.cpuMs),
      failureRate: num(f.failureRate),
      payloadBytes: num(f.payloadBytes),
      replay: f.replay,
      replayMultiple: num(f.replayMultiple),
    },
    warmupMs: num(f.warmupMs),
    measureMs: num(f.measureMs),
    rounds: num(f.rounds),
    mode: f.mode,
    ...(f.mode === 'capacity' ? { capacity: { factor: num(f.factor), levels: num(f.levels) } } : {}),
    ...(f.p99BudgetMs.trim() ? { p99BudgetMs: num(f.p99BudgetMs) } : {}),
  };
  const r = experimentSpecSchema.safeParse(candidate);
  if (r.success) return { ok: true, spec: r.data };
  const errors: Partial<Record<keyof TuningForm, string>> = {};
  for (const issue of r.error.issues) {
    const path = issue.path.map(String);
    // "vary.0.values.2" belongs to values1; try the longest known prefix
    let field: keyof TuningForm | undefined;
    for (let n = path.length; n > 0 && !field; n--) field = FIELD_OF[path.slice(0, n).join('.')];
    const key = field ?? 'values1';
    errors[key] ??= issue.path.length > 3 ? `value ${Number(path[3]) + 1}: ${issue.message}` : issue.message;
  }
  return { ok: false, errors };
}
