// The app under test: a page with a "Connect GitHub" button, a backend that creates Nango connect
// sessions with the secret key (which never reaches the browser), and the endpoint that receives
// Nango's auth webhooks and checks their signature. Nothing here knows it runs against nango-dev
// rather than Nango: the host and the keys come from the environment.
//
//   NANGO_HOST=http://127.0.0.1:3003 NANGO_SECRET_KEY=… node app/server.js
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';

/**
 * Starts the app. nango says where the Nango API is (`host`, the SDK's too) and holds the
 * `secretKey` of the backend's calls, which also checks the webhooks' signatures (as Nango signs
 * them unless the environment has a signing key of its own); it is read at each request.
 */
export async function startApp({ port = 0, nango }) {
    const page = await readFile(new URL('./index.html', import.meta.url), 'utf8');
    // What the webhook endpoint accepted, newest last: a real app would update its database.
    const webhooks = [];

    const routes = {
        'GET /': (req, res) => send(res, 200, 'text/html; charset=utf-8', page.replaceAll('{{NANGO_HOST}}', nango.host)),
        // The frontend asks for a session token; the backend gets one from Nango.
        'POST /api/connect-session': async (req, res) => {
            const response = await fetch(`${nango.host}/connect/sessions`, {
                method: 'POST',
                headers: { Authorization: `Bearer ${nango.secretKey}`, 'Content-Type': 'application/json' },
                body: JSON.stringify({ end_user: { id: 'user-1', email: 'ann@example.com' }, allowed_integrations: ['github'] }),
            });
            const body = await response.json();
            if (!response.ok) return sendJSON(res, 502, { error: body.error?.message ?? 'Nango refused the session' });
            sendJSON(res, 200, { token: body.data.token });
        },
        'POST /webhooks/nango': async (req, res) => {
            const raw = await readBody(req);
            if (!signedBy(nango.secretKey, raw, req.headers['x-nango-hmac-sha256'])) {
                return sendJSON(res, 401, { error: 'bad signature' });
            }
            webhooks.push(JSON.parse(raw));
            res.writeHead(204).end();
        },
    };

    const server = createServer(async (req, res) => {
        const route = routes[`${req.method} ${new URL(req.url, 'http://app').pathname}`];
        if (!route) return sendJSON(res, 404, { error: 'not found' });
        try {
            await route(req, res);
        } catch (err) {
            sendJSON(res, 500, { error: String(err) });
        }
    });
    await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
    return {
        url: `http://127.0.0.1:${server.address().port}`,
        webhooks,
        close: () => new Promise((resolve) => server.close(resolve)),
    };
}

function signedBy(key, raw, signature) {
    const want = createHmac('sha256', key).update(raw).digest();
    const got = Buffer.from(String(signature ?? ''), 'hex');
    return got.length === want.length && timingSafeEqual(got, want);
}

async function readBody(req) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
}

function send(res, status, type, body) {
    res.writeHead(status, { 'Content-Type': type }).end(body);
}

function sendJSON(res, status, value) {
    send(res, status, 'application/json', JSON.stringify(value));
}

if (import.meta.url === `file://${process.argv[1]}`) {
    const app = await startApp({
        port: Number(process.env.PORT ?? 4000),
        nango: { host: process.env.NANGO_HOST ?? 'http://127.0.0.1:3003', secretKey: process.env.NANGO_SECRET_KEY },
    });
    console.log(`app: ${app.url}`);
}
