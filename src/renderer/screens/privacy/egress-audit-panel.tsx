import type { EgressAuditEntry } from '../../../shared/control/privacy.js';
import { Panel } from '../../components/panel.js';
import { formatTimestamp } from '../../format.js';
import { countsText } from './try-it-panel.js';

function policyText(policy: EgressAuditEntry['policy']): string {
  if (!policy) return 'none';
  const rules = [policy.local_only && 'local only', policy.data_collection === 'deny' && 'no training', policy.zdr && 'zero retention'].filter(Boolean);
  return rules.join(', ') || 'none';
}

/** The latest requests: who received each, under which rules, and how many values were redacted (never the values). */
export function EgressAuditPanel({ rows }: { rows: EgressAuditEntry[] }) {
  return (
    <Panel title="What left this machine" aside={rows.length ? `latest ${rows.length}` : undefined}>
      {rows.length === 0 ? (
        <p className="hint panel-pad">No requests yet. Each request a tool sends shows up here with where it went and what was redacted.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Egress audit">
          <table className="table privacy-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">App key</th>
                <th scope="col">Sent to</th>
                <th scope="col">Status</th>
                <th scope="col">Rules applied</th>
                <th scope="col">Redacted</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-testid="audit-row">
                  <td className="mono">{formatTimestamp(r.created_at)}</td>
                  <td className="mono">{r.app_key ?? '—'}</td>
                  <td className="mono">{r.provider ? `${r.provider}/${r.upstream_model ?? ''}` : 'nothing left'}</td>
                  <td className="mono">{r.status}</td>
                  <td>{policyText(r.policy)}</td>
                  <td data-testid="audit-redacted">
                    {countsText(r.redacted)}
                    {r.attachments_passed > 0 && `, ${r.attachments_passed} attachment(s) passed`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
