// Starts nango-dev (the npm package's launcher, as `npx nango-dev` would) on free loopback ports
// and gives the test its URLs and a client for its control API (/emulator/*).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';

export async function startNangoDev({ webhookURL }) {
    const secretKey = randomUUID(); // a UUID v4, as Nango's secret keys
    const child = spawn('npx', ['nango-dev',
        '-app', '127.0.0.1:0', '-api', '127.0.0.1:0', '-provider', '127.0.0.1:0', '-connect', '',
        '-webhook-url', webhookURL], {
        env: { ...process.env, NANGO_SECRET_KEY: secretKey },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // its own process group, so stop() ends npx, the launcher and the server
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });

    // The banner: "  Nango API:     http://127.0.0.1:41234", …, then "  secret key: …".
    const banner = {};
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const lines = createInterface({ input: child.stdout });
    const ready = (async () => {
        for await (const line of lines) {
            const [key, ...value] = line.split(':');
            banner[key.trim()] = value.join(':').trim();
            if (key.trim() === 'secret key') return;
        }
    })();
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('nango-dev did not start in 30 s')), 30_000).unref());
    await Promise.race([ready, exited.then((code) => { throw new Error(`nango-dev exited (${code}): ${stderr}`); }), timeout]);
    if (!banner['Nango API']) {
        throw new Error(`nango-dev printed no Nango API address; is it installed here (npm install --save-dev nango-dev)? ${stderr}`);
    }

    const api = banner['Nango API'];
    const call = async (method, path, body) => {
        const res = await fetch(api + path, {
            method,
            headers: { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    return {
        api,
        secretKey,
        call,
        reset: () => call('POST', '/emulator/reset'),
        setFaults: (faults) => call('PUT', '/emulator/faults', faults),
        webhookDeliveries: async () => (await call('GET', '/emulator/webhooks')).body.data,
        async stop() {
            if (child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
            await exited;
        },
    };
}
