// A long MCP session for tests/capture/verdicts.sh: connects over
// Streamable HTTP, then calls the fixture server's blob tool every
// INTERVAL ms for SECONDS, on one kept-alive connection, and closes.
//   node mcp-session.mjs URL SECONDS INTERVAL
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [url, seconds, interval] = process.argv.slice(2);
const client = new Client({ name: 'costs-verdict-test', version: '1.0.0' });
const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);
const end = Date.now() + Number(seconds) * 1000;
let calls = 0;
while (Date.now() < end) {
  await client.callTool({ name: 'blob', arguments: { size: 20000 } });
  calls++;
  await new Promise((r) => setTimeout(r, Number(interval)));
}
await transport.terminateSession().catch(() => {});
await client.close();
console.error(`mcp session: ${calls} calls`);
