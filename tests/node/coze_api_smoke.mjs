// Drives the official @coze/api client against the emulator; prints one JSON line of what it saw.
// Usage: COZE_API_BASE=... COZE_API_TOKEN=... COZE_BOT_ID=... COZE_WORKSPACE_ID=... node coze_api_smoke.mjs
import { CozeAPI, RoleType, ChatEventType } from '@coze/api';

const env = process.env;
const client = new CozeAPI({ baseURL: env.COZE_API_BASE, token: env.COZE_API_TOKEN });
const out = {};

// A malformed space id is a parameter error (4000 family), as @coze/api's error-handling example expects.
try {
  await client.bots.create({ space_id: 'wrong space id', name: 'x' });
  out.create_error = null;
} catch (err) {
  out.create_error = { name: err.name, status: err.status ?? null, code: err.code ?? null };
}

// variables.update with only {bot_id, data}, as @coze/api's example sends it.
await client.variables.update({ bot_id: env.COZE_BOT_ID, data: [{ keyword: 'city', value: 'Nanjing' }] });
const vars = await client.variables.retrieve({ bot_id: env.COZE_BOT_ID, keywords: ['city'] });
out.variables = vars.items.map(v => [v.keyword, v.value]);

// A streamed chat.
const events = [];
let answer = '';
const stream = await client.chat.stream({
  bot_id: env.COZE_BOT_ID,
  user_id: 'node-user',
  additional_messages: [{ role: RoleType.User, content: 'Hello from node', content_type: 'text' }],
});
for await (const part of stream) {
  events.push(part.event);
  if (part.event === ChatEventType.CONVERSATION_MESSAGE_DELTA) answer += part.data.content;
}
out.events = [...new Set(events)];
out.answer = answer;
console.log(JSON.stringify(out));
