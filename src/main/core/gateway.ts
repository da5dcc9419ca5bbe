import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig } from './config/load-config.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { LiveConfig } from './config/live-config.js';
import { ChatStore } from './chats/chat-store.js';
import { ControlEvents } from './control/control-events.js';
import type { SwitchyardConfig } from './config/config-schema.js';
import type { GatewayContext } from './gateway-context.js';
import { DEFAULT_MAX_BODY_BYTES } from './http/body.js';
import { countTokensRoute, messagesRoute } from './http/messages-handler.js';
import { responsesRoute } from './http/responses-handler.js';
import { geminiRoute } from './http/gemini-handler.js';
import { createGatewayServer } from './http/server.js';
import { OwnerSession } from './http/owner-session.js';
import { createControlRoutes } from './control/control-routes.js';
import { createControlApi } from './control/control-router.js';
import { ensureUiAppKey } from './secrets/ui-app-key.js';
import { findRendererDir } from './http/static-files.js';
import { serverInfoPath, usageDbPath } from './paths.js';
import { anthropicAdapter } from './providers/anthropic/anthropic-adapter.js';
import { googleAdapter } from './providers/google/google-adapter.js';
import { openAiCompatibleAdapter } from './providers/openai-compatible/openai-adapter.js';
import { createUpstreamAgent, DEFAULT_TIMEOUTS } from './providers/upstream-http.js';
import { ModelCatalog } from './router/catalog.js';
import { startModelDiscovery } from './router/model-discovery.js';
import { RoutingState } from './router/routing-state.js';
import { AppKeyStore } from './secrets/app-keys.js';
import { cachedVault } from './secrets/cached-vault.js';
import type { KeyVault } from './secrets/key-vault.js';
import { openVault } from './secrets/open-vault.js';
import { BodyLog } from './policy/body-log.js';
import { OpenRouterZdrListing } from './policy/openrouter-zdr.js';
import { PrivacyStore } from './policy/privacy-store.js';
import { SpendLedger } from './policy/spend-ledger.js';
import { SpendWatch } from './policy/spend-watch.js';
import { ProviderKeys } from './secrets/provider-keys.js';
import { startDbWorker } from './usage/db-worker.js';
import { openDb } from './usage/usage-db.js';
import { UsageQueries } from './usage/usage-queries.js';
import { UsageWriter } from './usage/usage-writer.js';
import { VERSION } from './version.js';

