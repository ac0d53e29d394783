// Type declarations of nango-wasm. They mirror @nangohq/frontend 0.71.x (index.d.ts, types.d.ts,
// authModal.d.ts), so an app can switch by changing its import, plus nango-wasm's additions,
// each marked "nango-wasm:".

/** Nango's declared error types, plus those nango-wasm adds. A server may send any other string. */
export type AuthErrorType =
    | 'missing_auth_token'
    | 'blocked_by_browser'
    | 'invalid_host_url'
    | 'missing_credentials'
    | 'window_closed'
    | 'connection_test_failed'
    | 'missing_connect_session_token'
    | 'connection_validation_failed'
    | 'resource_capped'
    | 'unknown_error'
    /** nango-wasm: the user refused consent at the provider (Nango reports it as `callback_err`). */
    | 'access_denied'
    /** nango-wasm: the `timeout` option elapsed with no result. */
    | 'timeout'
    /** nango-wasm: the `signal` option was aborted, or `clear()` was called during the flow. */
    | 'aborted'
    /** nango-wasm: a newer `auth()` on the same instance started before this one settled. */
    | 'superseded'
    /** nango-wasm: an argument or option has the wrong type (thrown synchronously). */
    | 'invalid_options'
    /** nango-wasm: WebAssembly could not run (CSP without 'wasm-unsafe-eval', server-side rendering, …). */
    | 'wasm_unavailable'
    /** nango-wasm: with transport 'websocket', the socket failed and could not be resumed. */
    | 'websocket_failed'
    /** nango-wasm: a request to the Nango server got no answer (offline, DNS, CORS). */
    | 'network_error'
    /** nango-wasm: the Nango server answered with something that is not its JSON (a proxy's error page). */
    | 'invalid_response'
    /** nango-wasm: the popup reported a success nothing binds to this call (no nonce of this call, no WebSocket to deliver it). */
    | 'unverified_result'
    // Server-side types (callback_err, url_param_err, unknown_connect_session_token, …) pass through.
    | (string & {});

export interface ConnectionResponseSuccess {
    providerConfigKey: string;
    connectionId: string;
    isPending?: boolean;
}
export type AuthResult = ConnectionResponseSuccess;
export type AuthSuccess = AuthResult;

/** nango-wasm: how the result of a popup flow travels back. */
export type AuthTransport = 'auto' | 'postMessage' | 'websocket';

/** nango-wasm options, accepted by every auth() and reconnect() call. */
export interface NangoWasmAuthOptions {
    /**
     * nango-wasm: milliseconds to wait for a result before rejecting with type `timeout`.
     * Must be positive; `Infinity` waits forever.
     * @default 900000 (15 minutes)
     */
    timeout?: number;
    /**
     * nango-wasm: aborting this signal rejects the call with type `aborted` and closes the popup.
     * Anything else than an AbortSignal (or null) throws `invalid_options`.
     */
    signal?: AbortSignal;
    /**
     * nango-wasm: `'websocket'` is Nango's channel, `'postMessage'` the callback page's, `'auto'`
     * listens on both and takes the first result.
     * @default 'auto'
     */
    transport?: AuthTransport;
}

export type AuthOptions = {
    detectClosedAuthWindow?: boolean;
} & NangoWasmAuthOptions &
    (ConnectionConfig | OAuthCredentialsOverride);

export type ErrorHandler = (errorType: AuthErrorType, errorDesc: string) => void;

export interface ConnectionConfig {
    params?: Record<string, string>;
    hmac?: string;
    user_scope?: string[];
    authorization_params?: Record<string, string | undefined>;
    installation?: 'outbound';
    assertionOption?: Record<string, string>;
    credentials?:
        | OAuthCredentialsOverride
        | BasicApiCredentials
        | ApiKeyCredentials
        | TBACredentials
        | JwtCredentials
        | TwoStepCredentials
        | OAuth2ClientCredentials
        | SignatureCredentials
        | AwsSigV4Credentials;
}
export interface OAuthCredentialsOverride {
    oauth_client_id_override: string;
    oauth_client_secret_override: string;
    oauth_refresh_token_override?: string;
}
export interface BasicApiCredentials {
    username?: string;
    password?: string;
}
export interface ApiKeyCredentials {
    apiKey?: string;
}
export interface TBACredentials {
    token_id: string;
    token_secret: string;
    oauth_client_id_override?: string;
    oauth_client_secret_override?: string;
}
export interface JwtCredentials {
    type?: 'JWT';
    [key: string]: any;
}
export interface OAuth2ClientCredentials {
    client_id: string;
    client_secret?: string;
    client_certificate?: string;
    client_private_key?: string;
}
export interface BillCredentials {
    username: string;
    password: string;
    organization_id: string;
    dev_key: string;
}
export interface TwoStepCredentials {
    type: 'TWO_STEP';
    [key: string]: any;
}
export interface SignatureCredentials {
    type: 'SIGNATURE';
    username: string;
    password: string;
}
export interface AwsSigV4Credentials {
    type: 'AWS_SIGV4';
    role_arn: string;
    region?: string;
}

export type Theme = 'light' | 'dark' | 'system';
export type MaybePromise<T> = T | Promise<T>;

