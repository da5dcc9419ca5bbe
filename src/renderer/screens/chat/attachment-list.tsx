import { X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { Attachment } from '../../../shared/control/conversations.js';
import { control } from '../../api/control.js';
import './chat-blocks.css';

/** The image full size in a modal dialog (focus held inside, Esc or a click outside closes it). */
function ImageDialog({ image, url, onClose }: { image: Attachment; url: string; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} className="image-dialog" aria-label={image.name} onClose={onClose} onClick={(e) => e.target === e.currentTarget && dialog.current?.close()}>
      <img src={url} alt={image.name} />
      <form method="dialog">
        <button type="submit" className="icon-button image-dialog-close" aria-label="Close image" autoFocus>
          <X size={16} aria-hidden="true" />
        </button>
      </form>
    </dialog>
  );
}

/** One saved image: a fixed-size thumbnail (no jump when it loads) that opens full size. */
function SavedImage({ image }: { image: Attachment }) {
  const [open, setOpen] = useState(false);
  const url = control.attachmentUrl(image.id);
  return (
    <li>
      <button type="button" className="image-thumb" onClick={() => setOpen(true)} aria-label={`Open image ${image.name}`} title={image.name}>
        <img src={url} alt="" loading="lazy" decoding="async" />
      </button>
      {open && <ImageDialog image={image} url={url} onClose={() => setOpen(false)} />}
    </li>
  );
}

/** The images sent with a question, read from the gateway's copy (same origin, so CSP allows them). */
export function AttachmentList({ images }: { images: readonly Attachment[] | undefined }) {
  if (!images?.length) return null;
  return (
    <ul className="message-images" aria-label="Attached images" data-testid="message-images">
      {images.map((image, i) => (
        <SavedImage key={`${image.id}-${i}`} image={image} />
      ))}
    </ul>
  );
}
