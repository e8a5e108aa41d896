// Configuration: the server's config, the operator's draft, inline checks
// with the shared schema, the server's preview, and apply. Nothing is sent
// while the draft has an error.
import { create } from 'zustand';
import type { ConfigPreview, ConfigUpdateResult } from '../../../common/contract';
import type { AppConfig, ConfigPatch } from '../../../common/schemas';
import { checkDraft, draftFromConfig, issuesByPath, type Draft, type DraftCheck, type DraftValue } from '../lib/configDraft';
import { ALL_FIELDS, type Section } from '../lib/configFields';
import { api, errorText } from './api';
import { useAlerts } from './alerts';

interface ConfigState {
  config: AppConfig | null;
  draft: Draft;
  check: DraftCheck;
  serverErrors: Record<string, string>;
  preview: ConfigPreview | null;
  previewSection: Section | null; // the form the preview belongs to
  busy: boolean;
  error: string | null;
  lastResult: ConfigUpdateResult | null;
  setConfig(c: AppConfig): void;
  setField(path: string, v: DraftValue): void;
  reset(): void;
  previewChanges(section?: Section): Promise<void>;
  apply(section?: Section): Promise<boolean>;
}

const emptyCheck: DraftCheck = { patch: {}, changed: [], errors: {}, valid: true };

/** Only the part of a check that belongs to one form (pool, alerts, sampling). */
export function sectionCheck(check: DraftCheck, section?: Section): DraftCheck {
  if (!section) return check;
  const inSection = (p: string) => p.startsWith(`${section}.`);
  const errors = Object.fromEntries(Object.entries(check.errors).filter(([p]) => inSection(p)));
  const patch: ConfigPatch = check.patch[section] ? { [section]: check.patch[section] } : {};
  return { patch, changed: check.changed.filter(inSection), errors, valid: Object.keys(errors).length === 0 };
}

export const useConfig = create<ConfigState>()((set, get) => ({
  config: null,
  draft: {},
  check: emptyCheck,
  serverErrors: {},
  preview: null,
  previewSection: null,
  busy: false,
  error: null,
  lastResult: null,
  setConfig: (config) => {
    const { draft, check } = get();
    // keep the operator's unsaved edits; otherwise follow the server
    const keep = get().config !== null && check.changed.length > 0;
    const next = keep ? draft : draftFromConfig(config, ALL_FIELDS);
    set({ config, draft: next, check: checkDraft(config, next, ALL_FIELDS) });
    useAlerts.getState().setThresholds(config.alerts);
  },
  setField: (path, v) => {
    const { config, draft, serverErrors } = get();
    if (!config) return;
    const next = { ...draft, [path]: v };
    const rest = { ...serverErrors };
    delete rest[path];
    set({ draft: next, check: checkDraft(config, next, ALL_FIELDS), serverErrors: rest, preview: null });
  },
  reset: () => {
    const config = get().config;
    if (!config) return;
    const draft = draftFromConfig(config, ALL_FIELDS);
    set({ draft, check: checkDraft(config, draft, ALL_FIELDS), serverErrors: {}, preview: null, error: null });
  },
  previewChanges: async (section) => {
    const c = sectionCheck(get().check, section);
    if (!c.valid || !c.changed.length) return;
    set({ busy: true, error: null });
    try {
      const preview = await api().previewConfig({ patch: c.patch });
      set({ preview, previewSection: section ?? null, busy: false, serverErrors: issuesByPath(preview.issues) });
    } catch (err) {
      set({ busy: false, error: errorText(err), serverErrors: issuesByPath((err as { issues?: [] }).issues) });
    }
  },
  apply: async (section) => {
    const c = sectionCheck(get().check, section);
    if (!c.valid || !c.changed.length) return false;
    set({ busy: true, error: null });
    try {
      const result = await api().updateConfig({ patch: c.patch });
      // this section now mirrors the server; fields of other sections keep their edits
      const fresh = draftFromConfig(result.config, ALL_FIELDS);
      const mine = Object.entries(fresh).filter(([p]) => !section || p.startsWith(`${section}.`));
      const draft = { ...get().draft, ...Object.fromEntries(mine) };
      set({ lastResult: result, preview: null, busy: false, serverErrors: {} });
      set({ config: result.config, draft, check: checkDraft(result.config, draft, ALL_FIELDS) });
      useAlerts.getState().setThresholds(result.config.alerts);
      return true;
    } catch (err) {
      set({ busy: false, error: errorText(err), serverErrors: issuesByPath((err as { issues?: [] }).issues) });
      return false;
    }
  },
}));
