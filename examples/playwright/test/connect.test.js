// A JavaScript team's end-to-end test of its Nango integration: Playwright drives a real Chromium
// (Debian's, by its path: no browser download), with its popup blocker on, against the app and
// nango-dev. The user clicks Connect, approves in the popup, and the test checks what Nango
// stored, the webhook the app received, and what the user sees when the provider fails.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { startApp } from '../app/server.js';
import { startNangoDev } from './nango-dev.js';

describe('Connect GitHub', () => {
    let app, nango, browser, appURL;

    before(async () => {
        // The app first, on a free port, so that nango-dev can send it webhooks; then it learns
        // where nango-dev is.
        const nangoConfig = {};
        app = await startApp({ nango: nangoConfig });
        appURL = app.url;
        nango = await startNangoDev({ webhookURL: `${app.url}/webhooks/nango` });
        Object.assign(nangoConfig, { host: nango.api, secretKey: nango.secretKey });
        browser = await chromium.launch({
            executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
            // Playwright turns the popup blocker off; users' browsers have it on.
            ignoreDefaultArgs: ['--disable-popup-blocking'],
            args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
                '--disable-component-update', '--disable-sync'],
        });
    });

    after(async () => {
        await browser?.close();
        await app?.close();
        await nango?.stop();
    });

    beforeEach(async () => {
        assert.equal((await nango.reset()).status, 204);
        app.webhooks.length = 0;
    });

    // Opens the app, clicks Connect with a real click, and returns the app's page and the popup.
    async function clickConnect() {
        const page = await browser.newPage();
        await page.goto(appURL);
        await page.waitForSelector('body[data-state="ready"]');
        const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#connect')]);
        await popup.waitForSelector('#approve');
        return { page, popup };
    }

    test('the browser blocks a popup no click opened', async () => {
        const page = await browser.newPage();
        await page.goto('data:text/html,<script>window.opened = window.open("about:blank") !== null</script>');
        assert.equal(await page.evaluate(() => window.opened), false);
        await page.close();
    });

    test('the user connects GitHub: Nango stores the connection and the app gets the webhook', async () => {
        const { page, popup } = await clickConnect();
        assert.equal(await popup.textContent('#integration'), 'github');
        await popup.click('#approve');
        await page.waitForSelector('body[data-state="connected"]');
        const connectionId = await page.getAttribute('#status', 'data-connection-id');
        assert.match(await page.textContent('#status'), /^Connected to GitHub/);

        // What the backend will read: Nango's GET /connection/{id}.
        const { status, body: connection } = await nango.call('GET',
            `/connection/${encodeURIComponent(connectionId)}?provider_config_key=github`);
        assert.equal(status, 200);
        assert.equal(connection.provider, 'github');
        assert.equal(connection.credentials.type, 'OAUTH2');
        assert.match(connection.credentials.access_token, /^mock_/);
        assert.equal(connection.end_user.id, 'user-1');

        // Nango's signed auth webhook, as the app's endpoint accepted it, and nango-dev's log of it.
        await waitFor(() => app.webhooks.length === 1, 'the auth webhook');
        assert.deepEqual(pick(app.webhooks[0], 'type', 'operation', 'success', 'providerConfigKey', 'connectionId'),
            { type: 'auth', operation: 'creation', success: true, providerConfigKey: 'github', connectionId });
        const [delivery] = await nango.webhookDeliveries();
        assert.equal(delivery.status, 'delivered');
        assert.equal(delivery.attempts, 1);
        assert.equal(delivery.last_status, 204);
        await page.close();
    });

    test('GitHub\'s token endpoint fails: the user sees the error, and no connection is stored', async () => {
        const faults = await nango.setFaults({ integrations: { github: ['token_500'] } });
        assert.equal(faults.status, 200);
        const { page, popup } = await clickConnect();
        await popup.click('#approve');
        await page.waitForSelector('body[data-state="error"]');
        assert.equal(await page.getAttribute('#status', 'data-error-type'), 'unknown_err');
        assert.match(await page.textContent('#status'), /^Could not connect GitHub: /);

        assert.deepEqual((await nango.call('GET', '/connections')).body.connections, []);
        await waitFor(() => app.webhooks.length === 1, 'the failure webhook');
        assert.deepEqual(pick(app.webhooks[0], 'success', 'providerConfigKey'), { success: false, providerConfigKey: 'github' });
        assert.equal(app.webhooks[0].error.type, 'unknown');
        await page.close();
    });
});

function pick(object, ...keys) {
    return Object.fromEntries(keys.map((key) => [key, object[key]]));
}

// Webhooks are sent in the background: wait for one, for at most 10 s.
async function waitFor(condition, what) {
    for (const deadline = Date.now() + 10_000; !condition(); await new Promise((r) => setTimeout(r, 50))) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    }
}
