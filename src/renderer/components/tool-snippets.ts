/** What a snippet is filled in with: the gateway's address, the tool's app key, a model id. */
export interface SnippetInput {
  /** `http://127.0.0.1:PORT`, without a path. */
  url: string;
  key: string;
  model: string;
}

export interface ToolSnippet {
  id: string;
  label: string;
  /** Where the text goes. */
  where: string;
  text: string;
  note?: string;
}

/** A shell word: bare when safe, else single-quoted. */
function sh(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

const q = (value: string) => JSON.stringify(value);

/**
 * Ready-to-paste settings for each tool the Connect panel offers, filled in with the gateway URL,
 * the key and a model. The OpenAI-compatible tools use `/v1`, the OpenRouter SDK `/api/v1`, Claude
 * Code the bare origin (it appends `/v1/messages`). The JS ones are whole ES modules: the test
 * suite runs them as shown.
 */
export function toolSnippets({ url, key, model }: SnippetInput): ToolSnippet[] {
  const v1 = `${url}/v1`;
  return [
    {
      id: 'env',
      label: 'Environment',
      where: 'In the shell that starts the tool: the openai SDK (Python and JS) and most OpenAI-compatible tools read these.',
      text: `export OPENAI_BASE_URL=${sh(v1)}\nexport OPENAI_API_KEY=${sh(key)}`,
    },
    {
      id: 'openai-python',
      label: 'openai (Python)',
      where: 'Python, with `pip install openai`.',
      text: `from openai import OpenAI\n\nclient = OpenAI(base_url=${q(v1)}, api_key=${q(key)})\ncompletion = client.chat.completions.create(\n    model=${q(model)},\n    messages=[{"role": "user", "content": "Hello"}],\n)\nprint(completion.choices[0].message.content)`,
    },
    {
      id: 'openai-js',
      label: 'openai (JS)',
      where: 'An ES module (hello.mjs), with `npm install openai`.',
      text: `import OpenAI from 'openai';\n\nconst client = new OpenAI({ baseURL: ${q(v1)}, apiKey: ${q(key)} });\nconst completion = await client.chat.completions.create({\n  model: ${q(model)},\n  messages: [{ role: 'user', content: 'Hello' }],\n});\nconsole.log(completion.choices[0].message.content);`,
    },
    {
      id: 'curl',
      label: 'curl',
      where: 'In a terminal.',
      text: `curl ${sh(`${v1}/chat/completions`)} \\\n  -H ${sh(`Authorization: Bearer ${key}`)} \\\n  -H "Content-Type: application/json" \\\n  -d '{"model": ${q(model)}, "messages": [{"role": "user", "content": "Hello"}]}'`,
    },
    {
      id: 'ai-sdk',
      label: 'AI SDK',
      where: 'An ES module, with `npm install ai @ai-sdk/openai-compatible`.',
      text: `import { createOpenAICompatible } from '@ai-sdk/openai-compatible';\nimport { generateText } from 'ai';\n\nconst switchyard = createOpenAICompatible({ name: 'switchyard', baseURL: ${q(v1)}, apiKey: ${q(key)} });\nconst { text } = await generateText({ model: switchyard(${q(model)}), prompt: 'Hello' });\nconsole.log(text);`,
    },
    {
      id: 'langchain',
      label: 'LangChain',
      where: 'Python, with `pip install langchain-openai`.',
      text: `from langchain_openai import ChatOpenAI\n\nllm = ChatOpenAI(base_url=${q(v1)}, api_key=${q(key)}, model=${q(model)})\nprint(llm.invoke("Hello").content)`,
    },
    {
      id: 'cursor',
      label: 'Cursor',
      where: 'Cursor Settings → Models: turn on “OpenAI API Key” and “Override OpenAI Base URL”, then add the model name.',
      text: `OpenAI API Key:            ${key}\nOverride OpenAI Base URL:  ${v1}\nModel name:                ${model}`,
      note: 'Cursor sends these requests from its own servers, which cannot reach 127.0.0.1: it works only through a tunnel you run that forwards to this port with the Host header rewritten to 127.0.0.1.',
    },
    {
      id: 'claude-code',
      label: 'Claude Code',
      where: 'In the shell that starts `claude` (it speaks /v1/messages; any model id works).',
      text: `export ANTHROPIC_BASE_URL=${sh(url)}\nexport ANTHROPIC_API_KEY=${sh(key)}\n# the main model, and the one for small background tasks (ANTHROPIC_SMALL_FAST_MODEL before Claude Code 2)\nexport ANTHROPIC_MODEL=${sh(model)}\nexport ANTHROPIC_DEFAULT_HAIKU_MODEL=${sh(model)}\nexport CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1\nclaude`,
    },
    {
      id: 'aider',
      label: 'aider',
      where: 'In a terminal; the `openai/` prefix tells aider the endpoint is OpenAI-compatible.',
      text: `export OPENAI_API_BASE=${sh(v1)}\nexport OPENAI_API_KEY=${sh(key)}\naider --model ${sh(`openai/${model}`)}`,
    },
    {
      id: 'continue',
      label: 'Continue',
      where: 'In ~/.continue/config.yaml, under `models:`.',
      text: `models:\n  - name: Switchyard ${model}\n    provider: openai\n    model: ${q(model)}\n    apiBase: ${q(v1)}\n    apiKey: ${q(key)}`,
    },
    {
      id: 'cline',
      label: 'Cline / Roo Code',
      where: 'Cline or Roo Code settings: API Provider “OpenAI Compatible”.',
      text: `Base URL:  ${v1}\nAPI Key:   ${key}\nModel ID:  ${model}`,
    },
    {
      id: 'openrouter-sdk',
      label: 'OpenRouter SDK',
      where: 'An ES module, with `npm install @openrouter/sdk` (the gateway answers OpenRouter’s API under /api/v1).',
      text: `import { OpenRouter } from '@openrouter/sdk';\n\nconst openrouter = new OpenRouter({ apiKey: ${q(key)}, serverURL: ${q(`${url}/api/v1`)} });\nconst completion = await openrouter.chat.send({ chatRequest: { model: ${q(model)}, messages: [{ role: 'user', content: 'Hello' }] } });\nconsole.log(completion.choices[0].message.content);`,
    },
  ];
}
