// The Connect UI's visible strings. English is the default; ?lang=fr (or a French browser)
// switches to French. {name}-style placeholders are filled by t().
const strings = {
  en: {
    title: 'Connect an account',
    choose: 'Choose the service you want to connect.',
    search: 'Search integrations',
    noMatch: 'No integration matches “{query}”.',
    close: 'Close',
    back: 'Back',
    loading: 'Loading…',
    connect: 'Connect',
    connecting: 'Connecting…',
    finish: 'Finish',
    tryAgain: 'Try again',
    connectTo: 'Connect to {name}',
    willConnect: 'Click Connect to authorize {name}. A window opens where you sign in.',
    reconnecting: 'You are reconnecting your {name} account.',
    guide: 'How to connect {name}',
    docFor: 'Where to find: {title}',
    optional: 'optional',
    required: '{title} is required.',
    invalid: 'Incorrect {title}.',
    invalidExample: 'Incorrect {title}. For example: {example}.',
    invalidChoice: 'Choose one of the listed values for {title}.',
    success: 'Connected',
    successText: 'Your {name} account is connected. You can close this window.',
    noIntegrations: 'No integration is available for this session.',
    sessionInvalid: 'This connection link has expired or is not valid. Ask for a new one.',
    apiNotAllowed: 'This connection link names an API this Connect UI does not work with. It works with {api}.',
    unknownError: 'Something went wrong. Try again.',
    popupBlocked: 'The browser blocked the sign-in window. Allow pop-ups for this site, then try again.',
    popupClosed: 'The sign-in window was closed before the connection was complete.',
    invalidCredentials: 'These credentials were rejected. Check them and try again.',
    accessDenied: 'Access was not granted. Try again to connect.',
    apiKey: 'API key',
    username: 'Username',
    password: 'Password',
    poweredBy: 'Secured by Nango (nango-wasm dev server)',
  },
  fr: {
    title: 'Connecter un compte',
    choose: 'Choisissez le service à connecter.',
    search: 'Rechercher une intégration',
    noMatch: 'Aucune intégration ne correspond à « {query} ».',
    close: 'Fermer',
    back: 'Retour',
    loading: 'Chargement…',
    connect: 'Connecter',
    connecting: 'Connexion…',
    finish: 'Terminer',
    tryAgain: 'Réessayer',
    connectTo: 'Connexion à {name}',
    willConnect: 'Cliquez sur Connecter pour autoriser {name}. Une fenêtre s’ouvre pour vous identifier.',
    reconnecting: 'Vous reconnectez votre compte {name}.',
    guide: 'Comment connecter {name}',
    docFor: 'Où trouver : {title}',
    optional: 'facultatif',
    required: '{title} est obligatoire.',
    invalid: '{title} incorrect.',
    invalidExample: '{title} incorrect. Par exemple : {example}.',
    invalidChoice: 'Choisissez une des valeurs proposées pour {title}.',
    success: 'Connecté',
    successText: 'Votre compte {name} est connecté. Vous pouvez fermer cette fenêtre.',
    noIntegrations: 'Aucune intégration n’est disponible pour cette session.',
    sessionInvalid: 'Ce lien de connexion a expiré ou n’est pas valide. Demandez-en un nouveau.',
    apiNotAllowed: 'Ce lien de connexion désigne une API avec laquelle cette Connect UI ne fonctionne pas. Elle fonctionne avec {api}.',
    unknownError: 'Une erreur est survenue. Réessayez.',
    popupBlocked: 'Le navigateur a bloqué la fenêtre de connexion. Autorisez les fenêtres pop-up pour ce site, puis réessayez.',
    popupClosed: 'La fenêtre de connexion a été fermée avant la fin de la connexion.',
    invalidCredentials: 'Ces identifiants ont été refusés. Vérifiez-les et réessayez.',
    accessDenied: 'L’accès n’a pas été accordé. Réessayez de vous connecter.',
    apiKey: 'Clé d’API',
    username: 'Nom d’utilisateur',
    password: 'Mot de passe',
    poweredBy: 'Sécurisé par Nango (serveur de développement nango-wasm)',
  },
};

let current = strings.en;

/** setLang picks the strings for a language tag such as "fr" or "fr-CA"; unknown tags fall back to English. */
export function setLang(tag) {
  const base = String(tag || '').toLowerCase().split('-')[0];
  current = strings[base] || strings.en;
  document.documentElement.lang = strings[base] ? base : 'en';
  return document.documentElement.lang;
}

/** t returns the string for key, with {placeholders} filled from vars. */
export function t(key, vars = {}) {
  const s = current[key] ?? strings.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}
