import Nango, { AuthError, ready } from 'nango-wasm';
import { startApp } from './app.js';

window.appStartedAt = performance.now(); // the app's first line: the SDK's module has run by now
startApp({ Nango, AuthError, ready });
