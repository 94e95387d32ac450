// Drives `deliberate serve` with the official openai client and prints one line: RESULT <json>.
// Usage: node openai-client.mjs BASE_URL API_KEY MODEL SCENARIO
// Scenarios: models, blocking, stream, schema, badkey, parallel, disconnect, errors.
import OpenAI from 'openai';

const [baseURL, apiKey, model, scenario] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 120_000 });
const ask = (extra = {}) => ({
  model,
  messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Is 1013 prime?' }],
  seed: 7,
  ...extra,
});
const schema = {
  type: 'object',
  properties: { prime: { type: 'boolean' }, reason: { type: 'string', maxLength: 40 } },
  required: ['prime', 'reason'],
  additionalProperties: false,
};

async function collect(stream) {
  const out = { reasoning: '', content: '', chunks: 0, finish: null, usage: null, roles: [], ids: new Set() };
  for await (const chunk of stream) {
    out.chunks++;
    out.ids.add(chunk.id);
    if (chunk.usage) out.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (choice.delta.role) out.roles.push(choice.delta.role);
    if (choice.delta.reasoning_content) out.reasoning += choice.delta.reasoning_content;
    if (choice.delta.content) out.content += choice.delta.content;
    if (choice.finish_reason) out.finish = choice.finish_reason;
  }
  out.ids = out.ids.size;
  return out;
}

function apiError(e) {
  return { name: e.constructor.name, status: e.status ?? null, code: e.code ?? null, type: e.type ?? null,
           param: e.param ?? null, message: String(e.message) };
}

const scenarios = {
  async models() {
    const page = await client.models.list();
    const ids = [];
    for await (const m of page) ids.push(m.id);
    const one = await client.models.retrieve(model);
    return { ids, retrieved: one.id };
  },
  async blocking() {
    const r = await client.chat.completions.create(ask({ max_completion_tokens: 16, thinking_budget: 24 }));
    const m = r.choices[0].message;
    return { content: m.content, reasoning: m.reasoning_content ?? null, finish: r.choices[0].finish_reason,
             usage: r.usage, object: r.object, model: r.model };
  },
  async stream() {
    const s = await client.chat.completions.create(ask({ max_completion_tokens: 16, reasoning_effort: 'low',
      stream: true, stream_options: { include_usage: true } }));
    return collect(s);
  },
  async schema() {
    const format = { type: 'json_schema', json_schema: { name: 'primality', strict: true, schema } };
    const r = await client.chat.completions.create(ask({ max_completion_tokens: 200, thinking_budget: 16,
      response_format: format }));
    const s = await client.chat.completions.create(ask({ max_completion_tokens: 200, thinking_budget: 16,
      response_format: format, stream: true }));
    const streamed = await collect(s);
    return { blocking: r.choices[0].message.content, blockingReasoning: r.choices[0].message.reasoning_content,
             streamed: streamed.content, streamedReasoning: streamed.reasoning, schema };
  },
  async badkey() {
    const bad = new OpenAI({ baseURL, apiKey: 'not-the-key', maxRetries: 0 });
    const out = {};
    try { await bad.models.list(); out.models = 'no error'; } catch (e) { out.models = apiError(e); }
    try { await bad.chat.completions.create(ask()); out.chat = 'no error'; } catch (e) { out.chat = apiError(e); }
    return out;
  },
  async errors() {
    const out = {};
    const tries = {
      unknownModel: () => client.chat.completions.create({ ...ask(), model: 'gpt-4o' }),
      invalidSchema: () => client.chat.completions.create(ask({ response_format: { type: 'json_schema',
        json_schema: { name: 'x', schema: { type: 'objekt' } } } })),
      tools: () => client.chat.completions.create(ask({ tools: [{ type: 'function', function: { name: 'f' } }] })),
      temperature: () => client.chat.completions.create(ask({ temperature: 5 })),
    };
    for (const [name, f] of Object.entries(tries)) {
      try { await f(); out[name] = 'no error'; } catch (e) { out[name] = apiError(e); }
    }
    return out;
  },
  async parallel() {
    const n = Number(process.env.PARALLEL ?? 2);
    const t0 = Date.now();
    const runs = await Promise.all(Array.from({ length: n }, async (_, i) => {
      const s = await client.chat.completions.create(ask({ max_completion_tokens: 16, thinking_budget: 32,
        seed: 100 + i, stream: true }));
      const r = await collect(s);
      return { finish: r.finish, reasoning: r.reasoning.length, content: r.content.length, endMs: Date.now() - t0 };
    }));
    return { runs };
  },
  async disconnect() {
    const s = await client.chat.completions.create(ask({ max_completion_tokens: 200, thinking_budget: 1700,
      stream: true }));
    let seen = 0;
    for await (const chunk of s) {
      if (chunk.choices[0]?.delta?.reasoning_content) seen++;
      if (seen >= 3) break; // leaving the loop aborts the request: the client is gone mid-stream
    }
    const after = await client.chat.completions.create(ask({ max_completion_tokens: 4, thinking_budget: 4 }));
    return { seen, after: after.choices[0].finish_reason };
  },
};

try {
  const result = await scenarios[scenario]();
  console.log('RESULT ' + JSON.stringify(result));
} catch (e) {
  console.log('RESULT ' + JSON.stringify({ failed: apiError(e), stack: String(e.stack) }));
  process.exitCode = 1;
}
