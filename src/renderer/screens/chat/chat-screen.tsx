import { Download, Trash2 } from 'lucide-react';
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
import { MessageList } from './message-list.js';
import { preloadMarkdownWhenIdle } from './message-view.js';

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
  // Selected piece by piece: the streamed answer changes every frame and only the list shows it.
  const threadId = useChat((s) => s.thread.id);
  const threadTitle = useChat((s) => s.thread.title);
  const model = useChat((s) => s.thread.model);
  const busy = useChat((s) => s.live !== null);
  const error = useChat((s) => s.error);
  const { open, startNew, setModel, send, stop, regenerate, editAndResend, remove } = useChat.getState();
  const pickerSignal = useUi((s) => s.modelPickerSignal);
  const composerSignal = useUi((s) => s.composerSignal);
  const composer = useRef<HTMLTextAreaElement>(null);
  const firstModel = models?.[0]?.id ?? '';
  const threadHasImages = useChat((s) => s.thread.messages.some((m) => (m.attachments?.length ?? 0) > 0));
  const imageOptions = useMemo(() => {
    const listed = models?.find((m) => m.id === model.replace(VARIANT_SUFFIX, ''));
    return { modelWithoutImages: listed?.imageInput === false ? model : null, threadHasImages };
  }, [models, model, threadHasImages]);

  useEffect(() => {
    if (conversationId) void open(conversationId);
    else if (useChat.getState().thread.id !== null) startNew(useChat.getState().thread.model);
  }, [conversationId, open, startNew]);

  useEffect(() => {
    if (!model && firstModel) setModel(firstModel);
  }, [model, firstModel, setModel]);

  // Once the chat can be used: loading it earlier would compete with the first screen.
  const usable = model !== '';
  useEffect(() => (usable ? preloadMarkdownWhenIdle() : undefined), [usable]);

  useEffect(() => {
    if (composerSignal) composer.current?.focus();
  }, [composerSignal]);

  const onRegenerate = useCallback((index: number) => void regenerate(index), [regenerate]);
  const onEdit = useCallback((index: number, text: string) => void editAndResend(index, text), [editAndResend]);
  const onNew = useCallback(() => {
    startNew(model || firstModel);
    useRouter.getState().go({ screen: 'chat' });
    composer.current?.focus();
  }, [startNew, model, firstModel]);

  if (providers !== null && providers.length === 0) return <FirstRun />;

  return (
    <div className="chat-screen">
      <ConversationList activeId={threadId} onNew={onNew} />
      <section className="chat-main" aria-label="Chat">
        <header className="chat-bar">
          <ModelPicker value={model} onChange={setModel} openSignal={pickerSignal} />
          <Title />
          <Totals />
          {threadId && <ExportLinks id={threadId} />}
          {threadId && (
            <button type="button" className="icon-button" aria-label="Delete conversation" title="Delete conversation" onClick={() => {
              if (window.confirm(`Delete "${threadTitle}"?`)) void remove();
            }}>
              <Trash2 size={16} aria-hidden="true" />
            </button>
          )}
        </header>
        <MessageList
          empty={
            <div className="chat-empty">
              <p className="chat-empty-title">Ask anything</p>
              <p>Answers go through your gateway under the UI's own app key, so they are priced and logged like any tool's. Press <kbd>Ctrl</kbd>+<kbd>K</kbd> for commands.</p>
            </div>
          }
          onRegenerate={onRegenerate}
          onEdit={onEdit}
        />
        {error && <p className="chat-error" role="alert">{error}</p>}
        <Composer ref={composer} busy={busy} disabled={!model} images={imageOptions} onSend={send} onStop={stop} placeholder={model ? undefined : 'Add a provider to start chatting'} />
      </section>
    </div>
  );
}
