import type { ProviderKeySource } from '../../shared/usage.js';

const BADGES: Record<ProviderKeySource, { label: string; tone: 'ok' | 'muted' | 'warn'; detail: string }> = {
  keychain: { label: 'Keychain', tone: 'ok', detail: 'The API key is stored in the system keychain.' },
  env: { label: 'Environment', tone: 'ok', detail: 'The API key is read from an environment variable.' },
  'not-required': { label: 'Not required', tone: 'muted', detail: 'This provider needs no API key.' },
  none: { label: 'Missing', tone: 'warn', detail: 'No API key found: requests to this provider will fail.' },
};

export function KeySourceBadge({ source, providerId }: { source: ProviderKeySource; providerId: string }) {
  const badge = BADGES[source];
  return (
    <span className="key-source">
      <span className={`badge badge-${badge.tone}`} title={badge.detail}>
        {badge.label}
      </span>
      {source === 'none' && (
        <span className="key-source-fix">
          run <code>switchyard keys set {providerId}</code>
        </span>
      )}
    </span>
  );
}
