// MCP server for the classifier fixtures: Streamable HTTP (stateful, with
// session ids) or the legacy HTTP+SSE transport, on plain node:http.
//   node mcp-server.mjs streamable|sse HOST PORT
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { z } from 'zod';

const [mode, host, port] = process.argv.slice(2);

function makeServer() {
  const s = new McpServer({ name: 'costs-fixture', version: '1.0.0' });
  s.tool('blob', 'returns size random hex characters', { size: z.number() },
    async ({ size }) => ({
      content: [{ type: 'text', text: randomBytes(Math.ceil(size / 2)).toString('hex') }],
    }));
  return s;
}

const transports = {};
const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://fixture');
    if (mode === 'streamable') {
      const sid = req.headers['mcp-session-id'];
      let t = sid && transports[sid];
      if (!t) {
        t = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => { transports[id] = t; },
        });
        await makeServer().connect(t);
      }
      await t.handleRequest(req, res);
    } else if (req.method === 'GET' && url.pathname === '/sse') {
      const t = new SSEServerTransport('/messages', res);
      transports[t.sessionId] = t;
      await makeServer().connect(t);
    } else if (req.method === 'POST' && url.pathname === '/messages') {
      const t = transports[url.searchParams.get('sessionId')];
      if (!t) { res.writeHead(404).end(); return; }
      await t.handlePostMessage(req, res);
    } else {
      res.writeHead(404).end();
    }
  } catch (e) {
    console.error(e);
    if (!res.headersSent) res.writeHead(500).end();
  }
});
server.listen(Number(port), host, () => console.error(`mcp ${mode} on ${host}:${port}`));
