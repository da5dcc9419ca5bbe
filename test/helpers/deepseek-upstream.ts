import type { MockReply, UpstreamRequest } from './mock-upstream.js';

type Json = Record<string, unknown>;

/** DeepSeek in thinking mode: an assistant turn with tool calls must carry its reasoning_content, else 400; otherwise `reply`. */
export function deepseekThinkingMode(reply: MockReply): (request: UpstreamRequest) => MockReply {
  return (request) => {
    const messages = ((request.body as Json).messages ?? []) as Json[];
    const missing = messages.findIndex((m) => m.role === 'assistant' && m.tool_calls !== undefined && typeof m.reasoning_content !== 'string');
    if (missing < 0) return reply;
    return {
      status: 400,
      body: {
        error: {
          message: 'The `reasoning_content` in the thinking mode must be passed back to the API.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_request_error',
        },
      },
    };
  };
}
