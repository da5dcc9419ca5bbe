import { useState } from 'react';
import { ConnectionNotice } from '../../components/connection-notice.js';
import { usePrivacy, usePrivacySync } from '../../stores/privacy-store.js';
import { EgressAuditPanel } from './egress-audit-panel.js';
import { GlobalPolicyPanel } from './global-policy-panel.js';
import { KeyPolicyPanel } from './key-policy-panel.js';
import { ProviderPolicyPanel } from './provider-policy-panel.js';
import { TryItPanel } from './try-it-panel.js';
import './privacy.css';

/** What may leave this machine, for whom, and what did: global rules, per-key settings, provider terms, the audit. */
export function PrivacyScreen() {
  usePrivacySync();
  const { global, keys, providers, audit, error } = usePrivacy();
  const [keyName, setKeyName] = useState<string | null>(null);
  const chosen = keys?.find((k) => k.name === keyName) ?? keys?.find((k) => !k.builtIn) ?? keys?.[0] ?? null;
  const loaded = global !== null && keys !== null;
  return (
    <div className="screen privacy-screen">
      <header className="screen-head">
        <h1>Privacy</h1>
        <p className="hint">What may leave this machine, for which tool, and a record of what did. The strictest rule always wins.</p>
      </header>
      {error && <ConnectionNotice message={error} stale={loaded} />}
      {!loaded && !error && <p className="hint">Loading privacy settings…</p>}
      {global && <GlobalPolicyPanel rules={global} />}
      {keys && chosen && (
        <>
          <KeyPolicyPanel keys={keys} chosen={chosen} onChoose={setKeyName} />
          <TryItPanel keyName={chosen.name} mode={chosen.privacy.redaction.mode} />
        </>
      )}
      {providers && <ProviderPolicyPanel rows={providers} />}
      {audit && <EgressAuditPanel rows={audit} />}
    </div>
  );
}
