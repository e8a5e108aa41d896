import { useEffect, useRef, useState } from 'react';
import type { Alert } from '../../../common/contract';
import { useAlerts } from '../state/alerts';

/**
 * Screen-reader announcements for alerts raised and cleared, on whatever view
 * is open. The live regions are always in the DOM (a region inserted together
 * with its text is often not read), and only their text changes. Critical
 * alerts interrupt (assertive); warnings and clears wait their turn (polite).
 */
export function AlertAnnouncer() {
  const active = useAlerts((s) => s.active);
  const seen = useRef<Map<string, Alert> | null>(null);
  const [urgent, setUrgent] = useState('');
  const [polite, setPolite] = useState('');
  useEffect(() => {
    const now = new Map(active.map((a) => [`${a.id}@${a.raisedAt}`, a]));
    const before = seen.current;
    seen.current = now;
    if (!before) return; // the alerts already active at start are on screen, not news
    const raised = [...now].filter(([k]) => !before.has(k)).map(([, a]) => a);
    const cleared = [...before].filter(([k]) => !now.has(k)).map(([, a]) => a);
    const crit = raised.filter((a) => a.severity === 'critical');
    if (crit.length) setUrgent(crit.map((a) => `Critical alert: ${a.message}`).join('. '));
    const rest = [
      ...raised.filter((a) => a.severity !== 'critical').map((a) => `Warning: ${a.message}`),
      ...cleared.map((a) => `Alert cleared: ${a.message}`),
    ];
    if (rest.length) setPolite(rest.join('. '));
  }, [active]);
  return (
    <>
      <div className="sr-only" aria-live="assertive" aria-atomic="true" data-testid="announce-urgent">
        {urgent}
      </div>
      <div className="sr-only" aria-live="polite" aria-atomic="true" data-testid="announce-polite">
        {polite}
      </div>
    </>
  );
}
