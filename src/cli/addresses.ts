import { PORT_SETTINGS } from '../services/ports.js';
import type { ServiceAddresses } from '../runtime.js';

function portFromEnv(name: keyof typeof PORT_SETTINGS): number {
  const setting = PORT_SETTINGS[name];
  const value = process.env[setting.env];
  if (value === undefined || value === '') return setting.defaultPort;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${setting.env}="${value}" is not a TCP port; set a number from 1 to 65535`);
  }
  return port;
}

/**
 * Addresses of the services a command talks to: TEMPORAL_ADDRESS and MONGODB_URI when set,
 * otherwise the local services that `gradepush services start` or `npm start` run.
 */
export function configuredAddresses(): ServiceAddresses {
  return {
    temporalAddress: process.env.TEMPORAL_ADDRESS ?? `127.0.0.1:${portFromEnv('temporal')}`,
    mongoUri: process.env.MONGODB_URI ?? `mongodb://127.0.0.1:${portFromEnv('mongo')}/`,
  };
}
