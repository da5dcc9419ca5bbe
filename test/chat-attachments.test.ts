/**
 * Images saved with conversations, through a real gateway's control API: uploaded once as a data
 * URL and checked by their bytes, kept apart from the messages (threads carry only references),
 * served back only to the owner, in the JSON export with their data and in the Markdown as a
 * note, and deleted with the last conversation that used them.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_IMAGE_BYTES } from '../src/shared/control/conversations.js';
import { ChatStore } from '../src/main/core/chats/chat-store.js';
import { startGateway, type RunningGateway } from '../src/main/core/gateway.js';
import { openDb } from '../src/main/core/usage/usage-db.js';
import { signIn, type ControlClient } from './helpers/control-client.js';
import { memoryVault } from './helpers/memory-vault.js';

const icon = (size: number) => readFileSync(join(import.meta.dirname, '..', 'build', 'icons', `${size}x${size}.png`));
const ICON = icon(64);
const dataUrl = (bytes: Buffer, type = 'image/png') => `data:${type};base64,${bytes.toString('base64')}`;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let dataDir: string;
let gateway: RunningGateway;
let api: ControlClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchyard-attachments-'));
  const configPath = join(dataDir, 'config.json');
  writeFileSync(configPath, '{}');
  gateway = await startGateway({ dataDir, configPath, port: 0, vault: memoryVault(), env: {} });
  api = await signIn(gateway);
});

afterAll(async () => {
  await gateway?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Ref {
  id: string;
  name: string;
  mimeType: string;
  size: number;
}

async function upload(bytes: Buffer, name = 'icon.png', type = 'image/png'): Promise<Ref> {
  const res = await api.call('POST', '/attachments', { name, dataUrl: dataUrl(bytes, type) });
  expect(res.status, res.text).toBe(200);
  return res.json as Ref;
}

async function conversationWith(...images: Ref[]): Promise<string> {
  const id = ((await api.call('POST', '/conversations', { model: 'mock/gpt-4o' })).json as { id: string }).id;
  const question = { id: `q-${id}`, role: 'user', content: 'what is this?', attachments: images, createdAt: 1 };
  const saved = await api.call('PUT', `/conversations/${id}/messages`, { messages: [question] });
  expect(saved.status, saved.text).toBe(200);
  return id;
}

const imageStatus = async (id: string) => (await fetch(`${gateway.url}/_app/api/attachments/${id}`, { headers: { cookie: api.cookie } })).status;

describe('uploading an image', () => {
  it('stores it under the SHA-256 of its bytes and serves the same bytes back, to the owner only', async () => {
    const ref = await upload(ICON);
    expect(ref).toEqual({ id: sha256(ICON), name: 'icon.png', mimeType: 'image/png', size: ICON.length });
    const res = await fetch(`${gateway.url}/_app/api/attachments/${ref.id}`, { headers: { cookie: api.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await res.arrayBuffer()).equals(ICON)).toBe(true);
    expect((await fetch(`${gateway.url}/_app/api/attachments/${ref.id}`)).status).toBe(401);
    expect((await fetch(`${gateway.url}/_app/api/attachments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
  });

  it('takes WebP and GIF too, by their bytes', async () => {
    // 1×1 images: a lossless WebP and a GIF89a.
    const webp = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
    expect((await upload(webp, 'dot.webp', 'image/webp')).mimeType).toBe('image/webp');
    expect((await upload(gif, 'dot.gif', 'image/gif')).mimeType).toBe('image/gif');
    const swapped = await api.call('POST', '/attachments', { name: 'dot.webp', dataUrl: dataUrl(gif, 'image/webp') });
    expect(swapped.status).toBe(400);
    expect((swapped.json as { error: { message: string } }).error.message).toBe('The file is not a WebP image');
  });

  it('refuses what is not a PNG, JPEG, WebP or GIF by its bytes, or is too big for every provider, with a clear error', async () => {
    const refused = async (body: unknown) => {
      const res = await api.call('POST', '/attachments', body);
      return { status: res.status, message: (res.json as { error: { message: string } }).error.message };
    };
    expect(await refused({ name: 'a.svg', dataUrl: `data:image/svg+xml;base64,${Buffer.from('<svg/>').toString('base64')}` })).toEqual({
      status: 400,
      message: 'Images must be PNG, JPEG, WebP or GIF, not image/svg+xml',
    });
    expect(await refused({ name: 'fake.jpg', dataUrl: dataUrl(ICON, 'image/jpeg') })).toEqual({ status: 400, message: 'The file is not a JPEG image' });
    expect((await refused({ name: 'x', dataUrl: 'https://example.com/a.png' })).status).toBe(400);
    expect((await refused({ name: 'x', dataUrl: 'data:image/png;base64,' })).message).toBe('The image is empty');
    const huge = Buffer.concat([ICON, Buffer.alloc(MAX_IMAGE_BYTES + 1 - ICON.length)]);
    const tooBig = await refused({ name: 'huge.png', dataUrl: dataUrl(huge) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.message).toContain('3.75 MiB');
  });
});

describe('images in saved conversations', () => {
  it('keeps only references in the thread, and the bytes in the JSON export', async () => {
    const ref = await upload(ICON);
    const id = await conversationWith(ref);
    const thread = await api.call('GET', `/conversations/${id}`);
    expect((thread.json as { messages: { attachments: Ref[] }[] }).messages[0]?.attachments).toEqual([ref]);
    expect(thread.text).not.toContain(ICON.toString('base64').slice(0, 40));
    expect((await api.call('GET', '/conversations')).text).not.toContain('base64');

    const json = (await api.call('GET', `/conversations/${id}/export?format=json`)).json as { messages: { attachments: (Ref & { dataUrl: string })[] }[] };
    expect(json.messages[0]?.attachments).toEqual([{ ...ref, dataUrl: dataUrl(ICON) }]);
    const markdown = (await api.call('GET', `/conversations/${id}/export?format=markdown`)).text;
    expect(markdown).toContain('## You\n\nwhat is this?\n\n_[image: icon.png (image/png, 2 KiB), in the JSON export]_');
  });

  it('refuses a thread that points at an image never uploaded, and keeps the thread as it was', async () => {
    const ref = await upload(ICON);
    const id = await conversationWith(ref);
    const ghost = { ...ref, id: 'f'.repeat(64) };
    const res = await api.call('PUT', `/conversations/${id}/messages`, {
      messages: [{ id: 'q', role: 'user', content: 'x', attachments: [ghost], createdAt: 1 }],
    });
    expect(res.status).toBe(400);
    expect((res.json as { error: { message: string } }).error.message).toContain(`No attachment "${ghost.id}"`);
    expect(((await api.call('GET', `/conversations/${id}`)).json as { messages: { content: string }[] }).messages[0]?.content).toBe('what is this?');
  });

  it('deletes an image with the last conversation or edit that let go of it, never before', async () => {
    // Images no other test uses: one image in two conversations is kept while either holds it.
    const shared = await upload(icon(24));
    const own = await upload(icon(16), 'other.png');
    const first = await conversationWith(shared, own);
    const second = await conversationWith(shared);

    // An edit that drops `own` from the first conversation deletes it: nothing else uses it.
    await api.call('PUT', `/conversations/${first}/messages`, { messages: [{ id: 'q', role: 'user', content: 'x', attachments: [shared], createdAt: 1 }] });
    expect(await imageStatus(own.id)).toBe(404);
    expect(await imageStatus(shared.id)).toBe(200);

    expect((await api.call('DELETE', `/conversations/${first}`)).status).toBe(204);
    expect(await imageStatus(shared.id)).toBe(200);
    expect((await api.call('DELETE', `/conversations/${second}`)).status).toBe(204);
    expect(await imageStatus(shared.id)).toBe(404);
  });
});

describe('an image uploaded for a turn that was never saved', () => {
  it('is kept for a day (the answer may still be streaming), then deleted at the next start', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const db = openDb(':memory:');
      const unsaved = new ChatStore(db).attachments.save('lost.png', dataUrl(ICON));
      vi.setSystemTime(Date.now() + 23 * 60 * 60 * 1000);
      expect(new ChatStore(db).attachments.read(unsaved.id).bytes.equals(ICON)).toBe(true);
      vi.setSystemTime(Date.now() + 2 * 60 * 60 * 1000);
      expect(() => new ChatStore(db).attachments.read(unsaved.id)).toThrow(`No attachment "${unsaved.id}"`);
      db.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
