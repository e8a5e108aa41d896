import type { Alert } from '../../../common/contract';
import { formatDuration, formatTime } from '../lib/format';

export function AlertList({ alerts, empty, testId, past }: { alerts: readonly Alert[]; empty: string; testId: string; past?: boolean }) {
  if (!alerts.length)
    return (
      <div className="muted" data-testid={`${testId}-empty`}>
        {empty}
      </div>
    );
  return (
    <ul className="alerts-list" data-testid={testId} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {alerts.map((a) => (
        <li key={`${a.id}@${a.raisedAt}`} className={`alert ${a.severity}`} data-testid="alert" data-kind={a.kind} data-severity={a.severity}>
          <span className="sev">{a.severity}</span>
          <span className="msg">{a.message}</span>
          <span className="muted mono">
            {past && a.clearedAt
              ? `${formatTime(a.raisedAt)} → ${formatTime(a.clearedAt)} (${formatDuration(a.clearedAt - a.raisedAt)})`
              : `since ${formatTime(a.raisedAt)}`}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The active alerts on one worker or host, as small badges beside its name (Workers and Hosts tables). */
export function AlertBadges({ alerts, testId }: { alerts: readonly Alert[]; testId: string }) {
  return (
    <>
      {alerts.map((a) => (
        <span key={a.id} className={`badge ${a.severity === 'critical' ? 'crit' : 'warnb'}`} title={a.message} data-testid={testId}>
          {a.kind}
        </span>
      ))}
    </>
  );
}
