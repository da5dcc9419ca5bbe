import { ArrowDown, Download, Trash2 } from 'lucide-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { control } from '../../api/control.js';
import { MODEL_VARIANTS } from '../../../shared/control/models.js';
import { formatCost, formatCount } from '../../format.js';
import { useChat } from '../../stores/chat-store.js';
import { useModels, useProviders } from '../../stores/data-stores.js';
import { useRouter } from '../../stores/router.js';
import { useUi } from '../../stores/ui-store.js';
import { ModelPicker } from '../../ui/model-picker.js';
import { FirstRun } from '../first-run/first-run.js';
import { Composer } from './composer.js';
import { ConversationList } from './conversation-list.js';
import { liveMessage, MessageView } from './message-view.js';
import { useStickToBottom } from './use-stick-to-bottom.js';

/** A variant (`:floor`, `:online`, …) reads what its model reads. */
const VARIANT_SUFFIX = new RegExp(`:(${MODEL_VARIANTS.join('|')})$`);

function Totals() {
  const totals = useChat((s) => s.thread.totals);
  if (!totals || totals.tokens === 0) return null;
  return (
    <span className="chat-totals" data-testid="chat-totals">
      {formatCount(totals.tokens)} tokens · {formatCost(totals.cost)}
    </span>
  );
}

function Title() {
  const title = useChat((s) => s.thread.title);
  const id = useChat((s) => s.thread.id);
  const rename = useChat((s) => s.rename);
  const [draft, setDraft] = useState<string | null>(null);
  if (!id) return <h1 className="chat-title">New chat</h1>;
  if (draft !== null) {
    return (
      <form onSubmit={(e) => {
        e.preventDefault();
        if (draft.trim()) void rename(draft.trim());
        setDraft(null);
      }}>
        <label className="visually-hidden" htmlFor="rename-input">Conversation title</label>
        <input id="rename-input" className="rename-input" autoFocus value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={(e) => e.currentTarget.form?.requestSubmit()} onKeyDown={(e) => e.key === 'Escape' && setDraft(null)} />
      </form>
    );
  }
  return (
    <h1 className="chat-title">
      <button type="button" className="title-button" title="Rename" onClick={() => setDraft(title)}>{title}</button>
    </h1>
  );
}

function ExportLinks({ id }: { id: string }) {
  return (
    <span className="export-links">
      <Download size={14} aria-hidden="true" />
      <a href={control.exportUrl(id, 'markdown')} download>Markdown</a>
      <a href={control.exportUrl(id, 'json')} download>JSON</a>
    </span>
  );
}

export function ChatScreen() {
  const conversationId = useRouter((s) => s.route.conversationId);
  const providers = useProviders((s) => s.data);
  const models = useModels((s) => s.data);
  const { thread, live, error, open, startNew, setModel, send, stop, regenerate, editAndResend, remove } = useChat();
  const pickerSignal = useUi((s) => s.modelPickerSignal);
  const composerSignal = useUi((s) => s.composerSignal);
  const scroller = useRef<HTMLDivElement>(null);
  const composer = useRef<HTMLTextAreaElement>(null);
  const { following, jump, onScroll } = useStickToBottom(scroller, live ?? thread.messages.length);
  const busy = live !== null;
  const firstModel = models?.[0]?.id ?? '';
  const imageOptions = useMemo(() => {
    const base = thread.model.replace(VARIANT_SUFFIX, '');
    const listed = models?.find((m) => m.id === base);
    return { modelWithoutImages: listed?.imageInput === false ? thread.model : null, threadHasImages: thread.messages.some((m) => m.attachments?.length) };
  }, [models, thread.model, thread.messages]);

  useEffect(() => {
    if (conversationId) void open(conversationId);
    else if (useChat.getState().thread.id !== null) startNew(useChat.getState().thread.model);
  }, [conversationId, open, startNew]);

  useEffect(() => {
    if (!thread.model && firstModel) setModel(firstModel);
  }, [thread.model, firstModel, setModel]);

  useEffect(() => {
    if (composerSignal) composer.current?.focus();
  }, [composerSignal]);

  const onRegenerate = useCallback((index: number) => void regenerate(index), [regenerate]);
  const onEdit = useCallback((index: number, text: string) => void editAndResend(index, text), [editAndResend]);
  const onNew = useCallback(() => {
    startNew(thread.model || firstModel);
    useRouter.getState().go({ screen: 'chat' });
    composer.current?.focus();
  }, [startNew, thread.model, firstModel]);

  if (providers !== null && providers.length === 0) return <FirstRun />;

  return (
    <div className="chat-screen">
      <ConversationList activeId={thread.id} onNew={onNew} />
      <section className="chat-main" aria-label="Chat">
        <header className="chat-bar">
          <ModelPicker value={thread.model} onChange={setModel} openSignal={pickerSignal} />
          <Title />
          <Totals />
          {thread.id && <ExportLinks id={thread.id} />}
          {thread.id && (
            <button type="button" className="icon-button" aria-label="Delete conversation" title="Delete conversation" onClick={() => {
              if (window.confirm(`Delete "${thread.title}"?`)) void remove();
            }}>
              <Trash2 size={16} aria-hidden="true" />
            </button>
          )}
        </header>
        <div className="chat-scroll" ref={scroller} onScroll={onScroll} data-testid="chat-scroll">
          <div className="chat-column" aria-live="polite" aria-relevant="additions">
            {thread.messages.length === 0 && !busy && (
              <div className="chat-empty">
                <p className="chat-empty-title">Ask anything</p>
                <p>Answers go through your gateway under the UI's own app key, so they are priced and logged like any tool's. Press <kbd>Ctrl</kbd>+<kbd>K</kbd> for commands.</p>
              </div>
            )}
            {/* One list with the live answer last: keyed by the id its saved form keeps, it is updated in place when it ends (a reasoning block the reader opened stays open). */}
            {(live ? [...thread.messages, liveMessage(live)] : thread.messages).map((m, i) => (
              <MessageView key={m.id} message={m} index={i} busy={busy} streaming={live !== null && i === thread.messages.length} onRegenerate={onRegenerate} onEdit={onEdit} />
            ))}
          </div>
        </div>
        {!following && (
          <button type="button" className="button jump-button" onClick={jump}>
            <ArrowDown size={14} aria-hidden="true" /> Jump to latest
          </button>
        )}
        {error && <p className="chat-error" role="alert">{error}</p>}
        <Composer ref={composer} busy={busy} disabled={!thread.model} images={imageOptions} onSend={send} onStop={stop} placeholder={thread.model ? undefined : 'Add a provider to start chatting'} />
      </section>
    </div>
  );
}
