// oidc-provider 8 ships no type declarations; the tests use a handful of its calls.
declare module 'oidc-provider';
