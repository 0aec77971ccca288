import { Client, Connection } from '@temporalio/client';
import { connectDatabase, type Database } from './db/mongo.js';
import { dbName, taskQueue, temporalNamespace } from './config.js';
import type { Logger } from './logger.js';
import { createPushService, type PushService } from './pushes/service.js';

export interface ServiceAddresses {
  temporalAddress: string;
  mongoUri: string;
}

/** Connections one process shares: the database, the Temporal client and the push service. */
export interface Runtime {
  database: Database;
  connection: Connection;
  client: Client;
  pushes: PushService;
  taskQueue: string;
  namespace: string;
  checkReadiness(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export async function connectRuntime(
  addresses: ServiceAddresses,
  logger: Logger,
): Promise<Runtime> {
  const database = await connectDatabase(addresses.mongoUri, dbName());
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: addresses.temporalAddress });
  } catch (error) {
    await database.close();
    throw new Error(
      `cannot reach Temporal at ${addresses.temporalAddress}: ${(error as Error).message}; start it with \`gradepush services start\` or set TEMPORAL_ADDRESS`,
      { cause: error },
    );
  }
  const namespace = temporalNamespace();
  const client = new Client({ connection, namespace });
  const queue = taskQueue();
  const pushes = createPushService({
    client,
    collections: database.collections,
    taskQueue: queue,
    logger: logger.child({ component: 'pushes' }),
  });
  return {
    database,
    connection,
    client,
    pushes,
    taskQueue: queue,
    namespace,
    async checkReadiness() {
      const [mongo, temporal] = await Promise.allSettled([
        database.db.command({ ping: 1 }),
        connection.healthService.check({}),
      ]);
      return {
        mongodb: mongo.status === 'fulfilled' ? 'ok' : `failed: ${String(mongo.reason)}`,
        temporal: temporal.status === 'fulfilled' ? 'ok' : `failed: ${String(temporal.reason)}`,
      };
    },
    async close() {
      await connection.close();
      await database.close();
    },
  };
}
