import { createHmac } from 'node:crypto';

/** The secret the e2e apps are started with. */
export const TEST_JWT_SECRET = 'e2e-secret-with-enough-entropy';

/** An HS256 JWT, signed here so tests do not trust the code under test to sign. */
export function signJwt(payload: Record<string, unknown>, secret = TEST_JWT_SECRET): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ iat: Math.floor(Date.now() / 1000), ...payload })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
