import { createCipheriv, createDecipheriv, randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.js';
import { assertProviderId, isProviderId, normalizeSecret } from './key-validation.js';
import { VaultError, type KeyVault } from './key-vault.js';
import { withWriteLock } from './write-lock.js';

export const KEY_FILE_NAME = 'keys.enc.json';
export const KEY_FILE_LOCK_NAME = 'keys.enc.lock';

/**
 * scrypt N=2^17, r=8, p=1 is OWASP's recommended minimum (128 MiB, a few hundred ms).
 * The cost is paid once per vault instance: the derived key is kept for the file's salt.
 */
const DEFAULT_KDF = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_SCRYPT_BYTES = 256 * 2 ** 20;
// Binds the ciphertext to this format, so it cannot be replayed under another one.
const AAD = Buffer.from('switchyard-keys/1');

const base64 = (bytes?: number) =>
  z.base64().refine((s) => bytes === undefined || Buffer.from(s, 'base64').length === bytes, {
    message: `expected ${bytes} bytes`,
  });

// Bounds keep a tampered file from making us allocate gigabytes before the tag check fails.
const envelopeSchema = z.object({
  format: z.literal('switchyard-keys'),
  version: z.literal(1),
  kdf: z
    .object({
      name: z.literal('scrypt'),
      salt: base64(SALT_BYTES),
      N: z.number().int().min(2 ** 14).max(2 ** 20).refine((n) => (n & (n - 1)) === 0, 'must be a power of 2'),
      r: z.number().int().min(1).max(16),
      p: z.number().int().min(1).max(4),
    })
    .refine((kdf) => 128 * kdf.N * kdf.r <= MAX_SCRYPT_BYTES, 'scrypt memory cost too high'),
  cipher: z.object({ name: z.literal('aes-256-gcm'), iv: base64(IV_BYTES), tag: base64(TAG_BYTES) }),
  ciphertext: base64(),
});
type Envelope = z.infer<typeof envelopeSchema>;
type KdfParams = Envelope['kdf'];

// An array of entries rather than an object keyed by id: "__proto__" is a valid provider id.
const contentsSchema = z.object({
  providers: z.array(z.object({ id: z.string().refine(isProviderId), keys: z.array(z.string().min(1)) })),
});
/** Provider id -> keys, both in insertion order. */
type Contents = Map<string, string[]>;

export interface EncryptedFileVaultOptions {
  dataDir: string;
  passphrase: string;
}

/**
 * Keys in `<dataDir>/keys.enc.json`, AES-256-GCM under a scrypt key from the passphrase.
 * Only chosen explicitly (a passphrase was given); there is no plaintext mode.
 */
export function encryptedFileVault(options: EncryptedFileVaultOptions): KeyVault {
  if (options.passphrase.length === 0) throw new VaultError('invalid-config', 'The vault passphrase is empty.');
  const path = join(options.dataDir, KEY_FILE_NAME);
  const lockPath = join(options.dataDir, KEY_FILE_LOCK_NAME);
  let derived: { params: string; key: Promise<Buffer> } | undefined;

  function keyFor(kdf: KdfParams): Promise<Buffer> {
    const params = JSON.stringify([kdf.salt, kdf.N, kdf.r, kdf.p]);
    if (derived?.params !== params) {
      const scryptOptions: ScryptOptions = { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r };
      const key = new Promise<Buffer>((resolve, reject) =>
        scrypt(options.passphrase, Buffer.from(kdf.salt, 'base64'), KEY_BYTES, scryptOptions, (err, out) =>
          err ? reject(err) : resolve(out),
        ),
      );
      const entry = { params, key };
      key.catch(() => {
        if (derived === entry) derived = undefined;
      });
      derived = entry;
    }
    return derived.key;
  }

  async function readEnvelope(): Promise<Envelope | undefined> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new VaultError('corrupt-file', `${path} is not valid JSON; it is not a Switchyard key file or it was damaged.`);
    }
    const parsed = envelopeSchema.safeParse(raw);
    if (!parsed.success) {
      const where = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
      throw new VaultError('corrupt-file', `${path} is not a valid Switchyard key file (bad fields: ${where}).`);
    }
    return parsed.data;
  }

  async function decrypt(envelope: Envelope): Promise<Contents> {
    const key = await keyFor(envelope.kdf);
    let plaintext: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.cipher.iv, 'base64'));
      decipher.setAAD(AAD);
      decipher.setAuthTag(Buffer.from(envelope.cipher.tag, 'base64'));
      plaintext = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new VaultError(
        'wrong-passphrase',
        `Cannot decrypt ${path}: the passphrase (SWITCHYARD_VAULT_PASSPHRASE) is wrong, or the file was modified.`,
      );
    }
    let parsed;
    try {
      parsed = contentsSchema.parse(JSON.parse(plaintext));
    } catch {
      throw new VaultError('corrupt-file', `${path} decrypted but does not hold a key list.`);
    }
    return new Map(parsed.providers.map(({ id, keys }) => [id, keys]));
  }

  async function load(): Promise<{ contents: Contents; kdf?: KdfParams }> {
    const envelope = await readEnvelope();
    if (!envelope) return { contents: new Map() };
    return { contents: await decrypt(envelope), kdf: envelope.kdf };
  }

  async function save(contents: Contents, existingKdf: KdfParams | undefined): Promise<void> {
    // The salt stays with the file (so the derived key can be reused); the IV is fresh on every write.
    const kdf: KdfParams = existingKdf ?? { name: 'scrypt', salt: randomBytes(SALT_BYTES).toString('base64'), ...DEFAULT_KDF };
    const key = await keyFor(kdf);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(AAD);
    const ciphertext = Buffer.concat([cipher.update(serialize(contents), 'utf8'), cipher.final()]);
    const envelope: Envelope = {
      format: 'switchyard-keys',
      version: 1,
      kdf,
      cipher: { name: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64') },
      ciphertext: ciphertext.toString('base64'),
    };
    await writeFileAtomic(path, `${JSON.stringify(envelope, null, 2)}\n`, 0o600);
  }

  /** Decrypting first means a wrong passphrase fails before anything is overwritten. */
  async function update<T>(change: (contents: Contents) => T): Promise<T> {
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    return withWriteLock(lockPath, async () => {
      const { contents, kdf } = await load();
      const before = serialize(contents);
      const result = change(contents);
      if (serialize(contents) !== before) await save(contents, kdf);
      return result;
    });
  }

  return {
    backend: 'file',
    async list(providerId) {
      assertProviderId(providerId);
      const { contents } = await load();
      return [...(contents.get(providerId) ?? [])];
    },
    async add(providerId, secret) {
      assertProviderId(providerId);
      const value = normalizeSecret(secret);
      await update((contents) => {
        const keys = contents.get(providerId) ?? [];
        if (!keys.includes(value)) contents.set(providerId, [...keys, value]);
      });
    },
    async set(providerId, secret) {
      assertProviderId(providerId);
      const value = normalizeSecret(secret);
      await update((contents) => {
        contents.set(providerId, [value]);
      });
    },
    async remove(providerId) {
      assertProviderId(providerId);
      return update((contents) => {
        const count = contents.get(providerId)?.length ?? 0;
        contents.delete(providerId);
        return count;
      });
    },
    async providers() {
      const { contents } = await load();
      return [...contents].filter(([, keys]) => keys.length > 0).map(([id]) => id).sort();
    },
  };
}

function serialize(contents: Contents): string {
  return JSON.stringify({ providers: [...contents].map(([id, keys]) => ({ id, keys })) });
}
