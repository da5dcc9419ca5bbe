import { useState, type FormEvent } from 'react';
import type { RedactionPreview } from '../../../shared/control/privacy.js';
import type { RedactionSettings } from '../../../shared/privacy.js';
import { privacyApi } from '../../api/privacy.js';
import { Panel } from '../../components/panel.js';

const SAMPLE = 'Deploy with key AKIAZ7XTQ4PL2MNB6WUD and mail jane.doe@example.com when done.';

export function countsText(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([kind, n]) => `${kind} ×${n}`);
  return parts.length ? parts.join(', ') : 'nothing';
}

/** A sample prompt as the provider would get it under the chosen key's saved settings; the gateway computes it. */
export function TryItPanel({ keyName, mode }: { keyName: string; mode: RedactionSettings['mode'] }) {
  const [text, setText] = useState(SAMPLE);
  const [result, setResult] = useState<RedactionPreview | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      setResult(await privacyApi.preview(keyName, text));
    } catch (err) {
      setResult(null);
      setFailure(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel title="Try it" aside={`as ${keyName}, redaction ${mode}`}>
      <form className="try-it" onSubmit={(e) => void run(e)}>
        <div className="field">
          <label htmlFor="try-it-text">Sample prompt</label>
          <textarea id="try-it-text" rows={3} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
        </div>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy || text.trim() === ''}>
            Show what leaves
          </button>
        </div>
      </form>
      {failure && (
        <p className="notice notice-error" role="alert">
          {failure}
        </p>
      )}
      {result && (
        <div className="try-it-result" aria-live="polite">
          <p className="field-label">What the provider receives</p>
          <pre data-testid="try-it-output">{result.text}</pre>
          <p className="hint" data-testid="try-it-counts">
            {result.mode === 'off' ? 'Redaction is off for this key: the prompt leaves as typed.' : `Replaced: ${countsText(result.counts)}.`}
            {result.mode === 'reversible' && ' The answer gets the original values back.'}
          </p>
        </div>
      )}
    </Panel>
  );
}
