// Alert rules over metrics samples. Pure logic plus the small state it needs
// (breach streaks, active alerts, bounded history): the control plane feeds
// it one sample at a time and forwards what it returns as events.
import type { Alert, AlertKind, AlertSeverity, AlertsView, MetricsSample } from '../../../common/contract';
import type { AlertThresholds } from '../../../common/schemas';

export interface WorkerAge {
  id: string;
  ageMs: number;
}

export interface AlertCheck {
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  value: number;
  threshold: number;
  breach: boolean; // over the threshold: counts toward raising
  clear: boolean; // back past the threshold by the hysteresis margin
  hold?: boolean; // no figure to judge and work still out: neither raises, clears nor breaks a streak
  message: string;
  workerId?: string;
  hostId?: string;
}

type Check = AlertCheck;

export interface AlertChanges {
  raised: Alert[];
  cleared: Alert[];
}

const HOUR = 3_600_000;
const r1 = (v: number) => Math.round(v * 10) / 10;

/** Checks for "value above threshold is bad" (error rate, latency, queue fill, age). */
function above(value: number, threshold: number, hysteresisPct: number) {
  return { breach: value > threshold, clear: value <= threshold * (1 - hysteresisPct / 100) };
}

/** Checks for "value below threshold is bad" (available workers). */
function below(value: number, threshold: number, hysteresisPct: number) {
  return { breach: value < threshold, clear: value >= threshold * (1 + hysteresisPct / 100) };
}

/** Messages finished in the sample's interval; older samples without the field: the per-worker sum. */
function intervalMessages(s: MetricsSample): number {
  return s.messages ?? s.workers.reduce((n, w) => n + w.messages, 0);
}

/**
 * A null rate: no message settled in the interval, so the rate is unknown. With messages still in
 * flight (slow ones) nothing is known to have improved: the check holds. With none in flight the
 * pool is idle and nothing is failing: the alert clears, as the latency alert does.
 */
function unknownRate(s: MetricsSample): Pick<Check, 'breach' | 'clear' | 'hold'> {
  return s.inFlight > 0 ? { breach: false, clear: false, hold: true } : { breach: false, clear: true };
}

function rejectionCheck(s: MetricsSample, messages: number, t: AlertThresholds): Check {
  const pct = (s.rejectionRate ?? 0) * 100;
  const rej = above(pct, t.rejectionRatePct, t.hysteresisPct);
  const refused = s.outcomes?.rejected ?? 0;
  return {
    id: 'rejectionRate',
    kind: 'rejectionRate',
    severity: 'warning',
    value: r1(pct),
    threshold: t.rejectionRatePct,
    breach: rej.breach && messages >= t.rejectionRateMinMessages,
    clear: rej.clear,
    ...(s.rejectionRate === null ? unknownRate(s) : {}),
    message: `Rejection rate ${r1(pct)} % is above ${t.rejectionRatePct} % (${refused} of ${messages} messages refused in the interval)`,
  };
}

