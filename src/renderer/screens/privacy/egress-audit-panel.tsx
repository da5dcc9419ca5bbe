import type { EgressAuditEntry } from '../../../shared/control/privacy.js';
import { Panel } from '../../components/panel.js';
import { formatTimestamp } from '../../format.js';
import { ScrollTable } from './scroll-table.js';
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
        <ScrollTable label="Egress audit" columns={['Time', 'App key', 'Sent to', 'Status', 'Rules applied', 'Redacted']}>
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
        </ScrollTable>
      )}
    </Panel>
  );
}
