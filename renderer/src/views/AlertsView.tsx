import { AlertList } from '../components/AlertList';
import { ALERT_FIELDS } from '../lib/configFields';
import { useAlerts } from '../state/alerts';
import { ConfigForm } from './ConfigForm';

export function AlertsView() {
  const active = useAlerts((s) => s.active);
  const history = useAlerts((s) => s.history);
  return (
    <div className="stack">
      <h2>Alerts</h2>
      <h3>Active</h3>
      <AlertList alerts={active} empty="No active alerts." testId="alerts-active" />
      <h3>Thresholds</h3>
      <ConfigForm fields={ALERT_FIELDS} section="alerts" testId="thresholds" />
      <h3>Past alerts</h3>
      <AlertList alerts={history.filter((a) => a.clearedAt)} empty="No alerts yet." testId="alerts-history" past />
    </div>
  );
}
