/**
 * Ports and client registrations the CLI (`tsx local/fakes/src/main.ts`) starts with, so the start
 * command and the services can be pointed at the same values. They are fakes for the fakes only:
 * none of them is a real credential.
 */
export const FAKE_DEFAULTS = {
  googlePort: 3101,
  slackPort: 3102,
  googleClientId: 'flowgenie-local.apps.googleusercontent.com',
  googleClientSecret: 'flowgenie-local-google-secret',
  slackClientId: '1000000001.2000000002',
  slackClientSecret: 'flowgenie-local-slack-secret',
  slackSigningSecret: 'flowgenie-local-signing-secret',
  redirectUris: ['https://localhost:8443/*'],
};
