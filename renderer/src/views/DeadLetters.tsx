// The Hosts view's dead-letter panel (cluster mode, docs/cluster.md): read on mount and on
// Refresh, since the contract has a getDeadLetters call but no dead-letter event to follow.
import { useEffect, useState } from 'react';
import type { DeadLetter } from '../../../common/contract';
import { ActionsHeader, StatusNote } from '../components/StatusNote';
import { formatTime } from '../lib/format';
import { api, errorText } from '../state/api';

/** Messages that used up max_deliver; requeue puts one back under a new id. */
export function DeadLetters() {
  const [letters, setLetters] = useState<DeadLetter[] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const load = async () => {
    try {
      setLetters(await api().getDeadLetters({}));
    } catch (err) {
      setNote(`Dead letters could not be read: ${errorText(err)}`);
    }
  };
  useEffect(() => void load(), []);
  const requeue = async (seq: number) => {
    try {
      const r = await api().requeueDeadLetter({ seq });
      setNote(`Requeued as ${r.messageId}.`);
      await load();
    } catch (err) {
      setNote(`Requeue failed: ${errorText(err)}`);
    }
  };
  return (
    <div className="panel stack" data-testid="dead-letters">
      <div className="row">
        <h3>Dead letters</h3>
        <button className="btn small" onClick={() => void load()}>
          Refresh
        </button>
        <StatusNote note={note} />
      </div>
      {letters?.length === 0 && <div className="muted">None: no message has used up its deliveries.</div>}
      {!!letters?.length && (
        <table>
          <thead>
            <tr>
              <th>Time</th>
              <th>Message</th>
              <th className="num">Deliveries</th>
              <th>Payload</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {letters.map((d) => (
              <tr key={d.seq} data-testid="dead-letter-row">
                <td>{formatTime(d.time)}</td>
                <td className="mono">{d.messageId}</td>
                <td className="num">{d.deliveries}</td>
                <td className="mono">{d.data.slice(0, 120)}</td>
                <td className="sticky-end">
                  <button className="btn small" onClick={() => void requeue(d.seq)} aria-label={`Requeue dead letter ${d.messageId}`}>
                    Requeue
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
