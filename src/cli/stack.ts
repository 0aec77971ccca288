import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDir } from '../config.js';
import type { Logger } from '../logger.js';
import { connectRuntime, type Runtime } from '../runtime.js';
import { resolveServices } from '../services/index.js';
import { isPortOpen, PORT_SETTINGS } from '../services/ports.js';
import type { RunningServices } from '../services/types.js';
import { createPushWorker, type PushWorker } from '../worker/worker.js';
import { installTemporalRuntime } from '../worker/runtime.js';
import { configuredAddresses } from './addresses.js';

/** Repository root, found from this compiled file (dist/src/cli). */
export const repoRoot = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const demoBundle = path.join(repoRoot, 'demo', 'district');
export const sampleSetupFile = path.join(repoRoot, 'demo', 'grading-setup.json');

/**
 * Returns the services to use: the ones TEMPORAL_ADDRESS and MONGODB_URI name, local services
 * already listening on the configured ports, or new local ones (which `stop()` stops again).
 */
export async function ensureServices(logger: Logger): Promise<RunningServices> {
  if (process.env.TEMPORAL_ADDRESS === undefined && process.env.MONGODB_URI === undefined) {
    const addresses = configuredAddresses();
    const temporalPort = Number(addresses.temporalAddress.split(':').pop());
    const mongoPort = Number(new URL(addresses.mongoUri).port);
    if ((await isPortOpen(temporalPort)) && (await isPortOpen(mongoPort))) {
      logger.info(addresses, 'Using the local services already running');
      const uiPort = Number(
        process.env[PORT_SETTINGS.temporalUi.env] ?? PORT_SETTINGS.temporalUi.defaultPort,
      );
      return { ...addresses, temporalUiUrl: `http://127.0.0.1:${uiPort}`, stop: async () => {} };
    }
  }
  return resolveServices({ dataDir: dataDir(), logger });
}

export interface Stack {
  services: RunningServices;
  runtime: Runtime;
  worker: PushWorker;
  workerRun: Promise<void>;
  stop(): Promise<void>;
}

/** Starts (or reuses) the services, connects, and runs a worker in this process. */
export async function startStack(
  logger: Logger,
  options: { metricsAddress?: string } = {},
): Promise<Stack> {
  const services = await ensureServices(logger);
  let runtime: Runtime;
  try {
    runtime = await connectRuntime(services, logger);
  } catch (error) {
    await services.stop();
    throw error;
  }
  installTemporalRuntime(logger, options.metricsAddress);
  const worker = await createPushWorker({
    temporalAddress: services.temporalAddress,
    namespace: runtime.namespace,
    taskQueue: runtime.taskQueue,
    collections: runtime.database.collections,
    logger: logger.child({ component: 'worker' }),
  });
  const workerRun = worker.run();
  let stopped: Promise<void> | null = null;
  return {
    services,
    runtime,
    worker,
    workerRun,
    stop() {
      stopped ??= (async () => {
        await worker
          .shutdown()
          .catch((error: unknown) => logger.error({ err: error }, 'Worker shutdown failed'));
        await runtime.close();
        await services.stop();
      })();
      return stopped;
    },
  };
}
