// The diff preview of a config change: setting, from, to, and whether it
// restarts workers. Configuration forms and the tuning assistant's Apply both show it.
import type { ConfigDiffEntry } from '../../../common/contract';

const show = (v: unknown) => (v === undefined ? '(not set)' : JSON.stringify(v));

export function DiffTable({ diff, testId }: { diff: ConfigDiffEntry[]; testId: string }) {
  return (
    <div className="diff" data-testid={testId}>
      <strong>Changes to apply</strong>
      <table>
        <thead>
          <tr>
            <th>Setting</th>
            <th>From</th>
            <th>To</th>
            <th>Effect</th>
          </tr>
        </thead>
        <tbody>
          {diff.map((d) => (
            <tr key={d.path} data-testid="diff-row" data-path={d.path}>
              <td className="mono">{d.path}</td>
              <td className="mono">{show(d.from)}</td>
              <td className="mono">{show(d.to)}</td>
              <td>{d.restartRequired ? <span className="badge restart">restarts workers</span> : <span className="badge live">applies live</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
