import { useState } from 'react';
import type { PrivacyRules } from '../../../shared/privacy.js';
import { privacyApi } from '../../api/privacy.js';
import { Panel } from '../../components/panel.js';
import { usePrivacy } from '../../stores/privacy-store.js';
import { RuleSwitches } from './rule-switches.js';

/** The rules every request is held to, whichever tool sends it; the local-only switch is the first. */
export function GlobalPolicyPanel({ rules }: { rules: PrivacyRules }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const change = async (patch: Partial<PrivacyRules>) => {
    setBusy(true);
    setFailure(null);
    // The switch moves at once; the server's answer (or, on failure, the rules as they were) settles it.
    usePrivacy.setState({ global: { ...rules, ...patch } });
    try {
      usePrivacy.setState({ global: await privacyApi.setGlobal(patch) });
    } catch (err) {
      usePrivacy.setState({ global: rules });
      setFailure(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel title="For every tool" aside={rules.localOnly ? 'local only is on' : undefined}>
      <p className="panel-intro">These apply to every app key and to the app's own chats. A key or a request can add rules, never remove these.</p>
      <RuleSwitches rules={rules} idPrefix="global" busy={busy} onChange={(patch) => void change(patch)} />
      {failure && (
        <p className="notice notice-error" role="alert">
          {failure}
        </p>
      )}
    </Panel>
  );
}
