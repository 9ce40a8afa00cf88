/**
 * A benchmark target, run in its own process by bench/http/run.ts:
 *   tsx bench/http/server.ts <variant> <port>
 * Variants: bare (Express alone), default (Express + Portcullis on its default rules).
 * Both parse JSON bodies with express.json(), so the only difference is Portcullis.
 */
import express from 'express';
import { portcullis } from '../../src/index.js';

const [variant = 'bare', portArg = '0'] = process.argv.slice(2);
const app = express();
app.disable('x-powered-by');
if (variant === 'default') {
  const waf = portcullis();
  app.use(waf);
} else if (variant !== 'bare') {
  console.error(`unknown variant ${variant}`);
  process.exit(2);
}
app.use(express.json());
app.get('/products', (req, res) => { res.json({ q: req.query.q ?? null, items: [1, 2, 3] }); });
app.post('/api/orders', (req, res) => { res.json({ ok: true, n: Object.keys(req.body as object).length }); });

const server = app.listen(Number(portArg), '127.0.0.1', () => {
  const addr = server.address();
  process.send?.({ ready: typeof addr === 'object' && addr ? addr.port : 0 });
});
process.on('disconnect', () => process.exit(0));
