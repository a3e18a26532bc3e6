/**
 * The portal bench's baseline: a bare fastify app answering a constant on `/`, in its own
 * process. Prints `{"url"}` when it listens; stops on SIGTERM.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', (_req, reply) => reply.type('text/html; charset=utf-8').send('<!doctype html><p>ok</p>'));
await app.listen({ host: '127.0.0.1', port: 0 });
const a = app.server.address();
console.log(JSON.stringify({ url: `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}` }));
process.once('SIGTERM', () => { void app.close().then(() => process.exit(0)); });