export interface ConnectUISettings {
    theme: { light: { primary: string }; dark: { primary: string } };
    defaultTheme: Theme;
    showWatermark: boolean;
}
export interface ConnectUIEventToken {
    type: 'session_token';
    sessionToken: string;
}
export interface ConnectUIEventReady {
    type: 'ready';
}
export interface ConnectUIEventClose {
    type: 'close';
}
export interface ConnectUIEventConnect {
    type: 'connect';
    payload: AuthResult;
}
export interface ConnectUIEventError {
    type: 'error';
    payload: {
        errorType: AuthErrorType;
        errorMessage: string;
    };
}
export interface ConnectUIEventSettingsChanged {
    type: 'settings_changed';
    payload: ConnectUISettings;
}
export type ConnectUIEvent =
    | ConnectUIEventReady
    | ConnectUIEventClose
    | ConnectUIEventConnect
    | ConnectUIEventError
    | ConnectUIEventSettingsChanged;
export type OnConnectEvent = (event: ConnectUIEvent) => MaybePromise<void>;

export interface ConnectUIProps {
    /** The unique token to identify your user. It is required to make UI work but can be set asynchronously. */
    sessionToken?: string | undefined;
    /**
     * The base URL to load the UI.
     * @default `https://connect.nango.dev`
     */
    baseURL?: string;
    /**
     * The base URL to reach Nango API.
     * @default `https://api.nango.dev`
     */
    apiURL?: string;
    /** A callback to listen to events sent by Nango Connect. */
    onEvent?: OnConnectEvent;
    /**
     * Control OAuth popup close detection.
     * @default false
     */
    detectClosedAuthWindow?: boolean;
    /** The language to use for the UI, e.g. `en` or `fr`. */
    lang?: string;
    /** The theme (light, dark, system) to use for the UI. */
    themeOverride?: Theme;
}

/**
 * Nango's Connect UI in a full-page iframe. nango-wasm posts the session token to the Connect UI's
 * exact origin (never '*'), accepts messages only from that origin and from its own iframe, never
 * leaves a second iframe, and restores the page's previous body overflow on close().
 */
export declare class ConnectUI {
    iframe: HTMLIFrameElement | null;
    constructor(props: ConnectUIProps);
    open(): void;
    setSessionToken(sessionToken: string): void;
    close(): void;
}

export type NangoOptions = {
    host?: string;
    websocketsPath?: string;
    width?: number;
    height?: number;
    debug?: boolean;
} & (
    | {
          connectSessionToken?: string;
          publicKey?: never;
      }
    | {
          connectSessionToken?: never;
          publicKey?: string;
      }
);

export declare class AuthError extends Error {
    type: AuthErrorType;
    /**
     * nango-wasm: for `invalid_options` thrown because reading an option threw (a getter, a
     * Proxy trap), what it threw.
     */
    cause?: unknown;
    constructor(message: string, type: AuthErrorType, options?: { cause?: unknown });
}

/** The value of `nango.win` while a popup flow is pending. */
export declare class AuthorizationModal {
    modal?: Window;
    isProcessingMessage: boolean;
    close(): void;
}

export default class Nango {
    /** The pending popup flow, or null. Part of the public API, as in @nangohq/frontend. */
    win: AuthorizationModal | null;
    /**
     * @throws {AuthError} `invalid_host_url`, or nango-wasm's `invalid_options`. nango-wasm: made
     * before nango.wasm runs (see `ready`), the instance is checked once it does, and the first
     * call after that throws (or rejects with) the error instead; an option whose reading throws
     * is thrown at once.
     */
    constructor(config?: NangoOptions);
    /**
     * Creates a connection for an integration without authentication (auth mode NONE).
     * Every failure rejects, as in @nangohq/frontend.
     */
    create(providerConfigKey: string, connectionConfig?: ConnectionConfig): Promise<AuthSuccess>;
    create(providerConfigKey: string, connectionId: string, connectionConfig?: ConnectionConfig): Promise<AuthSuccess>;
    /**
     * Opens the authorization popup. Call it synchronously from a user gesture (a click handler).
     * nango-wasm: called before nango.wasm runs, it opens the popup at once and goes on once it
     * runs; what it would throw synchronously then rejects instead.
     * @throws {AuthError} `missing_auth_token`, synchronously, as in @nangohq/frontend.
     */
    auth(providerConfigKey: string, options?: AuthOptions): Promise<AuthSuccess>;
    auth(providerConfigKey: string, connectionId: string, options?: AuthOptions): Promise<AuthSuccess>;
    /** @throws {AuthError} `missing_connect_session_token`, synchronously. */
    reconnect(providerConfigKey: string, options?: AuthOptions): Promise<AuthSuccess>;
    /** Forgets the pending flow and closes its popup 500 ms later; the pending auth() rejects (`aborted`). */
    clear(): void;
    /** Opens Nango's Connect UI with this instance's session token (overridable in params). */
    openConnectUI(params: ConnectUIProps): ConnectUI;
}
export { Nango };

/**
 * nango-wasm: resolves once nango.wasm runs; rejects with an `AuthError` of type
 * `wasm_unavailable` (and what went wrong) when it cannot. Importing the module starts the load
 * in a browser and never waits for it; calls made before it is ready wait themselves, so awaiting
 * this is optional.
 */
export declare function ready(): Promise<void>;

/** nango-wasm: what benchmarks and leak tests watch; null while nango.wasm is not running. */
export declare function debugStats(): { liveFuncs: number; wasmMemoryBytes: number } | null;
