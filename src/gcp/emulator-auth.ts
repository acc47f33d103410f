import { OAuth2Client } from 'google-auth-library';

/** An auth client that sends a dummy bearer token: the emulators do not check it. */
export function dummyAuthClient(): OAuth2Client {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'emulator-dummy-token', expiry_date: Date.now() + 365 * 24 * 3600 * 1000 });
  return auth;
}
