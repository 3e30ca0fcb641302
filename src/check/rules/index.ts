import { CheckRule } from '../rule';
import { corsWildcard } from './cors-wildcard';
import { filterMissing } from './filter-missing';
import { gatewayServerOptions } from './gateway-server-options';
import { generatedOutdated } from './generated-outdated';
import { handshakeAuthMissing } from './handshake-auth-missing';
import { inMemoryPresence } from './in-memory-presence';
import { lifecycleMayThrow } from './lifecycle-may-throw';
import { redisNoErrorListener } from './redis-no-error-listener';
import { unvalidatedPayload } from './unvalidated-payload';
import { verifyPerMessage } from './verify-per-message';

/** Every rule of SPEC §8, in the order of its table. */
export const RULES: CheckRule[] = [
  corsWildcard,
  gatewayServerOptions,
  handshakeAuthMissing,
  verifyPerMessage,
  filterMissing,
  lifecycleMayThrow,
  inMemoryPresence,
  unvalidatedPayload,
  redisNoErrorListener,
  generatedOutdated,
];

export const RULE_IDS = RULES.map((rule) => rule.id);