export function checksFor(s: MetricsSample, ages: readonly WorkerAge[], t: AlertThresholds): Check[] {
  const h = t.hysteresisPct;
  const checks: Check[] = [];
  if (t.noHealthyWorkers) {
    const bad = s.healthy <= 0;
    checks.push({
      id: 'noHealthyWorkers',
      kind: 'noHealthyWorkers',
      severity: 'critical',
      value: s.healthy,
      threshold: 0,
      breach: bad,
      clear: !bad,
      message: `No healthy workers (${s.total} total)`,
    });
  }
  const errPct = (s.errorRate ?? 0) * 100;
  const messages = intervalMessages(s);
  const err = above(errPct, t.errorRatePct, h);
  checks.push({
    id: 'errorRate',
    kind: 'errorRate',
    severity: 'critical',
    value: r1(errPct),
    threshold: t.errorRatePct,
    // 1 failure out of 1 message is 100 %: too few messages in the interval cannot raise it (clearing still works)
    breach: err.breach && messages >= t.errorRateMinMessages,
    clear: err.clear,
    ...(s.errorRate === null ? unknownRate(s) : {}),
    message: `Error rate ${r1(errPct)} % is above ${t.errorRatePct} % (${messages} messages in the interval)`,
  });
  checks.push(rejectionCheck(s, messages, t));
  // Latency is null when no message was answered in the engine's recent window: no traffic,
  // nothing to judge, so it neither raises nor holds the alert. Older samples: idle means the same.
  const latency = s.avgLatencyMs ?? 0;
  const idle = s.avgLatencyMs === null || (s.messages === 0 && s.inFlight === 0);
  const lat = idle ? { breach: false, clear: true } : above(latency, t.avgResponseTimeMs, h);
  checks.push({
    id: 'avgResponseTime',
    kind: 'avgResponseTime',
    severity: 'critical',
    value: r1(latency),
    threshold: t.avgResponseTimeMs,
    ...lat,
    message: `Average response time ${r1(latency)} ms is above ${t.avgResponseTimeMs} ms`,
  });
  if (s.total > 0) {
    // Available = ready and healthy, busy or idle, out of every worker that exists (starting,
    // draining and restarting ones included). A saturated pool's workers are all busy, not
    // unavailable: that is the queue and rejection alerts' business.
    const pct = (s.healthy / s.total) * 100;
    checks.push({
      id: 'availableWorkers',
      kind: 'availableWorkers',
      severity: 'warning',
      value: r1(pct),
      threshold: t.availableWorkersPct,
      ...below(pct, t.availableWorkersPct, h),
      message: `Only ${s.healthy} of ${s.total} workers available (${r1(pct)} % < ${t.availableWorkersPct} %)`,
    });
  }
  if (s.queueCapacity > 0) {
    const pct = (s.queueDepth / s.queueCapacity) * 100;
    checks.push({
      id: 'queueFill',
      kind: 'queueFill',
      severity: 'warning',
      value: r1(pct),
      threshold: t.queueFillPct,
      ...above(pct, t.queueFillPct, h),
      message: `Message queue ${r1(pct)} % full (${s.queueDepth}/${s.queueCapacity}), above ${t.queueFillPct} %`,
    });
  }
  for (const w of ages) {
    const hours = w.ageMs / HOUR;
    checks.push({
      id: `workerAge:${w.id}`,
      kind: 'workerAge',
      severity: 'warning',
      value: Math.round(hours * 100) / 100,
      threshold: t.workerAgeHours,
      ...above(hours, t.workerAgeHours, h),
      workerId: w.id,
      message: `Worker ${w.id} is ${r1(hours)} h old (limit ${t.workerAgeHours} h)`,
    });
  }
  return checks;
}

export class AlertEngine {
  private readonly active = new Map<string, Alert>();
  private readonly streaks = new Map<string, number>();
  private history: Alert[] = []; // newest first

  constructor(
    private thresholds: AlertThresholds,
    private readonly historyLimit = 500,
  ) {}

  setThresholds(t: AlertThresholds): void {
    this.thresholds = t;
  }

  /** `extra`: rules from outside the pool sample (cluster hosts), judged with the same streak and hysteresis. */
  evaluate(sample: MetricsSample, ages: readonly WorkerAge[], now: number, extra: readonly AlertCheck[] = []): AlertChanges {
    const changes: AlertChanges = { raised: [], cleared: [] };
    const seen = new Set<string>();
    for (const c of [...checksFor(sample, ages, this.thresholds), ...extra]) {
      seen.add(c.id);
      if (c.hold) continue; // an unknown figure says nothing: the alert, its figures and its streak stay as they are
      const current = this.active.get(c.id);
      if (current) {
        // The figures move while the alert is up (the pool scales, the rate changes): show today's.
        current.value = c.value;
        current.message = c.message;
        if (c.clear) changes.cleared.push(this.clear(current, now));
        continue;
      }
      const streak = c.breach ? (this.streaks.get(c.id) ?? 0) + 1 : 0;
      if (streak === 0) this.streaks.delete(c.id);
      else this.streaks.set(c.id, streak);
      if (streak >= this.thresholds.raiseAfterSamples) changes.raised.push(this.raise(c, now));
    }
    // A rule that no longer applies (worker gone, rule switched off) clears its alert.
    for (const [id, alert] of this.active) if (!seen.has(id)) changes.cleared.push(this.clear(alert, now));
    for (const id of this.streaks.keys()) if (!seen.has(id)) this.streaks.delete(id);
    return changes;
  }

  view(): AlertsView {
    return {
      active: [...this.active.values()].map((a) => ({ ...a })),
      history: this.history.map((a) => ({ ...a })),
      thresholds: { ...this.thresholds },
    };
  }

  private raise(c: Check, now: number): Alert {
    this.streaks.delete(c.id);
    const alert: Alert = { id: c.id, kind: c.kind, severity: c.severity, message: c.message, value: c.value, threshold: c.threshold, raisedAt: now };
    if (c.workerId) alert.workerId = c.workerId;
    if (c.hostId) alert.hostId = c.hostId;
    this.active.set(c.id, alert);
    this.history.unshift(alert); // same object: clearing it stamps clearedAt in the history too
    if (this.history.length > this.historyLimit) this.history.length = this.historyLimit;
    return { ...alert };
  }

  private clear(alert: Alert, now: number): Alert {
    alert.clearedAt = now;
    this.active.delete(alert.id);
    return { ...alert };
  }
}
