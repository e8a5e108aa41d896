// Every setting the operator can edit, with its unit and a one-line help.
// Validation is NOT here: values are checked with the shared zod schema.
// Pool fields are derived from the option table; alerts and sampling are listed here.
import { OPTION_GROUPS, POOL_OPTION_ENTRIES, STRATEGY_TABLE, boundsHint, type OptionSpec } from '../../../common/pool-options-table';

export type Section = 'pool' | 'alerts' | 'sampling';
export type FieldKind = 'int' | 'number' | 'bool' | 'enum' | 'string' | 'list';

export interface FieldOption {
  value: string;
  label: string;
  description?: string;
}

export interface FieldMeta {
  section: Section;
  key: string;
  label: string;
  kind: FieldKind;
  unit?: string;
  help: string;
  options?: readonly FieldOption[];
  optional?: boolean; // empty input means "not set"
  group?: string;
}

const KIND: Record<OptionSpec['type'], FieldKind> = { int: 'int', bool: 'bool', strategy: 'enum', text: 'string', list: 'list', env: 'string' };
const STRATEGY_OPTIONS: readonly FieldOption[] = STRATEGY_TABLE.map((s) => ({ value: s.name, label: s.label, description: s.description }));

function poolField(key: string, spec: OptionSpec): FieldMeta {
  const hint = boundsHint(spec);
  return {
    section: 'pool',
    key,
    label: spec.label,
    kind: KIND[spec.type],
    help: hint ? `${spec.help} ${hint}` : spec.help,
    group: spec.group,
    ...(spec.unit && { unit: spec.unit }),
    ...(spec.type === 'strategy' && { options: STRATEGY_OPTIONS }),
    ...(!('default' in spec) && { optional: true }),
  };
}

/** The pool form: every option of the table an operator may set (common/pool-options-table.ts), by group. */
export const POOL_FIELDS: FieldMeta[] = OPTION_GROUPS.flatMap((g) =>
  POOL_OPTION_ENTRIES.filter(([, s]) => s.group === g && !s.engineOnly).map(([key, s]) => poolField(key, s)),
);

const alert = (key: string, label: string, kind: FieldKind, help: string, unit?: string): FieldMeta => ({
  section: 'alerts',
  key,
  label,
  kind,
  help,
  unit,
});

export const ALERT_FIELDS: FieldMeta[] = [
  alert('noHealthyWorkers', 'No healthy workers', 'bool', 'Critical when no worker is healthy.'),
  alert('errorRatePct', 'Error rate above', 'number', 'Critical when this share of messages fails.', '%'),
  alert('avgResponseTimeMs', 'Average response time above', 'number', 'Critical when the pool’s average latency passes this.', 'ms'),
  alert('rejectionRatePct', 'Rejection rate above', 'number', 'Warning when this share of messages is refused by a full queue.', '%'),
  alert('availableWorkersPct', 'Available workers below', 'number', 'Warning when fewer workers are ready and healthy (busy or idle).', '% of total'),
  alert('workerAgeHours', 'Worker older than', 'number', 'Warning for a worker running longer than this.', 'hours'),
  alert('queueFillPct', 'Queue fuller than', 'number', 'Warning when the pool queue fills past this.', '%'),
  alert(
    'restartsPerMinute',
    'Worker restarts per minute',
    'int',
    'Warning at this many restarts after failures within a minute; 0 = off.',
    'restarts',
  ),
  alert('crashLoop', 'Crash loop', 'bool', 'Critical while a worker fails within a second of each start.'),
  alert('poisonMessages', 'Poison messages', 'int', 'Critical at this many poison messages within 10 minutes; 0 = off.', 'messages'),
  alert('hysteresisPct', 'Hysteresis', 'number', 'An alert clears once the value is back past the threshold by this share.', '%'),
  alert('raiseAfterSamples', 'Raise after', 'int', 'Consecutive samples over the threshold before raising.', 'samples'),
  alert('desktopNotifications', 'Desktop notifications', 'bool', 'Critical alerts notify the desktop (Electron only).'),
];

export const SAMPLING_FIELDS: FieldMeta[] = [
  { section: 'sampling', key: 'intervalMs', label: 'Sampling interval', kind: 'int', unit: 'ms', help: 'How often metrics are sampled (min 100).' },
  { section: 'sampling', key: 'persistIntervalMs', label: 'Persist interval', kind: 'int', unit: 'ms', help: 'How often history is saved to disk.' },
];

export const fieldPath = (f: FieldMeta) => `${f.section}.${f.key}`;
export const ALL_FIELDS = [...POOL_FIELDS, ...ALERT_FIELDS, ...SAMPLING_FIELDS];
