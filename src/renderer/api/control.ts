import { z } from 'zod/mini';
import { attachmentSchema, conversationListSchema, conversationSchema, type ChatMessage } from '../../shared/control/conversations.js';
import { modelListSchema } from '../../shared/control/models.js';
import {
  localProbeSchema,
  providerListSchema,
  testResultSchema,
  vaultStateSchema,
  type AddProvider,
  type TestProvider,
  type UpdateProvider,
} from '../../shared/control/providers.js';
import { appStatusSchema } from '../../shared/control/status.js';
import { callApi, CONTROL_BASE } from './client.js';

const nothing = z.undefined();
const path = (id: string) => encodeURIComponent(id);

/** The control API, one typed function per route, over the schemas the server parses with. */
export const control = {
  status: () => callApi('GET', '/status', appStatusSchema),
  vault: () => callApi('GET', '/vault', vaultStateSchema),
  providers: () => callApi('GET', '/providers', providerListSchema),
  addProvider: (input: AddProvider) => callApi('POST', '/providers', providerListSchema, input),
  updateProvider: (id: string, change: UpdateProvider) => callApi('PATCH', `/providers/${path(id)}`, providerListSchema, change),
  removeProvider: (id: string) => callApi('DELETE', `/providers/${path(id)}`, providerListSchema),
  testProvider: (input: TestProvider) => callApi('POST', '/providers/test', testResultSchema, input),
  localServers: () => callApi('GET', '/providers/local', localProbeSchema),
  models: () => callApi('GET', '/models', modelListSchema),
  conversations: (query?: string) =>
    callApi('GET', `/conversations${query ? `?q=${encodeURIComponent(query)}` : ''}`, conversationListSchema),
  conversation: (id: string) => callApi('GET', `/conversations/${path(id)}`, conversationSchema),
  createConversation: (model: string, title?: string) => callApi('POST', '/conversations', conversationSchema, { model, title }),
  updateConversation: (id: string, change: { title?: string; model?: string }) =>
    callApi('PATCH', `/conversations/${path(id)}`, conversationSchema, change),
  saveMessages: (id: string, messages: ChatMessage[]) =>
    callApi('PUT', `/conversations/${path(id)}/messages`, conversationSchema, { messages }),
  deleteConversation: (id: string) => callApi('DELETE', `/conversations/${path(id)}`, nothing),
  exportUrl: (id: string, format: 'markdown' | 'json') => `${CONTROL_BASE}/conversations/${path(id)}/export?format=${format}`,
  uploadAttachment: (name: string, dataUrl: string) => callApi('POST', '/attachments', attachmentSchema, { name, dataUrl }),
  /** Same origin, so the session cookie goes with an <img> request. */
  attachmentUrl: (id: string) => `${CONTROL_BASE}/attachments/${path(id)}`,
};
