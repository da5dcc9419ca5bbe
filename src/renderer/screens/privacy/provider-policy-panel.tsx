import type { ProviderPolicyRow } from '../../../shared/control/privacy.js';
import { Panel } from '../../components/panel.js';
import { ScrollTable } from './scroll-table.js';

const TRAINING = { no: 'no', 'opt-in': 'only if you opt in', 'opt-out': 'unless you opt out', yes: 'yes', unknown: 'unknown' } as const;
const ZDR = { default: 'by default', 'self-serve': 'setting', contract: 'by contract', none: 'no', unknown: 'unknown' } as const;

function retention(days: number | null): string {
  if (days === null) return 'unknown';
  if (days === 0) return 'none';
  return `${days} days`;
}

function sourceLabel(url: string): string {
  if (url === 'config') return 'your config';
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return url;
  }
}

/** Each configured provider's published data terms, with where each one comes from. */
export function ProviderPolicyPanel({ rows }: { rows: ProviderPolicyRow[] }) {
  return (
    <Panel title="What providers do with your data" aside={`${rows.length} configured`}>
      {rows.length === 0 ? (
        <p className="hint panel-pad">No providers yet. Add one on the Providers screen to see its terms here.</p>
      ) : (
        <ScrollTable label="Provider data policies" columns={['Provider', 'Trains on API data', 'Keeps prompts', 'Zero retention', 'Region', 'Where', 'Sources']}>
          {rows.map((r) => (
            <tr key={r.provider} data-testid={`provider-policy-${r.provider}`}>
              <td>
                <span className="strong">{r.provider}</span> <span className="muted mono">{r.type}</span>
              </td>
              <td className={r.training === 'no' || r.training === 'opt-in' ? undefined : 'warn-text'}>{TRAINING[r.training]}</td>
              <td>{retention(r.retentionDays)}</td>
              <td>{ZDR[r.zdrAvailable]}</td>
              <td>{r.region ?? 'unknown'}</td>
              <td>
                <span className={`badge ${r.local ? 'badge-ok' : 'badge-muted'}`}>{r.local ? 'local' : 'cloud'}</span>
              </td>
              <td className="sources">
                {r.sources.length === 0
                  ? 'none (may collect)'
                  : r.sources.map((s) =>
                      s.url === 'config' ? (
                        <span key={s.url} title={s.fields.join(', ')}>
                          your config
                        </span>
                      ) : (
                        <a key={s.url} href={s.url} target="_blank" rel="noreferrer noopener" title={`${s.fields.join(', ')}${s.checked ? ` · checked ${s.checked}` : ''}`}>
                          {sourceLabel(s.url)}
                        </a>
                      ),
                    )}
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </Panel>
  );
}
