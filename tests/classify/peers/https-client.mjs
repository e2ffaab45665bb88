// node https client for the fixtures: GET https://NAME/PATH N times over
// one keep-alive agent.   node https-client.mjs NAME PATH N
import https from 'node:https';

const [name, path, n] = process.argv.slice(2);
const agent = new https.Agent({ keepAlive: false });
for (let i = 0; i < Number(n); i++) {
  await new Promise((resolve, reject) => {
    https.get({ host: name, path, agent, rejectUnauthorized: false }, (res) => {
      res.on('data', () => {});
      res.on('end', resolve);
    }).on('error', reject);
  });
}
