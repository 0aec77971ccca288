import { createLogger, type Logger } from '../logger.js';
import { launchServices, type LaunchedServices } from './launch.js';
import { stopChild } from './processes.js';
import type { RunningServices, ServiceOptions } from './types.js';

export type { RunningServices, ServiceOptions } from './types.js';
export { freePort } from './ports.js';
export { ensureTemporalCli } from './temporal.js';
export { ensureFerretDb } from './ferretdb.js';
export { detachedServicesStatus, startDetachedServices, stopDetachedServices } from './detached.js';

/**
 * Starts Temporal and FerretDB as child processes of this process. They stop on stop() and
 * receive SIGTERM when this process exits.
 */
export async function startServices(options: ServiceOptions): Promise<RunningServices> {
  const logger = options.logger ?? createLogger('services');
  const launched = await launchServices(options, { temporal: true, ferretdb: true }, false, logger);
  return attachedHandle(launched, {}, logger);
}

/**
 * Returns addresses for both services, starting only those that the environment does not
 * configure: TEMPORAL_ADDRESS names an external Temporal server and MONGODB_URI an external
 * MongoDB. stop() stops only the services started here.
 */
export async function resolveServices(options: ServiceOptions): Promise<RunningServices> {
  const logger = options.logger ?? createLogger('services');
  const temporalAddress = nonEmpty(process.env.TEMPORAL_ADDRESS);
  const mongoUri = nonEmpty(process.env.MONGODB_URI);
  if (temporalAddress !== undefined) {
    logger.info({ temporalAddress }, 'Using the Temporal server from TEMPORAL_ADDRESS');
  }
  if (mongoUri !== undefined) {
    logger.info('Using the MongoDB server from MONGODB_URI');
  }

  const launched = await launchServices(
    options,
    { temporal: temporalAddress === undefined, ferretdb: mongoUri === undefined },
    false,
    logger,
  );
  return attachedHandle(launched, { temporalAddress, mongoUri }, logger);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function attachedHandle(
  launched: LaunchedServices,
  external: { temporalAddress?: string; mongoUri?: string },
  logger: Logger,
): RunningServices {
  const { temporal, ferretdb } = launched;
  let stopping: Promise<void> | null = null;
  return {
    temporalAddress: temporal?.address ?? external.temporalAddress ?? '',
    temporalUiUrl: temporal?.uiUrl ?? '',
    mongoUri: ferretdb?.mongoUri ?? external.mongoUri ?? '',
    stop() {
      stopping ??= (async () => {
        if (temporal === undefined && ferretdb === undefined) {
          return;
        }
        await Promise.all([
          temporal && stopChild(temporal.child, 'temporal', logger),
          ferretdb && stopChild(ferretdb.child, 'ferretdb', logger),
        ]);
        logger.info('Stopped the local services');
      })();
      return stopping;
    },
  };
}
