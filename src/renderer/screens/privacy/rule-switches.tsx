import type { PrivacyRules } from '../../../shared/privacy.js';

export const RULE_TEXT = {
  localOnly: {
    label: 'Local only',
    explain:
      'Nothing leaves this machine. Only providers declared local (Ollama, LM Studio, llama.cpp, vLLM, or a provider with dataPolicy.local: true) may answer; a request for a cloud model is refused with "No endpoints found matching your data policy". A server on 127.0.0.1 is not local unless declared: it may be a tunnel to a cloud API.',
  },
  dataCollection: {
    label: "Only providers that don't train on your data",
    explain:
      'Skips every provider whose terms allow training on API data, and every provider whose terms are unknown. The same as OpenRouter\'s provider.data_collection: "deny".',
  },
  zdr: {
    label: 'Only zero-retention providers',
    explain: 'Skips every provider not known to keep nothing it is sent (zero data retention). The same as provider.zdr: true.',
  },
} as const;

interface RuleSwitchesProps {
  rules: PrivacyRules;
  /** Prefix of the inputs' ids, so two sets can share a page. */
  idPrefix: string;
  /** Which rules the person can turn off here (global rules bind every key). */
  locked?: Partial<Record<keyof PrivacyRules, boolean>>;
  busy: boolean;
  /** Leave out the explanations (they are shown once, for the global rules). */
  brief?: boolean;
  onChange(patch: Partial<PrivacyRules>): void;
}

/** The three data rules as labelled switches, each with its plain-words explanation. */
export function RuleSwitches({ rules, idPrefix, locked = {}, busy, brief = false, onChange }: RuleSwitchesProps) {
  const row = (rule: keyof PrivacyRules, on: boolean, next: (checked: boolean) => Partial<PrivacyRules>) => {
    const id = `${idPrefix}-${rule}`;
    return (
      <li className="rule" key={rule}>
        <input
          id={id}
          type="checkbox"
          role="switch"
          checked={on || locked[rule] === true}
          disabled={busy || locked[rule] === true}
          aria-describedby={brief && !locked[rule] ? undefined : `${id}-explain`}
          onChange={(e) => onChange(next(e.target.checked))}
        />
        <div>
          <label htmlFor={id} className="rule-label">
            {RULE_TEXT[rule].label}
          </label>
          {(!brief || locked[rule]) && (
            <p id={`${id}-explain`} className="rule-explain">
              {brief ? 'On for every key: set above, for every tool.' : RULE_TEXT[rule].explain}
            </p>
          )}
        </div>
      </li>
    );
  };
  return (
    <ul className="rules">
      {row('localOnly', rules.localOnly, (localOnly) => ({ localOnly }))}
      {row('dataCollection', rules.dataCollection === 'deny', (deny) => ({ dataCollection: deny ? 'deny' : 'allow' }))}
      {row('zdr', rules.zdr, (zdr) => ({ zdr }))}
    </ul>
  );
}
