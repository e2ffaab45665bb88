// MCP client for the classifier fixtures: connects, lists tools, calls the
// blob tool N times, closes.   node mcp-client.mjs streamable|sse URL N
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';

const [mode, url, n] = process.argv.slice(2);
const client = new Client({ name: 'costs-fixture-client', version: '1.0.0' });
const transport = mode === 'sse' ? new SSEClientTransport(new URL(url))
  : new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);
await client.listTools();
let got = 0;
for (let i = 0; i < Number(n); i++) {
  const r = await client.callTool({ name: 'blob', arguments: { size: 6000 + 1000 * i } });
  got += r.content[0].text.length;
}
if (mode !== 'sse') await transport.terminateSession().catch(() => {});
await client.close();
console.error(`mcp client ${mode}: ${got} characters`);
