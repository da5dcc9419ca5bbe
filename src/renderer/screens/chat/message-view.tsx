import { Copy, Pencil, RotateCcw } from 'lucide-react';
import { Component, lazy, memo, Suspense, useState, type ReactNode } from 'react';
import type { ChatMessage } from '../../../shared/control/conversations.js';
import type { LiveAnswer } from '../../stores/chat-store.js';
import { copyText } from '../../platform/clipboard.js';
import { formatCost, formatCount, formatLatency } from '../../format.js';
import { AttachmentList } from './attachment-list.js';
import { ToolCalls } from './tool-calls.js';

const loadMarkdown = () => import('./markdown.js');
const Markdown = lazy(loadMarkdown);

/**
 * Loads the markdown renderer once the first screen is idle, so the first answer does not wait
 * for it (nor pay for compiling it while it streams).
 */
export function preloadMarkdownWhenIdle(): () => void {
  const load = () => void loadMarkdown();
  if (typeof window.requestIdleCallback === 'function') {
    const handle = window.requestIdleCallback(load, { timeout: 3000 });
    return () => window.cancelIdleCallback(handle);
  }
  const timer = window.setTimeout(load, 1000);
  return () => window.clearTimeout(timer);
}

/** If the markdown renderer fails on some input, the answer is still there as plain text. */
class PlainTextOnError extends Component<{ text: string; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? <div className="md-plain">{this.props.text}</div> : this.props.children;
  }
}

/** Plain text until the markdown renderer has loaded (same words, no jump in meaning). */
export function AnswerText({ text, streaming }: { text: string; streaming: boolean }) {
  return (
    <PlainTextOnError text={text}>
      <Suspense fallback={<div className="md-plain">{text}</div>}>
        <Markdown text={text} streaming={streaming} />
      </Suspense>
    </PlainTextOnError>
  );
}

function Reasoning({ text, streaming }: { text: string; streaming: boolean }) {
  return (
    // Closed until the reader opens it, streaming or not, so finishing never changes the layout.
    <details className="reasoning">
      <summary>{streaming ? `Thinking… (${formatCount(text.length)} characters)` : 'Reasoning'}</summary>
      <div className="reasoning-body">{text}</div>
    </details>
  );
}

export function MetaLine({ message }: { message: ChatMessage }) {
  const meta = message.meta;
  if (!meta) return null;
  const counted = meta.usageEstimated ? '≈' : '';
  const tokens = meta.promptTokens === null ? null : `${counted}${formatCount(meta.promptTokens)} in · ${formatCount(meta.completionTokens ?? 0)} out`;
  return (
    <p className="meta-line" data-testid="meta-line">
      <span>{meta.model}</span>
      {tokens && <span title={counted ? 'Counted by the gateway: the provider reported none' : undefined}>{tokens}</span>}
      <span>{formatCost(meta.cost)}</span>
      {meta.latencyMs !== null && <span>{formatLatency(meta.latencyMs)}</span>}
      {message.state === 'stopped' && <span className="meta-stopped">stopped</span>}
    </p>
  );
}

interface MessageViewProps {
  message: ChatMessage;
  index: number;
  busy: boolean;
  /** Still arriving: markdown completes half-written syntax, and there are no actions yet. */
  streaming?: boolean;
  onRegenerate(index: number): void;
  onEdit(index: number, text: string): void;
}

/** One turn. Memoized: while an answer streams, the turns above it do not re-render. */
export const MessageView = memo(function MessageView({ message, index, busy, streaming = false, onRegenerate, onEdit }: MessageViewProps) {
  const [editing, setEditing] = useState<string | null>(null);
  if (message.role === 'user') {
    if (editing !== null) {
      return (
        <form
          className="turn turn-user editing"
          onSubmit={(e) => {
            e.preventDefault();
            setEditing(null);
            onEdit(index, editing);
          }}
        >
          <label className="visually-hidden" htmlFor={`edit-${message.id}`}>
            Edit your message
          </label>
          <AttachmentList images={message.attachments} />
          <textarea id={`edit-${message.id}`} value={editing} autoFocus rows={3} onChange={(e) => setEditing(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setEditing(null);
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
          />
          <div className="edit-actions">
            <button type="button" className="button" onClick={() => setEditing(null)}>Cancel</button>
            <button type="submit" className="button button-primary" disabled={busy || !editing.trim()}>Send</button>
          </div>
        </form>
      );
    }
    return (
      <div className="turn turn-user" data-testid="user-message">
        <AttachmentList images={message.attachments} />
        {message.content && <div className="bubble">{message.content}</div>}
        <div className="turn-actions">
          <button type="button" className="icon-button" aria-label="Edit and resend" title="Edit and resend" disabled={busy} onClick={() => setEditing(message.content)}>
            <Pencil size={14} aria-hidden="true" />
          </button>
        </div>
      </div>
    );
  }
  if (streaming) {
    return (
      <div className="turn turn-assistant" data-testid="live-answer" aria-busy="true">
        {message.reasoning && <Reasoning text={message.reasoning} streaming />}
        {message.content || message.toolCalls ? <AnswerText text={message.content} streaming /> : <p className="typing">Waiting for the first token…</p>}
        <ToolCalls calls={message.toolCalls} />
      </div>
    );
  }
  return (
    <div className="turn turn-assistant" data-testid="assistant-message">
      {message.reasoning && <Reasoning text={message.reasoning} streaming={false} />}
      <AnswerText text={message.content} streaming={false} />
      <ToolCalls calls={message.toolCalls} />
      {message.state === 'error' && <p className="turn-error" role="alert">{message.error ?? 'The answer failed.'}</p>}
      <div className="turn-footer">
        <MetaLine message={message} />
        <div className="turn-actions">
          <button type="button" className="icon-button" aria-label="Copy answer" title="Copy answer" onClick={() => void copyText(message.content)}>
            <Copy size={14} aria-hidden="true" />
          </button>
          <button type="button" className="icon-button" aria-label="Regenerate" title="Regenerate" disabled={busy} onClick={() => onRegenerate(index)}>
            <RotateCcw size={14} aria-hidden="true" />
          </button>
        </div>
      </div>
    </div>
  );
});

/**
 * The answer being streamed, as a message. Rendered by MessageView under the id the saved
 * answer gets, so when it finishes React updates the same element in place (no remount, no jump).
 */
export function liveMessage(live: LiveAnswer): ChatMessage {
  return {
    id: live.id,
    role: 'assistant',
    content: live.content,
    ...(live.reasoning ? { reasoning: live.reasoning } : {}),
    ...(live.toolCalls.length ? { toolCalls: live.toolCalls } : {}),
    createdAt: 0,
  };
}
