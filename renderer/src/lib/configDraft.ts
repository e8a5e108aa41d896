// The configuration form's draft: raw input per field → typed patch → the
// shared zod schema over the merged whole. Field errors come from the same
// schema the server uses, so the form and the server never disagree.
import { appConfigSchema, type AppConfig, type ConfigPatch } from '../../../common/schemas';
import type { ConfigIssue } from '../../../common/contract';
import { fieldPath, type FieldMeta } from './configFields';

export type DraftValue = string | boolean;
export type Draft = Record<string, DraftValue>;

export interface DraftCheck {
  patch: ConfigPatch; // only the fields that differ from the current config
  changed: string[]; // their paths
  errors: Record<string, string>; // path → first message
  valid: boolean;
}

const sectionOf = (config: AppConfig, f: FieldMeta) => config[f.section] as Record<string, unknown>;

export function draftFromConfig(config: AppConfig, fields: readonly FieldMeta[]): Draft {
  const d: Draft = {};
  for (const f of fields) {
    const v = sectionOf(config, f)[f.key];
    if (f.kind === 'bool') d[fieldPath(f)] = Boolean(v);
    else if (f.kind === 'list') d[fieldPath(f)] = Array.isArray(v) ? v.join(', ') : '';
    else d[fieldPath(f)] = v == null ? '' : String(v);
  }
  return d;
}

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

export function parseField(f: FieldMeta, raw: DraftValue | undefined): Parsed {
  if (f.kind === 'bool') return { ok: true, value: Boolean(raw) };
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (f.kind === 'list') {
    const items = text
      .split(/[,\n]/)
      .map((s) => s.trim())
      .filter(Boolean);
    return { ok: true, value: items.length || !f.optional ? items : undefined };
  }
  if (text === '') return f.optional ? { ok: true, value: undefined } : { ok: false, message: 'Required' };
  if (f.kind === 'int' || f.kind === 'number') {
    // Number('') and Number('1e3') are accepted by JS; the form wants plain decimals
    if (!/^-?\d+(\.\d+)?$/.test(text)) return { ok: false, message: 'Must be a number' };
    const n = Number(text);
    if (f.kind === 'int' && !Number.isInteger(n)) return { ok: false, message: 'Must be a whole number' };
    return { ok: true, value: n };
  }
  return { ok: true, value: text };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function checkDraft(config: AppConfig, draft: Draft, fields: readonly FieldMeta[]): DraftCheck {
  const errors: Record<string, string> = {};
  const patch: Record<string, Record<string, unknown>> = {};
  const changed: string[] = [];
  const merged = structuredClone(config) as unknown as Record<string, Record<string, unknown>>;
  for (const f of fields) {
    const path = fieldPath(f);
    const p = parseField(f, draft[path]);
    if (!p.ok) {
      errors[path] = p.message;
      continue;
    }
    if (same(p.value, sectionOf(config, f)[f.key])) continue;
    (patch[f.section] ??= {})[f.key] = p.value;
    changed.push(path);
    if (p.value === undefined) delete merged[f.section]![f.key];
    else merged[f.section]![f.key] = p.value;
  }
  const r = appConfigSchema.safeParse(merged);
  if (!r.success) {
    for (const i of r.error.issues) {
      const path = i.path.map(String).join('.');
      errors[path] ??= plainMessage(i);
    }
  }
  return { patch: patch as ConfigPatch, changed, errors, valid: Object.keys(errors).length === 0 };
}

/** Server issues (ApiErrorShape.issues / ConfigPreview.issues) keyed by field path. */
export function issuesByPath(issues: readonly ConfigIssue[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues ?? []) out[i.path] ??= i.message;
  return out;
}

type SchemaIssue = { code: string; message: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean };

/** zod's range messages ("Too big: expected number to be <=64") in the operator's words; custom messages stay. */
export function plainMessage(i: SchemaIssue): string {
  if (i.code === 'too_big' && typeof i.maximum === 'number')
    return i.inclusive === false ? `Must be below ${i.maximum}` : `Must be at most ${i.maximum}`;
  if (i.code === 'too_small' && typeof i.minimum === 'number')
    return i.inclusive === false ? `Must be above ${i.minimum}` : `Must be at least ${i.minimum}`;
  return i.message;
}
