/**
 * The real coding agents, installed from npm (pinned dev dependencies, their native binaries),
 * run headless against `switchyard serve` in front of a mock upstream that replays recordings:
 * Claude Code over /v1/messages, Codex over /v1/responses, Gemini CLI over Gemini's own API and
 * opencode over /v1/chat/completions, each on models of other providers than its own. Each run
 * must exit 0, print the recorded answer and leave usage rows with the recorded tokens and their
 * cost. Telemetry, update checks and plugin syncs are off, so the tools need no network.
 *
 * The tool-call round trips replay a recorded tool-call stream with the tool's own tool name and
 * arguments put in place of the recorded ones (a recording cannot name Claude Code's `Read` or
 * Codex's `exec_command`): the tool runs it, and the next request must carry its output.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageRow } from '../src/shared/usage.js';
import { SseParser } from '../src/main/core/protocol/sse.js';
import { runCli, startServe, type ServeProcess } from './helpers/cli.js';
import { loadBody } from './helpers/fixtures.js';
import { startMockUpstream, type MockUpstream, type UpstreamRequest } from './helpers/mock-upstream.js';

const BIN = fileURLToPath(new URL('../node_modules/.bin/', import.meta.url));
const TOOL_TIMEOUT_MS = 90_000;

const PRICES = {
  oai: { prompt: 0.00000015, completion: 0.0000006 },
  claude: { prompt: 0.000003, completion: 0.000015 },
  gem: { prompt: 0.0000003, completion: 0.0000025 },
} as const;
type ProviderId = keyof typeof PRICES;

const MODELS: Record<ProviderId, string> = { oai: 'oai/gpt-4o-mini', claude: 'claude/claude-sonnet-4-5', gem: 'gem/gemini-2.5-flash' };

/** The recorded answers, and what each recording says it used. */
const RECORDED = {
  claude: { sse: loadBody('anthropic/extracted/stream_text.sse'), text: '1\n2\n3\n4\n5' },
  oai: { sse: loadBody('openai/extracted/stream_text_after_tool_result.sse'), text: 'The capital of the UK is London.' },
  gem: { sse: loadBody('gemini/extracted/stream_text_alt_sse.sse'), text: 'The capital of France is Paris.' },
  responses: { sse: loadBody('openai-responses/extracted/stream_text_after_tool_result.sse') },
};

interface SseEventOut {
  event: string | undefined;
  data: string;
}

function sseEvents(sse: string): SseEventOut[] {
  const events: SseEventOut[] = [];
  const parser = new SseParser((e) => events.push({ event: e.event, data: e.data }));
  parser.push(sse);
  parser.end();
  return events;
}

function sseText(events: SseEventOut[]): string {
  return events.map((e) => `${e.event ? `event: ${e.event}\n` : ''}data: ${e.data}\n\n`).join('');
}

type Json = Record<string, unknown>;

/** Recorded usage, in OpenAI terms (prompt includes cache reads, completion includes reasoning). */
function recordedUsage(kind: ProviderId | 'responses'): { prompt: number; completion: number } {
  const events = sseEvents(RECORDED[kind].sse).filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as Json);
  if (kind === 'claude') {
    const start = (events.find((e) => e.type === 'message_start')?.message as { usage: { input_tokens: number } }).usage;
    const delta = events.findLast((e) => e.type === 'message_delta')?.usage as { output_tokens: number };
    return { prompt: start.input_tokens, completion: delta.output_tokens };
  }
  if (kind === 'gem') {
    const meta = events.at(-1)?.usageMetadata as { promptTokenCount: number; candidatesTokenCount: number };
    return { prompt: meta.promptTokenCount, completion: meta.candidatesTokenCount };
  }
  if (kind === 'responses') {
    const usage = (events.find((e) => e.type === 'response.completed')?.response as { usage: { input_tokens: number; output_tokens: number } }).usage;
    return { prompt: usage.input_tokens, completion: usage.output_tokens };
  }
  const usage = events.findLast((e) => e.usage)?.usage as { prompt_tokens: number; completion_tokens: number };
  return { prompt: usage.prompt_tokens, completion: usage.completion_tokens };
}

