// The diff preview of a config change: setting, from, to, and whether it
// restarts workers. Configuration forms and the tuning assistant's Apply both show it.
import type { ConfigDiffEntry } from '../../../common/contract';
import { ALL_FIELDS, fieldPath } from '../lib/configFields';
import { humanMs } from '../lib/format';

// Settings counted in milliseconds are shown in human units (the exact value stays in the tooltip).
const MS_PATHS = new Set(ALL_FIELDS.filter((f) => f.unit === 'ms').map(fieldPath));

function Value({ v, path }: { v: unknown; path: string }) {
  if (v === undefined) return <td className="mono">(not set)</td>;
  if (MS_PATHS.has(path) && typeof v === 'number')
    return (
      <td className="mono" title={`${v} ms`}>
        {humanMs(v)}
      </td>
    );
  return <td className="mono">{JSON.stringify(v)}</td>;
}

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
              <Value v={d.from} path={d.path} />
              <Value v={d.to} path={d.path} />
              <td>
                {d.restartRequired ? <span className="badge restart">restarts workers</span> : <span className="badge live">applies live</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
