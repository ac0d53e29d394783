// An app written against @nangohq/frontend's public types. make check-types compiles it twice:
// against the real package (so the program itself is right) and against nango-wasm's nango.d.ts
// (so switching the import is all an app has to do).
import Nango, { AuthError, ConnectUI } from 'sdk';
import type { AuthErrorType, AuthOptions, AuthResult, ConnectUIEvent, ConnectUIProps, ConnectionConfig, NangoOptions } from 'sdk';

const options: NangoOptions = { host: 'http://127.0.0.1:3003', connectSessionToken: 'nango_connect_session_x', width: 600, height: 700, debug: true };
const nango = new Nango(options);
new Nango({ publicKey: 'pk', websocketsPath: '/ws' });

export async function connect(): Promise<string> {
    const authOptions: AuthOptions = { params: { subdomain: 'acme' }, detectClosedAuthWindow: true };
    const config: ConnectionConfig = { user_scope: ['chat:write'], authorization_params: { prompt: undefined }, hmac: 'h' };
    try {
        const result: AuthResult = await nango.auth('zendesk', authOptions);
        const again = await nango.auth('github', 'conn-1', config);
        const custom = await nango.auth('sendgrid', { credentials: { apiKey: 'SG.x' } });
        const basic = await nango.auth('ashby', { credentials: { username: 'u', password: 'p' } });
        const overrides = await nango.auth('github', { credentials: { oauth_client_id_override: 'i', oauth_client_secret_override: 's' } });
        const created = await nango.create('unauthenticated', { params: { a: 'b' } });
        const createdWithId = await nango.create('unauthenticated', 'conn-2');
        const reconnected = await nango.reconnect('zendesk', { params: { subdomain: 'acme' } });
        return [result.connectionId, again.providerConfigKey, custom.connectionId, basic.connectionId, overrides.connectionId,
            String(created.isPending), createdWithId.connectionId, reconnected.connectionId].join();
    } catch (err) {
        if (err instanceof AuthError) {
            const type: AuthErrorType = err.type;
            return type + err.message + err.stack;
        }
        throw err;
    }
}

nango.clear();
const pending = nango.win;
if (pending?.modal) {
    pending.modal.focus();
}

const props: ConnectUIProps = {
    baseURL: 'http://127.0.0.1:3003/connect',
    apiURL: 'http://127.0.0.1:3003',
    detectClosedAuthWindow: true,
    lang: 'fr',
    themeOverride: 'dark',
    onEvent: (event: ConnectUIEvent) => {
        switch (event.type) {
            case 'connect':
                console.log(event.payload.connectionId, event.payload.providerConfigKey, event.payload.isPending);
                break;
            case 'error':
                console.log(event.payload.errorType, event.payload.errorMessage);
                break;
            case 'settings_changed':
                console.log(event.payload.defaultTheme);
                break;
        }
    },
};
const ui: ConnectUI = nango.openConnectUI(props);
ui.setSessionToken('nango_connect_session_y');
const frame: HTMLIFrameElement | null = ui.iframe;
ui.close();
const direct = new ConnectUI({ sessionToken: 't' });
direct.open();
console.log(frame);
