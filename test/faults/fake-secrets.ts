/**
 * Fake credentials for the secrets checks: distinctive strings that must never show up in a log
 * line, a run record or a row. Nothing here is a real key or token.
 */
const TOKEN = 'ya29.FAKE-TOKEN-must-never-be-logged-4b7d1e';
const KEY = 'FAKEPRIVATEKEYmustneverbelogged9c2a';
const REFRESH = '1//FAKE-REFRESH-must-never-be-logged-77aa';

export const FAKE_SECRETS = {
  strings: [TOKEN, KEY, REFRESH],
  serviceAccount: {
    type: 'service_account',
    project_id: 'local-project',
    private_key_id: 'fake-key-id',
    private_key: `-----BEGIN PRIVATE KEY-----\n${KEY}\n-----END PRIVATE KEY-----\n`,
    client_email: 'fake@local-project.iam.gserviceaccount.com',
    client_id: '1',
    token_uri: 'http://127.0.0.1:9/token',
  },
};

/** Environment variables through which a token or a key file could reach a process. */
export function fakeCredentialsEnv(credentialsFile: string): NodeJS.ProcessEnv {
  return {
    GOOGLE_APPLICATION_CREDENTIALS: credentialsFile,
    CLOUDSDK_AUTH_ACCESS_TOKEN: TOKEN,
    GOOGLE_OAUTH_ACCESS_TOKEN: TOKEN,
    GCE_METADATA_TOKEN: TOKEN,
    GOOGLE_REFRESH_TOKEN: REFRESH,
  };
}
