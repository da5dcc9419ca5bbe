/** The one SSE reader and writer of the codebase (plus the NDJSON line reader for Ollama streams). */
export { SseParser, readSse, type SseEvent, type SseEndResult } from './sse-reader.js';
export { SSE_DONE, SSE_HEADERS, sseComment, sseData, sseEvent, sseMessage } from './sse-writer.js';
export { LineParser, readLines } from './line-reader.js';
