import { Plus, Trash2 } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import type { KeyPolicy } from '../../../shared/control/privacy.js';
import type { KeyPrivacy, RedactionSettings } from '../../../shared/privacy.js';
import { privacyApi } from '../../api/privacy.js';
import { Panel } from '../../components/panel.js';
import { usePrivacy } from '../../stores/privacy-store.js';
import { RuleSwitches } from './rule-switches.js';

const MODES: { mode: RedactionSettings['mode']; label: string; explain: string }[] = [
  { mode: 'off', label: 'Off', explain: 'Prompts leave exactly as the tool sent them.' },
  { mode: 'mask', label: 'Mask', explain: 'Secrets and personal data are replaced before the prompt leaves; the provider never sees them, and the answer keeps the placeholders.' },
  {
    mode: 'reversible',
    label: 'Reversible',
    explain: 'Each value is replaced by a placeholder such as [[EMAIL_1]] before it leaves, and put back in the answer before the tool sees it. The mapping stays in memory only.',
  },
];

interface KeyPolicyPanelProps {
  keys: KeyPolicy[];
  chosen: KeyPolicy;
  onChoose(name: string): void;
}

/** One app key's rules, prompt logging and redaction, edited as a draft and saved together. */
export function KeyPolicyPanel({ keys, chosen, onChoose }: KeyPolicyPanelProps) {
  return (
    <Panel title="Per app key">
      <div className="field key-choice">
        <label htmlFor="privacy-key">App key</label>
        <select id="privacy-key" value={chosen.name} onChange={(e) => onChoose(e.target.value)}>
          {keys.map((k) => (
            <option key={k.name} value={k.name}>
              {k.builtIn ? `${k.name} (this app's chats)` : k.name}
            </option>
          ))}
        </select>
      </div>
      <KeyPolicyForm key={chosen.name} policy={chosen} />
    </Panel>
  );
}