/** Anthropic's recorded tool_use stream, calling `name` with `input` instead of the recorded tool. */
function anthropicToolCall(name: string, input: Json): string {
  let first = true;
  const events = sseEvents(loadBody('anthropic/extracted/stream_tool_use.sse')).map((e) => {
    const json = JSON.parse(e.data) as Json;
    const block = json.content_block as Json | undefined;
    if (block?.type === 'tool_use') block.name = name;
    const delta = json.delta as Json | undefined;
    if (delta?.type === 'input_json_delta') {
      delta.partial_json = first ? JSON.stringify(input) : '';
      first = false;
    }
    return { event: e.event, data: JSON.stringify(json) };
  });
  return sseText(events);
}

/** OpenAI's recorded Responses stream with a reasoning item and a function call, calling `name` with `args`. */
function responsesToolCall(name: string, args: Json): string {
  const text = JSON.stringify(args);
  let first = true;
  const retarget = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    const obj = value as Json;
    if (obj.type === 'function_call') {
      obj.name = name;
      if (obj.arguments !== '') obj.arguments = text;
    }
    if (obj.type === 'response.function_call_arguments.delta') {
      obj.delta = first ? text : '';
      first = false;
    }
    if (obj.type === 'response.function_call_arguments.done') obj.arguments = text;
    for (const child of Object.values(obj)) retarget(child);
  };
  const events = sseEvents(loadBody('openai-responses/extracted/stream_reasoning_then_tool_call_arg_deltas.sse')).map((e) => {
    const json = JSON.parse(e.data) as Json;
    retarget(json);
    return { event: e.event, data: JSON.stringify(json) };
  });
  return sseText(events);
}

let upstream: MockUpstream;
let serve: ServeProcess;
let dir: string;
let dataDir: string;
let appKey: string;

