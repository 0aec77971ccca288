import type { Collections } from '../db/mongo.js';
import type { Claims } from '../auth/claims.js';
import type { Logger } from '../logger.js';
import type { PushService } from '../pushes/service.js';

export interface ApiDependencies {
  collections: Collections;
  pushes: PushService;
  jwtSecret: string;
  logger: Logger;
  /** Reports per dependency "ok", or why it is unreachable. */
  checkReadiness: () => Promise<Record<string, string>>;
}

export interface AppEnv {
  Variables: {
    claims: Claims;
    requestId: string;
  };
}
