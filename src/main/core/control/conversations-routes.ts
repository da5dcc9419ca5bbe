import {
  createConversationSchema,
  EXPORT_FORMATS,
  replaceMessagesSchema,
  updateConversationSchema,
  uploadAttachmentSchema,
  type ExportFormat,
} from '../../../shared/control/conversations.js';
import { GatewayError } from '../../../shared/errors.js';
import type { ChatStore } from '../chats/chat-store.js';
import { conversationToJson, conversationToMarkdown, exportFileName } from '../chats/conversation-export.js';
import type { ControlEvents } from './control-events.js';
import { RESPONDED, type ControlRoute } from './control-router.js';

/** Saved conversations: list and search, create, rename or switch model, save a thread, delete, export; their images. */
export function conversationsRoutes(chats: ChatStore, events: ControlEvents): ControlRoute[] {
  const changed = <T>(value: T): T => {
    events.publish('conversations');
    return value;
  };
  return [
    {
      method: 'GET',
      path: '/conversations',
      run: ({ query }) => ({ conversations: chats.list({ query: query.get('q') ?? undefined }) }),
    },
    { method: 'POST', path: '/conversations', run: async ({ body }) => changed(chats.create(await body(createConversationSchema))) },
    { method: 'GET', path: '/conversations/:id', run: ({ params }) => chats.get(params.id as string) },
    {
      method: 'PATCH',
      path: '/conversations/:id',
      run: async ({ params, body }) => changed(chats.update(params.id as string, await body(updateConversationSchema))),
    },
    {
      method: 'PUT',
      path: '/conversations/:id/messages',
      run: async ({ params, body }) => changed(chats.replaceMessages(params.id as string, (await body(replaceMessagesSchema)).messages)),
    },
    { method: 'DELETE', path: '/conversations/:id', run: ({ params }) => changed(chats.remove(params.id as string)) },
    {
      method: 'GET',
      path: '/conversations/:id/export',
      run({ params, query, res }) {
        const format = (query.get('format') ?? 'markdown') as ExportFormat;
        if (!EXPORT_FORMATS.includes(format)) throw new GatewayError(400, 'invalid_request', `format must be one of ${EXPORT_FORMATS.join(', ')}`);
        const conversation = chats.get(params.id as string);
        const markdown = format === 'markdown';
        const text = markdown ? conversationToMarkdown(conversation) : conversationToJson(conversation, (image) => chats.attachments.dataUrl(image.id));
        res.writeHead(200, {
          'content-type': markdown ? 'text/markdown; charset=utf-8' : 'application/json; charset=utf-8',
          'content-disposition': `attachment; filename="${exportFileName(conversation, markdown ? 'md' : 'json')}"`,
          'cache-control': 'no-store',
        });
        res.end(text);
        return RESPONDED;
      },
    },
    {
      method: 'POST',
      path: '/attachments',
      run: async ({ body }) => {
        const upload = await body(uploadAttachmentSchema);
        return chats.attachments.save(upload.name, upload.dataUrl);
      },
    },
    {
      method: 'GET',
      path: '/attachments/:id',
      run({ params, res }) {
        const image = chats.attachments.read(params.id as string);
        res.writeHead(200, {
          'content-type': image.mimeType,
          'content-length': image.bytes.length,
          // Only the types decodeImage checked by their bytes are stored; nothing may sniff them into HTML.
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'none'",
          'cache-control': 'no-store',
        });
        res.end(image.bytes);
        return RESPONDED;
      },
    },
  ];
}
