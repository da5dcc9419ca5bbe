import { Plus, X } from 'lucide-react';
import { useEffect } from 'react';
import { formatCost, formatCount, formatLatency } from '../../format.js';
import { MAX_COLUMNS, MIN_COLUMNS, useCompare } from '../../stores/compare-store.js';
import { useModels } from '../../stores/data-stores.js';
import { ModelPicker } from '../../ui/model-picker.js';
import { Composer } from '../chat/composer.js';
import { AnswerText } from '../chat/message-view.js';

/** One prompt, 2–4 models side by side, each with the gateway's cost and the time it took. */
export function CompareScreen() {
  const models = useModels((s) => s.data);
  const { prompt, columns, setModel, addColumn, removeColumn, run, stop } = useCompare();
  const busy = columns.some((c) => c.state === 'streaming');

  useEffect(() => {
    if (!models || models.length === 0 || columns.length > 0) return;
    for (let i = 0; i < MIN_COLUMNS; i++) addColumn(models[i % models.length]?.id ?? '');
  }, [models, columns.length, addColumn]);

  return (
    <div className="screen compare-screen">
      <header className="screen-head">
        <h1>Compare models</h1>
        {columns.length < MAX_COLUMNS && (
          <button type="button" className="button" onClick={() => addColumn(models?.[columns.length % (models.length || 1)]?.id ?? '')}>
            <Plus size={14} aria-hidden="true" /> Add model
          </button>
        )}
      </header>
      {prompt && <p className="compare-prompt"><span className="hint">Prompt:</span> {prompt}</p>}
      <div className="compare-columns" style={{ gridTemplateColumns: `repeat(${Math.max(columns.length, 1)}, minmax(0, 1fr))` }}>
        {columns.map((c, i) => (
          <section key={i} className="compare-column" aria-label={`Column ${i + 1}: ${c.model}`} data-testid="compare-column">
            <header className="compare-column-head">
              <ModelPicker value={c.model} onChange={(m) => setModel(i, m)} label={`Model ${i + 1}`} />
              {columns.length > MIN_COLUMNS && (
                <button type="button" className="icon-button" aria-label={`Remove column ${i + 1}`} onClick={() => removeColumn(i)} disabled={busy}>
                  <X size={14} aria-hidden="true" />
                </button>
              )}
            </header>
            <div className="compare-body" aria-busy={c.state === 'streaming'}>
              {c.content ? <AnswerText text={c.content} streaming={c.state === 'streaming'} /> : c.state === 'streaming' ? <p className="typing">Waiting…</p> : null}
              {c.error && <p className="turn-error" role="alert">{c.error}</p>}
            </div>
            {c.meta && (
              <p className="meta-line" data-testid="compare-meta">
                <span>{formatCount(c.meta.completionTokens ?? 0)} tokens out</span>
                <span>{formatCost(c.meta.cost)}</span>
                {c.meta.latencyMs !== null && <span>{formatLatency(c.meta.latencyMs)}</span>}
              </p>
            )}
            {c.state === 'stopped' && <p className="meta-line"><span className="meta-stopped">stopped</span></p>}
          </section>
        ))}
      </div>
      <Composer busy={busy} disabled={columns.length === 0 || columns.some((c) => !c.model)} onSend={(text) => void run(text)} onStop={stop} placeholder="One prompt for every column (Enter to send)" />
    </div>
  );
}
