import { useEffect, useState } from 'react';
import { copyText } from '../platform/clipboard.js';

type CopyState = 'idle' | 'copied' | 'failed';

const LABELS: Record<CopyState, string> = { idle: 'Copy', copied: 'Copied', failed: 'Copy failed' };
const FEEDBACK_MS = 2_000;

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = (): void => {
    copyText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };

  return (
    // The name keeps the visible word in it, "Copied" and "Copy failed" included.
    <button type="button" className={`button copy-button copy-${state}`} onClick={copy} aria-label={state === 'idle' ? label : `${LABELS[state]}: ${label}`}>
      {LABELS[state]}
    </button>
  );
}