beforeAll(async () => {
  upstream = await startMockUpstream();
  upstream.on('POST', '/anthropic/v1/messages', { sse: RECORDED.claude.sse });
  upstream.on('POST', '/oai/v1/chat/completions', { sse: RECORDED.oai.sse });
  upstream.on('POST', '/oai/v1/responses', { sse: RECORDED.responses.sse });
  upstream.on('POST', /^\/gemini\/v1beta\/models\/[^/]+:streamGenerateContent$/, { sse: RECORDED.gem.sse });
  dir = mkdtempSync(join(tmpdir(), 'switchyard-tools-'));
  dataDir = join(dir, 'data');
  const priced = (p: { prompt: number; completion: number }) => ({ prompt: String(p.prompt), completion: String(p.completion) });
  const config = {
    providers: {
      oai: { type: 'openai', baseUrl: `${upstream.url}/oai/v1`, apiKeyEnv: 'TOOLS_OAI_KEY', models: ['gpt-4o-mini'], pricing: priced(PRICES.oai) },
      claude: { type: 'anthropic', baseUrl: `${upstream.url}/anthropic/v1`, apiKeyEnv: 'TOOLS_CLAUDE_KEY', models: ['claude-sonnet-4-5'], pricing: priced(PRICES.claude) },
      gem: { type: 'google', baseUrl: `${upstream.url}/gemini/v1beta`, apiKeyEnv: 'TOOLS_GEM_KEY', models: ['gemini-2.5-flash'], pricing: priced(PRICES.gem) },
    },
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const created = runCli(['app-keys', 'create', '--name', 'coding-tools', '--data-dir', dataDir]);
  appKey = created.stdout.split('\n')[0]?.trim() ?? '';
  expect(appKey).toMatch(/^sk-sy-/);
  serve = await startServe(['--port', '0', '--config', join(dir, 'config.json')], dataDir, {
    TOOLS_OAI_KEY: 'sk-oai-upstream',
    TOOLS_CLAUDE_KEY: 'sk-ant-upstream',
    TOOLS_GEM_KEY: 'gem-upstream',
  });
});

afterAll(async () => {
  expect(await serve?.stop()).toBe(0);
  await upstream?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** What reached the mock upstream during the run. */
  requests: UpstreamRequest[];
  /** The usage rows the run added, once the server has written them. */
  rows: UsageRow[];
  /** The scratch working directory the tool ran in. */
  work: string;
}

function usageRows(): UsageRow[] {
  const listed = runCli(['usage', '--json', '--data-dir', dataDir]);
  return JSON.parse(listed.stdout) as UsageRow[];
}

/** One headless run in a fresh HOME and working directory; `setup` writes the tool's config there. */
async function runTool(
  bin: string,
  args: (work: string) => string[],
  setup: (home: string, work: string) => Record<string, string>,
  expectedRows: number,
): Promise<ToolRun> {
  const home = mkdtempSync(join(dir, 'home-'));
  const work = join(home, 'work');
  mkdirSync(work);
  writeFileSync(join(work, 'note.txt'), 'switchyard-round-trip-7f3\n');
  const env = { PATH: process.env.PATH ?? '', HOME: home, LANG: 'C.UTF-8', ...setup(home, work) };
  const before = upstream.requests.length;
  const rowsBefore = usageRows().length;
  const child = spawn(join(BIN, bin), args(work), { env, cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), TOOL_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  let rows = usageRows().slice(rowsBefore);
  for (let waited = 0; rows.length < expectedRows && waited < 10_000; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    rows = usageRows().slice(rowsBefore);
  }
  return { code, stdout, stderr, requests: upstream.requests.slice(before), rows, work };
}

function expectPricedRows(run: ToolRun, model: string, provider: ProviderId, recorded: { prompt: number; completion: number }): void {
  expect(run.rows.length).toBeGreaterThan(0);
  const price = PRICES[provider];
  for (const row of run.rows) {
    expect(row).toMatchObject({ model, provider, status: 200, app_key: 'coding-tools', prompt_tokens: recorded.prompt, completion_tokens: recorded.completion });
    expect(row.cost).toBeCloseTo(recorded.prompt * price.prompt + recorded.completion * price.completion, 12);
  }
}

const QUESTION = 'What is the capital of the UK?';

// ---------------------------------------------------------------------------------------------
// Claude Code (@anthropic-ai/claude-code): POST /v1/messages

function claudeCodeEnv(): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: serve.url,
    ANTHROPIC_API_KEY: appKey,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
  };
}

function claudeCode(model: string, extra: string[] = []): Promise<ToolRun> {
  return runTool('claude', () => ['-p', QUESTION, '--model', model, ...extra], claudeCodeEnv, 1);
}

describe('Claude Code', () => {
  it.each([
    ['claude', RECORDED.claude.text, '/anthropic/v1/messages'],
    ['oai', RECORDED.oai.text, '/oai/v1/chat/completions'],
    ['gem', RECORDED.gem.text, '/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent'],
  ] as const)('answers on a %s model: exit 0, the recorded answer, a priced usage row', async (provider, text, path) => {
    const run = await claudeCode(MODELS[provider]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(text);
    expect(run.requests.map((r) => r.path)).toEqual([path]);
    expectPricedRows(run, MODELS[provider], provider, recordedUsage(provider));
  }, 120_000);

  it('keeps its mid-conversation system turns as system messages on an OpenAI model', async () => {
    const run = await claudeCode(MODELS.oai);
    expect(run.code, run.stderr).toBe(0);
    // Claude Code sends its environment as a {"role":"system"} turn after the first user turn.
    const roles = (run.requests[0]?.body as { messages: { role: string }[] }).messages.map((m) => m.role);
    expect(roles.indexOf('system', roles.indexOf('user'))).toBeGreaterThan(roles.indexOf('user'));
  }, 120_000);

  it.each(['claude', 'oai'] as const)('runs a tool-call round trip on a %s model: Read runs, its output goes back, the answer prints', async (provider) => {
    const path = provider === 'claude' ? '/anthropic/v1/messages' : '/oai/v1/chat/completions';
    const answer = provider === 'claude' ? RECORDED.claude : RECORDED.oai;
    let readPath = '';
    upstream.on('POST', path, (request) => {
      const body = JSON.stringify(request.body);
      if (body.includes('switchyard-round-trip-7f3')) return { sse: answer.sse };
      if (provider === 'claude') return { sse: anthropicToolCall('Read', { file_path: readPath }) };
      return { sse: openAiToolCall('Read', { file_path: readPath }) };
    });
    try {
      const run = await runTool(
        'claude',
        (work) => {
          readPath = join(work, 'note.txt');
          return ['-p', 'Read note.txt and tell me what it says.', '--model', MODELS[provider], '--allowedTools', 'Read'];
        },
        claudeCodeEnv,
        2,
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.trim()).toBe(answer.text);
      expect(run.requests.length).toBe(2);
      expect(run.requests[1]?.rawBody).toContain('switchyard-round-trip-7f3');
      expect(run.rows.map((r) => r.finish_reason)).toEqual(['tool_calls', 'stop']);
    } finally {
      upstream.on('POST', path, { sse: answer.sse });
    }
  }, 120_000);
});

/** OpenAI's recorded chat tool-call stream, calling `name` with `args` instead of the recorded tool. */
function openAiToolCall(name: string, args: Json): string {
  let first = true;
  const events = sseEvents(loadBody('openai/extracted/stream_tool_call_arg_deltas.sse')).map((e) => {
    if (e.data === '[DONE]') return e;
    const json = JSON.parse(e.data) as { choices: { delta: { tool_calls?: { function?: { name?: string; arguments?: string } }[] } }[] };
    for (const call of json.choices[0]?.delta.tool_calls ?? []) {
      if (call.function?.name) call.function.name = name;
      if (call.function?.arguments !== undefined) {
        call.function.arguments = first ? JSON.stringify(args) : '';
        first = false;
      }
    }
    return { event: e.event, data: JSON.stringify(json) };
  });
  return sseText(events);
}

// ---------------------------------------------------------------------------------------------
// Codex (@openai/codex): POST /v1/responses

function codexSetup(model: string): (home: string) => Record<string, string> {
  return (home) => {
    writeFileSync(
      join(home, 'config.toml'),
      [
        `model = "${model}"`,
        'model_provider = "switchyard"',
        'check_for_update_on_startup = false',
        '[analytics]',
        'enabled = false',
        // Its curated-plugin sync would reach for GitHub at start.
        '[features]',
        'plugins = false',
        '[model_providers.switchyard]',
        'name = "Switchyard"',
        `base_url = "${serve.url}/v1"`,
        'env_key = "SWITCHYARD_API_KEY"',
        'wire_api = "responses"',
        '',
      ].join('\n'),
    );
    return { CODEX_HOME: home, SWITCHYARD_API_KEY: appKey };
  };
}

describe('Codex', () => {
  it('answers on an OpenAI model through native Responses pass-through', async () => {
    const run = await runTool('codex', () => ['exec', '--skip-git-repo-check', QUESTION], codexSetup(MODELS.oai), 1);
    expect(run.code, run.stderr).toBe(0);
    const recordedText = (
      sseEvents(RECORDED.responses.sse)
        .map((e) => JSON.parse(e.data) as { type: string; text?: string })
        .find((e) => e.type === 'response.output_text.done')
    )?.text;
    expect(run.stdout.trim()).toBe(recordedText);
    expect(run.requests.map((r) => r.path)).toEqual(['/oai/v1/responses']);
    expect(run.requests[0]?.body).toMatchObject({ model: 'gpt-4o-mini', stream: true, store: false });
    expectPricedRows(run, MODELS.oai, 'oai', recordedUsage('responses'));
  }, 120_000);

  it('answers on a Claude model through translation to /v1/messages', async () => {
    const run = await runTool('codex', () => ['exec', '--skip-git-repo-check', QUESTION], codexSetup(MODELS.claude), 1);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(RECORDED.claude.text);
    expect(run.requests.map((r) => r.path)).toEqual(['/anthropic/v1/messages']);
    expectPricedRows(run, MODELS.claude, 'claude', recordedUsage('claude'));
  }, 120_000);

  it.each(['oai', 'claude'] as const)('runs a tool-call round trip on a %s model: exec_command runs, its output goes back', async (provider) => {
    const path = provider === 'oai' ? '/oai/v1/responses' : '/anthropic/v1/messages';
    const answer = provider === 'oai' ? RECORDED.responses.sse : RECORDED.claude.sse;
    upstream.on('POST', path, (request) => {
      if (request.rawBody.includes('switchyard-round-trip-7f3')) return { sse: answer };
      const call = { cmd: 'cat note.txt' };
      return { sse: provider === 'oai' ? responsesToolCall('exec_command', call) : anthropicToolCall('exec_command', call) };
    });
    try {
      const run = await runTool(
        'codex',
        () => ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', 'Show me note.txt'],
        codexSetup(MODELS[provider]),
        2,
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.requests.length).toBe(2);
      expect(run.requests[1]?.rawBody).toContain('switchyard-round-trip-7f3');
      expect(run.rows.map((r) => r.finish_reason)).toEqual(['tool_calls', 'stop']);
    } finally {
      upstream.on('POST', path, { sse: answer });
    }
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// Gemini CLI (@google/gemini-cli): POST /v1beta/models/{model}:streamGenerateContent?alt=sse

function geminiSetup(home: string): Record<string, string> {
  mkdirSync(join(home, '.gemini'));
  writeFileSync(
    join(home, '.gemini', 'settings.json'),
    JSON.stringify({
      security: { auth: { selectedType: 'gemini-api-key' } },
      privacy: { usageStatisticsEnabled: false },
      general: { disableAutoUpdate: true, disableUpdateNag: true },
      telemetry: { enabled: false },
    }),
  );
  return { GOOGLE_GEMINI_BASE_URL: serve.url, GEMINI_API_KEY: appKey, GEMINI_CLI_TRUST_WORKSPACE: 'true', GEMINI_CLI_NO_RELAUNCH: 'true' };
}

describe('Gemini CLI', () => {
  it.each([
    ['gem', RECORDED.gem.text, '/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent'],
    ['oai', RECORDED.oai.text, '/oai/v1/chat/completions'],
  ] as const)('answers on a %s model', async (provider, text, path) => {
    const run = await runTool('gemini', () => ['-p', QUESTION, '-m', MODELS[provider]], geminiSetup, 1);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(text);
    expect(run.requests.map((r) => r.path)).toEqual([path]);
    expectPricedRows(run, MODELS[provider], provider, recordedUsage(provider));
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// opencode (opencode-ai): POST /v1/chat/completions through its OpenAI-compatible provider

function opencodeSetup(model: string): (home: string, work: string) => Record<string, string> {
  return (home, work) => {
    writeFileSync(
      join(work, 'opencode.json'),
      JSON.stringify({
        $schema: 'https://opencode.ai/config.json',
        autoupdate: false,
        share: 'disabled',
        provider: { switchyard: { npm: '@ai-sdk/openai-compatible', options: { baseURL: `${serve.url}/v1`, apiKey: appKey }, models: { [model]: {} } } },
      }),
    );
    return {
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_LSP_DOWNLOAD: 'true',
      OPENCODE_DISABLE_DEFAULT_PLUGINS: 'true',
      OPENCODE_DISABLE_MODELS_FETCH: 'true',
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.data'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_STATE_HOME: join(home, '.state'),
    };
  };
}

describe('opencode', () => {
  it.each([
    ['oai', RECORDED.oai.text],
    ['claude', RECORDED.claude.text],
    ['gem', RECORDED.gem.text],
  ] as const)('answers on a %s model (its title request is a second priced row)', async (provider, text) => {
    const run = await runTool('opencode', () => ['run', '-m', `switchyard/${MODELS[provider]}`, QUESTION], opencodeSetup(MODELS[provider]), 2);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(text);
    expectPricedRows(run, MODELS[provider], provider, recordedUsage(provider));
  }, 120_000);
});