export interface GatewayOptions {
  dataDir: string;
  configPath?: string;
  /** Already parsed config (tests, Electron); otherwise read from configPath or <dataDir>/config.json. */
  config?: SwitchyardConfig;
  /** 0 picks a free port. */
  port?: number;
  /** Provider-key store; opened from the data dir when absent. */
  vault?: KeyVault;
  env?: Readonly<Record<string, string | undefined>>;
  rendererDir?: string;
  /** Clock of usage rows and spend-limit periods (tests move it across a reset). */
  now?: () => number;
  /** How long shutdown waits for in-flight requests before aborting them. */
  shutdownGraceMs?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  /** A one-time `http://127.0.0.1:PORT/?login=…` link that signs a browser in as the owner. */
  createLoginUrl(): string;
  /** A short-lived one-time login token for the desktop window (handed over by IPC). */
  issueDesktopLogin(): string;
  dataDir: string;
  vault: KeyVault;
  /** Today's spend and limit-reached events, for the desktop tray and notifications. */
  spendWatch: SpendWatch;
  close(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const { dataDir } = opts;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = acquireDataDirLock(dataDir);
  try {
    return await startLocked(opts, lock.release);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function startLocked(opts: GatewayOptions, releaseLock: () => void): Promise<RunningGateway> {
  const { dataDir } = opts;
  const loaded = opts.config ? undefined : loadConfig({ dataDir, configPath: opts.configPath });
  const config = opts.config ?? (loaded as { config: SwitchyardConfig }).config;
  const configPath = opts.configPath ?? loaded?.path ?? join(dataDir, 'config.json');
  const env = opts.env ?? process.env;
  const vault = opts.vault ?? (await openVault({ dataDir, env }));

  const dbPath = usageDbPath(dataDir);
  const db = openDb(dbPath);
  db.pragma('wal_autocheckpoint = 0');
  const dbWorker = startDbWorker(dbPath);
  const writer = new UsageWriter(db, { committer: dbWorker.committer });
  const now = opts.now ?? Date.now;
  const bodyLog = new BodyLog(db);
  bodyLog.start();
  const spend = new SpendLedger(writer, { now });
  const timeouts = config.server.upstreamTimeoutMs
    ? { ...DEFAULT_TIMEOUTS, headersMs: config.server.upstreamTimeoutMs, idleMs: config.server.upstreamTimeoutMs }
    : DEFAULT_TIMEOUTS;
  const agent = createUpstreamAgent(timeouts);
  const catalog = new ModelCatalog(config);
  const routing = new RoutingState(config.routing);
  const keyVault = cachedVault(vault);
  const providerKeys = new ProviderKeys(keyVault, env);
  const ctx: GatewayContext = {
    catalog,
    routing,
    adapters: { 'openai-compatible': openAiCompatibleAdapter, anthropic: anthropicAdapter, google: googleAdapter },
    providerKeys,
    appKeys: new AppKeyStore(db),
    writer,
    spend,
    privacy: new PrivacyStore(db),
    zdrListing: new OpenRouterZdrListing({ catalog: () => ctx.catalog, keys: providerKeys, agent }),
    queries: new UsageQueries(db),
    agent,
    maxBodyBytes: config.server.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    dataDir,
    version: VERSION,
    now,
  };

  const events = new ControlEvents();
  const stopPublishingUsage = writer.onCommit(() => events.usageChanged());
  const stopPublishingCircuits = routing.breaker.onTransition(() => events.publish('circuits'));
  let discovery: ReturnType<typeof startModelDiscovery> | undefined;
  const discover = () => startModelDiscovery({ catalog: ctx.catalog, adapters: ctx.adapters, keys: providerKeys, agent, onFound: () => events.publish('models') });
  // In-flight requests keep the endpoints they resolved from the old catalog and finish on them.
  const liveConfig = new LiveConfig(configPath, config, (next) => {
    const catalog = new ModelCatalog(next);
    catalog.adoptDiscovered(ctx.catalog);
    ctx.catalog = catalog;
    discovery?.stop();
    discovery = discover();
    events.publish('providers');
  });
  const chats = new ChatStore(db);
  const owner = new OwnerSession();
  const uiAppKey = ensureUiAppKey(ctx.appKeys);
  const shutdown = new AbortController();
  let url = '';
  const control = createControlApi(
    owner,
    createControlRoutes({
      ctx,
      owner,
      uiAppKeyId: uiAppKey.id,
      gatewayUrl: () => url,
      shutdownSignal: shutdown.signal,
      vault: keyVault,
      liveConfig,
      chats,
      events,
      bodyLog,
    }),
    ctx.maxBodyBytes,
  );
  const { server, setPort, idle } = createGatewayServer(ctx, {
    owner,
    control,
    rendererDir: opts.rendererDir ?? findRendererDir(),
    shutdownSignal: shutdown.signal,
    extraRoutes: new Map([
      ['/messages', messagesRoute(ctx)],
      ['/messages/count_tokens', countTokensRoute(ctx)],
      ['/responses', responsesRoute(ctx)],
    ]),
    geminiRoute: geminiRoute(ctx, shutdown.signal),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  setPort(port);
  owner.setPort(port);
  url = `http://127.0.0.1:${port}`;
  const stopFollowingUsage = routing.follow(writer, ctx.queries);
  const spendWatch = new SpendWatch(writer, ctx.queries, ctx.appKeys, spend);
  discovery = discover();
  const infoPath = serverInfoPath(dataDir);
  writeFileSync(infoPath, JSON.stringify({ url, port, pid: process.pid }), { mode: 0o600 });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      discovery?.stop();
      bodyLog.stop();
      ctx.zdrListing.stop();
      stopFollowingUsage();
      stopPublishingUsage();
      stopPublishingCircuits();
      events.close();
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => {
        shutdown.abort();
        server.closeAllConnections();
      }, opts.shutdownGraceMs ?? 10_000);
      await drained;
      await idle();
      clearTimeout(grace);
      writer.close();
      spendWatch.close();
      spend.close();
      await dbWorker.stop();
      db.close();
      await agent.close().catch(() => undefined);
      rmSync(infoPath, { force: true });
      releaseLock();
    })();
    return closing;
  };
  return {
    url,
    port,
    createLoginUrl: () => `${url}/?login=${owner.issueLogin()}`,
    issueDesktopLogin: () => owner.issueDesktopLogin(),
    dataDir,
    vault,
    spendWatch,
    close,
  };
}
