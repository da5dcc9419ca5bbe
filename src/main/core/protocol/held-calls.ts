/**
 * Parallel tool calls in a chat-completions stream that arrive while another call is streaming.
 * Chat upstreams may interleave calls' deltas by index, but Anthropic blocks and Responses items
 * run from start to stop one at a time (clients read a call's input when it closes), so the
 * stream translators hold the later calls here, with their argument pieces as they came, and send
 * each whole, in the order the calls began, once the streaming one closes.
 */
export class HeldCalls<Call> {
  private readonly held: { index: number; call: Call; pieces: string[] }[] = [];

  /** Adds a delta of the call with this chat index (made by `begin` on its first delta). */
  hold(index: number, args: string | null | undefined, begin: () => Call): void {
    let entry = this.held.find((held) => held.index === index);
    if (!entry) {
      entry = { index, call: begin(), pieces: [] };
      this.held.push(entry);
    }
    if (args) entry.pieces.push(args);
  }

  /** The call that began last, if any is held. */
  latest(): Call | undefined {
    return this.held.at(-1)?.call;
  }

  /** Every held call with its chat index and pieces, oldest first; none are held after. */
  release(): { index: number; call: Call; pieces: string[] }[] {
    return this.held.splice(0);
  }
}
