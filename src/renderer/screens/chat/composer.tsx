import { ArrowUp, ImagePlus, Square, TriangleAlert, X } from 'lucide-react';
import { forwardRef, useEffect, useRef, useState } from 'react';
import { IMAGE_TYPES } from '../../../shared/control/conversations.js';
import { formatBytes, readImageFiles, type PendingImage } from './image-files.js';
import './chat-blocks.css';

interface ImageOptions {
  /** The selected model, when its provider's listing says it reads no images (the send is still allowed: listings can lag). */
  modelWithoutImages: string | null;
  /** The thread already holds images, which every new question sends again. */
  threadHasImages: boolean;
}

interface ComposerProps {
  busy: boolean;
  disabled?: boolean;
  placeholder?: string;
  /** Images can be attached (by the button, paste or drop) when this is given. */
  images?: ImageOptions;
  /** Returns false when the message was not sent (the draft stays). */
  onSend(text: string, images: PendingImage[]): unknown;
  onStop(): void;
}

const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') === true;

/** Enter sends, Shift+Enter starts a new line, Escape stops an answer that is streaming. */
export const Composer = forwardRef<HTMLTextAreaElement, ComposerProps>(function Composer({ busy, disabled, placeholder, images: imageOptions, onSend, onStop }, ref) {
  const [text, setText] = useState('');
  const [images, setImages] = useState<PendingImage[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [sending, setSending] = useState(false);
  const [dropping, setDropping] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const empty = !text.trim() && images.length === 0;

  const attach = async (files: readonly File[]) => {
    if (!imageOptions || files.length === 0) return;
    const read = await readImageFiles(files, images.length);
    setImages((current) => [...current, ...read.images]);
    setProblems(read.errors);
  };
  const attachLatest = useRef(attach);
  attachLatest.current = attach;
  const acceptsImages = imageOptions !== undefined;

  // Files dropped anywhere in the window are attached: a browser would otherwise leave the app to show them.
  useEffect(() => {
    if (!acceptsImages) return;
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      setDropping(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDropping(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDropping(false);
      void attachLatest.current([...(e.dataTransfer?.files ?? [])]);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [acceptsImages]);

  const submit = async () => {
    if (busy || disabled || sending || empty) return;
    setSending(true);
    try {
      if ((await onSend(text, images)) === false) return;
      setText('');
      setImages([]);
      setProblems([]);
    } finally {
      setSending(false);
    }
  };

  const withoutImages = imageOptions?.modelWithoutImages;
  const warning = !withoutImages
    ? null
    : images.length > 0
      ? `${withoutImages} does not read images, as its provider lists it: the answer may fail or ignore them. Pick a model that reads images, or remove them.`
      : imageOptions.threadHasImages
        ? `${withoutImages} does not read images, as its provider lists it, and this chat's earlier images go with every question: the answer may fail. Pick a model that reads images, or start a new chat.`
        : null;

  return (
    <form
      className={`composer${dropping ? ' composer-dropping' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {images.length > 0 && (
        <ul className="composer-images" aria-label="Images to send">
          {images.map((image) => (
            <li key={image.key} className="composer-image">
              <img src={image.dataUrl} alt={image.name} title={`${image.name} (${formatBytes(image.size)})`} />
              <button type="button" className="composer-image-remove" aria-label={`Remove ${image.name}`} title="Remove" onClick={(e) => {
                  // The button goes away with its image: the message box keeps the focus.
                  e.currentTarget.form?.querySelector('textarea')?.focus();
                  setImages((current) => current.filter((i) => i.key !== image.key));
                }}>
                <X size={12} aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      )}
      {problems.map((problem) => (
        <p key={problem} className="composer-note composer-error" role="alert">
          {problem}
        </p>
      ))}
      {warning && (
        <p className="composer-note composer-warning" role="status" data-testid="image-warning">
          <TriangleAlert size={14} aria-hidden="true" /> {warning}
        </p>
      )}
      <div className="composer-row">
        {imageOptions && (
          <>
            <input
              ref={picker}
              type="file"
              accept={IMAGE_TYPES.join(',')}
              multiple
              hidden
              aria-label="Image files"
              onChange={(e) => {
                void attach([...(e.currentTarget.files ?? [])]);
                e.currentTarget.value = '';
              }}
            />
            <button type="button" className="icon-button composer-attach" aria-label="Attach images" title="Attach images (PNG, JPEG, WebP, GIF; or paste or drop them)" disabled={disabled} onClick={() => picker.current?.click()}>
              <ImagePlus size={18} aria-hidden="true" />
            </button>
          </>
        )}
        <label htmlFor="composer-input" className="visually-hidden">
          Message
        </label>
        <textarea
          id="composer-input"
          ref={ref}
          rows={2}
          value={text}
          disabled={disabled}
          placeholder={placeholder ?? 'Message (Enter to send, Shift+Enter for a new line)'}
          onChange={(e) => setText(e.target.value)}
          onPaste={(e) => {
            const files = [...e.clipboardData.files];
            // Office apps put a picture of copied text beside the text: text wins, as the person meant.
            if (!imageOptions || files.length === 0 || e.clipboardData.getData('text/plain')) return;
            e.preventDefault();
            void attach(files);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void submit();
            }
            if (e.key === 'Escape' && busy) {
              e.preventDefault();
              onStop();
            }
          }}
        />
        {busy ? (
          <button type="button" className="button composer-stop" onClick={onStop} aria-label="Stop generating" title="Stop (Esc)">
            <Square size={14} aria-hidden="true" /> Stop
          </button>
        ) : (
          <button type="submit" className="button button-primary composer-send" disabled={disabled || sending || empty} aria-label="Send message" title="Send (Enter)">
            <ArrowUp size={16} aria-hidden="true" /> Send
          </button>
        )}
      </div>
    </form>
  );
});