function KeyPolicyForm({ policy }: { policy: KeyPolicy }) {
  const global = usePrivacy((s) => s.global);
  const [draft, setDraft] = useState<KeyPrivacy>(policy.privacy);
  const [allowText, setAllowText] = useState(policy.privacy.redaction.allow.join('\n'));
  const [state, setState] = useState<{ kind: 'idle' | 'saving' | 'saved' } | { kind: 'failed'; message: string }>({ kind: 'idle' });
  const edit = (change: (d: KeyPrivacy) => KeyPrivacy) => {
    setDraft(change);
    setState({ kind: 'idle' });
  };
  const redaction = (patch: Partial<RedactionSettings>) => edit((d) => ({ ...d, redaction: { ...d.redaction, ...patch } }));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setState({ kind: 'saving' });
    const allow = allowText.split('\n').map((line) => line.trim()).filter(Boolean);
    try {
      const { keys } = await privacyApi.setKey(policy.name, { ...draft, redaction: { ...draft.redaction, allow } });
      usePrivacy.setState({ keys });
      setState({ kind: 'saved' });
    } catch (err) {
      setState({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };

  const custom = draft.redaction.custom;
  const redacting = draft.redaction.mode !== 'off';
  return (
    <form className="key-policy" onSubmit={(e) => void save(e)} aria-label={`Privacy of ${policy.name}`}>
      <fieldset>
        <legend>Data rules for this key</legend>
        <p className="rule-explain">Added to the rules above for requests with this key, as explained there.</p>
        <RuleSwitches
          rules={draft.rules}
          idPrefix="key"
          brief
          busy={state.kind === 'saving'}
          locked={global ? { localOnly: global.localOnly, dataCollection: global.dataCollection === 'deny', zdr: global.zdr } : {}}
          onChange={(patch) => edit((d) => ({ ...d, rules: { ...d.rules, ...patch } }))}
        />
      </fieldset>

      <fieldset>
        <legend>Prompt logging</legend>
        <div className="rule">
          <input
            id="key-logging"
            type="checkbox"
            role="switch"
            checked={draft.logging.bodies}
            aria-describedby="key-logging-explain"
            onChange={(e) => edit((d) => ({ ...d, logging: { ...d.logging, bodies: e.target.checked } }))}
          />
          <div>
            <label htmlFor="key-logging" className="rule-label">
              Keep this key's prompts and answers
            </label>
            <p id="key-logging-explain" className="rule-explain">
              Off by default: only tokens, cost and the audit below are recorded. When on, the text is stored compressed in the local database and deleted
              for good after the days below.
            </p>
          </div>
        </div>
        <div className="field inline-field">
          <label htmlFor="key-retention">Keep for (days)</label>
          <input
            id="key-retention"
            type="number"
            min={1}
            max={3650}
            required
            disabled={!draft.logging.bodies}
            value={draft.logging.retentionDays}
            onChange={(e) => edit((d) => ({ ...d, logging: { ...d.logging, retentionDays: Number(e.target.value) } }))}
          />
        </div>
        <ForgetHistory keyName={policy.name} />
      </fieldset>

      <fieldset>
        <legend>Redaction before a prompt leaves</legend>
        <div className="modes" role="radiogroup" aria-label="Redaction">
          {MODES.map(({ mode, label, explain }) => (
            <label key={mode} className="mode">
              <input type="radio" name="redaction-mode" value={mode} checked={draft.redaction.mode === mode} onChange={() => redaction({ mode })} />
              <span className="rule-label">{label}</span>
              <span className="rule-explain">{explain}</span>
            </label>
          ))}
        </div>
        <div className="checks">
          <label>
            <input type="checkbox" checked={draft.redaction.secrets} disabled={!redacting} onChange={(e) => redaction({ secrets: e.target.checked })} /> Secrets (API
            keys, tokens, private keys)
          </label>
          <label>
            <input type="checkbox" checked={draft.redaction.pii} disabled={!redacting} onChange={(e) => redaction({ pii: e.target.checked })} /> Personal data (emails,
            phone numbers, cards, IBANs, IP addresses)
          </label>
        </div>
        <div className="field inline-field">
          <label htmlFor="key-attachments">Images and files</label>
          <select
            id="key-attachments"
            value={draft.redaction.attachments}
            onChange={(e) => redaction({ attachments: e.target.value as RedactionSettings['attachments'] })}
          >
            <option value="block">Block: refuse requests that carry them (they cannot be inspected)</option>
            <option value="pass">Pass: send them unredacted, counted in the audit</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="key-allow">Never redact (one exact value per line)</label>
          <textarea id="key-allow" rows={3} value={allowText} onChange={(e) => (setAllowText(e.target.value), setState({ kind: 'idle' }))} spellCheck={false} />
        </div>
        <div className="patterns">
          <p className="rule-label">Your own patterns</p>
          <p className="rule-explain">RE2 regular expressions; each match becomes a placeholder named after the pattern.</p>
          {custom.map((p, i) => (
            <div className="pattern-row" key={i}>
              <input
                aria-label={`Pattern ${i + 1} name`}
                placeholder="name, e.g. ticket"
                value={p.name}
                onChange={(e) => redaction({ custom: custom.map((c, j) => (j === i ? { ...c, name: e.target.value } : c)) })}
              />
              <input
                aria-label={`Pattern ${i + 1} expression`}
                placeholder="e.g. TICKET-[0-9]+"
                className="mono"
                value={p.pattern}
                onChange={(e) => redaction({ custom: custom.map((c, j) => (j === i ? { ...c, pattern: e.target.value } : c)) })}
              />
              <button type="button" className="icon-button" aria-label={`Remove pattern ${i + 1}`} onClick={() => redaction({ custom: custom.filter((_, j) => j !== i) })}>
                <Trash2 size={16} aria-hidden />
              </button>
            </div>
          ))}
          <button type="button" className="button" onClick={() => redaction({ custom: [...custom, { name: '', pattern: '' }] })}>
            <Plus size={16} aria-hidden /> Add pattern
          </button>
        </div>
      </fieldset>

      <div className="form-actions">
        <span className="save-state" role="status">
          {state.kind === 'saved' && 'Saved.'}
        </span>
        <button type="submit" className="button button-primary" disabled={state.kind === 'saving'}>
          Save {policy.name}
        </button>
      </div>
      {state.kind === 'failed' && (
        <p className="notice notice-error" role="alert">
          {state.message}
        </p>
      )}
    </form>
  );
}

/** Deletes every prompt and answer logged for the key, at once and for good (the database is checkpointed). */
function ForgetHistory({ keyName }: { keyName: string }) {
  const [result, setResult] = useState<string | null>(null);
  const forget = async () => {
    if (!window.confirm(`Delete every prompt and answer kept for "${keyName}"?`)) return;
    try {
      const { deleted } = await privacyApi.forgetHistory(keyName);
      setResult(`Deleted ${deleted} saved ${deleted === 1 ? 'exchange' : 'exchanges'}.`);
    } catch (err) {
      setResult(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div className="forget-history">
      <button type="button" className="button button-danger" onClick={() => void forget()}>
        <Trash2 size={16} aria-hidden /> Delete kept prompts
      </button>
      <span role="status" data-testid="forget-result">
        {result}
      </span>
    </div>
  );
}
