import { serve, type ServerType } from '@hono/node-server';
import type { Logger } from '../logger.js';
import type { Runtime } from '../runtime.js';
import { createApp } from './app.js';

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the API on host:port (port 0 picks a free one). */
export async function startApiServer(options: {
  runtime: Runtime;
  jwtSecret: string;
  logger: Logger;
  host: string;
  port: number;
}): Promise<ApiServer> {
  const { runtime, logger } = options;
  const app = createApp({
    collections: runtime.database.collections,
    pushes: runtime.pushes,
    jwtSecret: options.jwtSecret,
    logger,
    checkReadiness: () => runtime.checkReadiness(),
  });
  const { server, port } = await new Promise<{ server: ServerType; port: number }>(
    (resolve, reject) => {
      const server = serve(
        { fetch: app.fetch, hostname: options.host, port: options.port },
        (info) => resolve({ server, port: info.port }),
      );
      server.once('error', reject);
    },
  );
  const url = `http://${options.host}:${port}`;
  logger.info({ url }, 'API started');
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        logger.info({ url }, 'API stopped');
      }),
  };
}
