import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown } from 'lucide-react';
import { useEffect, useRef, type ReactNode } from 'react';
import { useChat } from '../../stores/chat-store.js';
import { liveMessage, MessageView } from './message-view.js';
import { FOLLOW_SLACK_PX, useStickToBottom } from './use-stick-to-bottom.js';
import './message-list.css';

/** Space between turns (the virtualizer places the rows, so it owns the gap and the padding). */
const GAP_PX = 18;
const PADDING_TOP_PX = 20;
const PADDING_BOTTOM_PX = 8;
/** A first guess at a turn's height until it is measured (most are a few lines). */
const ESTIMATED_TURN_PX = 140;

interface TurnActions {
  onRegenerate(index: number): void;
  onEdit(index: number, text: string): void;
}

/** The answer being streamed: the only part of the list that re-renders on each painted frame. */
function LiveTurn({ index, onRegenerate, onEdit }: { index: number } & TurnActions) {
  const live = useChat((s) => s.live);
  if (!live) return null;
  return <MessageView message={liveMessage(live)} index={index} busy streaming onRegenerate={onRegenerate} onEdit={onEdit} />;
}

interface MessageListProps extends TurnActions {
  /** Shown when the conversation has no turn yet. */
  empty: ReactNode;
}

/**
 * The conversation, virtualized: only the turns near the viewport are in the page, so a long
 * conversation costs what one screen of it costs. Rows are measured as they render. Anchored to
 * the end, the list keeps a growing answer in view while the reader is at the end and holds
 * still once they scroll up; a turn that changes height (a reasoning block opened or closed)
 * does not move the turn the reader is looking at.
 */
export function MessageList({ empty, onRegenerate, onEdit }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const threadId = useChat((s) => s.thread.id);
  const messages = useChat((s) => s.thread.messages);
  const liveId = useChat((s) => s.live?.id ?? null);
  const busy = liveId !== null;
  const count = messages.length + (busy ? 1 : 0);
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLDivElement>({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ESTIMATED_TURN_PX,
    getItemKey: (i) => (i < messages.length ? (messages[i]?.id ?? i) : (liveId ?? i)),
    overscan: 4,
    gap: GAP_PX,
    paddingStart: PADDING_TOP_PX,
    paddingEnd: PADDING_BOTTOM_PX,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: FOLLOW_SLACK_PX,
  });
  const { following, jump, onScroll } = useStickToBottom(virtualizer);

  // Another conversation opens at its end; a new answer (sent, regenerated) is followed from
  // wherever the reader was, since asking is a wish to see it.
  useEffect(() => {
    jump();
  }, [threadId, liveId, jump]);

  const items = virtualizer.getVirtualItems();
  return (
    <>
      <div className="chat-scroll" ref={scroller} onScroll={onScroll} data-testid="chat-scroll">
        {count === 0 ? (
          <div className="chat-column">{empty}</div>
        ) : (
          <div className="chat-column chat-rows" style={{ height: virtualizer.getTotalSize() }}>
            <div className="chat-rows-window" aria-live="polite" aria-relevant="additions" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
              {items.map((item) => {
                const message = messages[item.index];
                return (
                  <div key={item.key} className="chat-row" data-index={item.index} ref={virtualizer.measureElement}>
                    {message ? (
                      <MessageView message={message} index={item.index} busy={busy} onRegenerate={onRegenerate} onEdit={onEdit} />
                    ) : (
                      <LiveTurn index={item.index} onRegenerate={onRegenerate} onEdit={onEdit} />
                    )}
                  </div>
                );
              })}
            </div>
          </div>
        )}
      </div>
      {!following && (
        <button type="button" className="button jump-button" onClick={jump}>
          <ArrowDown size={14} aria-hidden="true" /> Jump to latest
        </button>
      )}
    </>
  );
}
