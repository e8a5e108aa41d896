// What the pool checks before a message is queued: a refusal here is one message, counted
// as rejected, that no worker ever saw.
import { errors, type PoolError } from '../errors';
import { badExecuteOption } from '../options';
import type { ExecuteOptions, ProcessMessage } from '../types';

export interface AdmissionState {
  running: boolean;
  closing: boolean;
  /** restartOnFailure is off, the pool had workers, and none is alive: nothing will take the message. */
  deadForGood: boolean;
}

/** Why a message is refused before it is queued (pool not running, bad message or options), or undefined. */
export function refusalOf(message: ProcessMessage, opts: ExecuteOptions | undefined, state: AdmissionState): PoolError | undefined {
  if (!state.running) {
    return state.closing ? errors.poolClosed() : errors.notConnected('Pool is not started; call start() first', false);
  }
  if (message === null || typeof message !== 'object' || message.type !== 'agent.process') {
    return errors.invalidOption('message', `must be { type: 'agent.process', data }`);
  }
  if (opts !== undefined) {
    const bad = badExecuteOption(opts);
    if (bad) return errors.invalidOption(bad[0], bad[1]);
  }
  if (state.deadForGood) return errors.notConnected('No worker is running and restartOnFailure is off; call restart()', false);
  return undefined;
}
