import { diffWords } from 'diff';
import { useEffect, useState } from 'react';
import type { ActivityDetail, LoggedAnswer, ReplayAnswer } from '../../../shared/control/activity.js';
import { activityApi } from '../../api/activity.js';
import { formatCost } from '../../format.js';
import { useActivity } from '../../stores/activity-store.js';
import { useModels } from '../../stores/data-stores.js';

interface Result {
  original: LoggedAnswer;
  replay: ReplayAnswer;
}

/** Word by word, what the replay's answer removed from the original's and what it added. */
function AnswerDiff({ original, replay }: { original: string; replay: string }) {
  const parts = diffWords(original, replay);
  return (
    <p className="answer-diff" data-testid="replay-diff">
      {parts.map((part, i) => {
        if (part.added) return <ins key={i}>{part.value}</ins>;
        if (part.removed) return <del key={i}>{part.value}</del>;
        return <span key={i}>{part.value}</span>;
      })}
    </p>
  );
}

/**
 * Replays the request under the UI's own key (routed, limited and logged like any request),
 * as it was or against another model, and diffs the two answers. Without a logged prompt the
 * button stays disabled and says why.
 */
export function ReplayPanel({ detail }: { detail: ActivityDetail }) {
  const models = useModels((s) => s.data) ?? [];
  const [model, setModel] = useState(detail.model);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setModel(detail.model);
    setResult(null);
    setError(null);
  }, [detail.id, detail.model]);

  const replay = async () => {
    setBusy(true);
    setError(null);
    try {
      const [original, answer] = await Promise.all([activityApi.answer(detail.id), activityApi.replay(detail.id, { model })]);
      setResult({ original, replay: answer });
      // The detail again, now linking to the replay.
      void useActivity.getState().select(detail.id);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const reasonId = `replay-reason-${detail.id}`;
  const choices = models.some((m) => m.id === detail.model) ? models.map((m) => m.id) : [detail.model, ...models.map((m) => m.id)];

  return (
    <section className="replay" aria-label="Replay">
      <h3>Replay</h3>
      <div className="replay-controls">
        <div className="field">
          <label htmlFor="replay-model">Against model</label>
          <select id="replay-model" value={model} disabled={!detail.replay.available} onChange={(e) => setModel(e.target.value)}>
            {choices.map((id) => <option key={id} value={id}>{id}</option>)}
          </select>
        </div>
        <button
          type="button"
          className="button button-primary"
          disabled={!detail.replay.available || busy}
          aria-describedby={detail.replay.available ? undefined : reasonId}
          onClick={() => void replay()}
        >
          {busy ? 'Replaying…' : 'Replay'}
        </button>
      </div>
      {!detail.replay.available && <p className="hint" id={reasonId} data-testid="replay-reason">{detail.replay.reason}</p>}
      {detail.replay.available && <p className="hint">Sent under the UI's key “switchyard-ui”, with the prompt as it was logged.</p>}
      {error && <p className="notice notice-error" role="alert">{error}</p>}
      {result && (
        <div data-testid="replay-result">
          <p className="hint">
            <code>{result.original.model}</code> → <code>{result.replay.model}</code> · {formatCost(result.replay.usage?.cost ?? null)} · <span className="mono-cell">{result.replay.id}</span>
          </p>
          {result.original.text === null && <p className="hint">The original answer was not a chat answer (an error): the diff starts from nothing.</p>}
          <AnswerDiff original={result.original.text ?? ''} replay={result.replay.choices[0]?.message.content ?? ''} />
          <p className="hint diff-legend"><del>removed</del> from the original, <ins>added</ins> by the replay.</p>
        </div>
      )}
    </section>
  );
}
