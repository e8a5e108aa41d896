// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../common/contract';
import { useAlerts } from '../state/alerts';
import { AlertAnnouncer } from './Announcer';

const alert = (over: Partial<Alert>): Alert =>
  ({
    id: 'errorRate',
    kind: 'errorRate',
    severity: 'critical',
    message: 'Error rate 40 % is above 10 %',
    raisedAt: 1000,
    value: 40,
    threshold: 10,
    ...over,
  }) as Alert;

afterEach(() => {
  cleanup();
  useAlerts.setState({ active: [], history: [] });
});

describe('AlertAnnouncer', () => {
  it('does not announce alerts already active when it mounts', () => {
    useAlerts.setState({ active: [alert({})] });
    render(<AlertAnnouncer />);
    expect(screen.getByTestId('announce-urgent').textContent).toBe('');
    expect(screen.getByTestId('announce-polite').textContent).toBe('');
  });

  it('announces a critical alert assertively, a warning and a clear politely', () => {
    render(<AlertAnnouncer />);
    act(() => useAlerts.getState().raised(alert({})));
    expect(screen.getByTestId('announce-urgent').textContent).toBe('Critical alert: Error rate 40 % is above 10 %');
    expect(screen.getByTestId('announce-urgent').getAttribute('aria-live')).toBe('assertive');

    act(() =>
      useAlerts.getState().raised(alert({ id: 'queue', kind: 'queueFill', severity: 'warning', message: 'Queue 90 % full', raisedAt: 2000 })),
    );
    expect(screen.getByTestId('announce-polite').textContent).toBe('Warning: Queue 90 % full');

    act(() => useAlerts.getState().cleared(alert({ clearedAt: 3000 })));
    expect(screen.getByTestId('announce-polite').textContent).toBe('Alert cleared: Error rate 40 % is above 10 %');
    expect(screen.getByTestId('announce-polite').getAttribute('aria-live')).toBe('polite');
  });
});
