import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from 'react';

/** How close to the end still counts as "at the end" (a line or two). */
const SLACK_PX = 48;

/**
 * Follows new content while the reader is at the end, and stops as soon as they scroll up:
 * their position is never taken from them. `jump()` goes back to following.
 */
export function useStickToBottom(ref: RefObject<HTMLElement | null>, content: unknown): { following: boolean; jump(): void; onScroll(): void } {
  const [following, setFollowing] = useState(true);
  const followingRef = useRef(true);

  const onScroll = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight <= SLACK_PX;
    if (atEnd !== followingRef.current) {
      followingRef.current = atEnd;
      setFollowing(atEnd);
    }
  }, [ref]);

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && followingRef.current) el.scrollTop = el.scrollHeight;
  }, [ref, content]);

  const jump = useCallback(() => {
    const el = ref.current;
    followingRef.current = true;
    setFollowing(true);
    if (el) el.scrollTop = el.scrollHeight;
  }, [ref]);

  return { following, jump, onScroll };
}
