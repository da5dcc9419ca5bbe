import { ExternalLink, Server } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { LocalServer } from '../../../shared/control/providers.js';
import { CLOUD_PROVIDERS } from '../../../shared/control/known-providers.js';
import { control } from '../../api/control.js';

export interface ProviderChoice {
  type: string;
  baseUrl?: string;
  keyless?: boolean;
}

/** The providers people usually have keys for, and the local servers running right now. */
export function ProviderCatalog({ onChoose }: { onChoose(choice: ProviderChoice): void }) {
  const [local, setLocal] = useState<LocalServer[] | null>(null);
  const [probeError, setProbeError] = useState<string | null>(null);
  useEffect(() => {
    control.localServers().then(
      (r) => setLocal(r.servers),
      (err: unknown) => setProbeError(err instanceof Error ? err.message : String(err)),
    );
  }, []);
  return (
    <div className="catalog">
      <h2>Cloud providers</h2>
      <ul className="catalog-grid">
        {CLOUD_PROVIDERS.map((p) => (
          <li key={p.type} className="catalog-card">
            <button type="button" className="catalog-choose" onClick={() => onChoose({ type: p.type })}>
              {p.label}
            </button>
            <a className="catalog-key-link" href={p.keyUrl} target="_blank" rel="noreferrer noopener">
              Get a key <ExternalLink size={12} aria-hidden="true" />
            </a>
          </li>
        ))}
        <li className="catalog-card">
          <button type="button" className="catalog-choose" onClick={() => onChoose({ type: 'openai-compatible' })}>
            Other (OpenAI-compatible)
          </button>
        </li>
      </ul>
      <h2>Local servers</h2>
      {probeError && <p className="notice notice-error" role="alert">{probeError}</p>}
      {local === null && !probeError && <p className="hint" role="status">Looking for Ollama, LM Studio, llama.cpp and vLLM on this machine…</p>}
      <ul className="local-list">
        {local?.map((s) => (
          <li key={s.type} className="local-row" data-testid="local-server">
            <Server size={16} aria-hidden="true" />
            <span className="local-name">{s.label}</span>
            <code>{s.baseUrl}</code>
            {s.configuredAs ? (
              <span className="badge badge-ok">added as {s.configuredAs}</span>
            ) : s.reachable ? (
              <button type="button" className="button" onClick={() => onChoose({ type: s.type, baseUrl: s.baseUrl, keyless: true })}>
                Add ({s.models.length} models)
              </button>
            ) : (
              <span className="badge badge-muted">not running</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
