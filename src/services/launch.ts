import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { temporalNamespace } from '../config.js';
import type { Logger } from '../logger.js';
import { ensureFerretDb, startFerretDb, type FerretDbProcess } from './ferretdb.js';
import { resolvePorts, type PortName } from './ports.js';
import { stopChild } from './processes.js';
import { ensureTemporalCli, startTemporal, type TemporalProcess } from './temporal.js';
import type { ServiceOptions } from './types.js';

export interface LaunchedServices {
  temporal?: TemporalProcess;
  ferretdb?: FerretDbProcess;
}

/**
 * Starts the selected services in parallel and waits until each is ready. Ports are resolved
 * first, so a busy port fails before any download or build. When one service fails, the others
 * are stopped again before the error is thrown.
 */
export async function launchServices(
  options: ServiceOptions,
  selection: { temporal: boolean; ferretdb: boolean },
  detached: boolean,
  logger: Logger,
): Promise<LaunchedServices> {
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });

  const names: PortName[] = [];
  if (selection.temporal) {
    names.push('temporal', 'temporalUi');
  }
  if (selection.ferretdb) {
    names.push('mongo');
  }
  // Temporal also needs ports for its HTTP API and metrics endpoint.
  const { ports, extra } = await resolvePorts(names, options, selection.temporal ? 2 : 0);

  const startTemporalWhenSelected = async (): Promise<TemporalProcess | undefined> => {
    if (!selection.temporal) {
      return undefined;
    }
    const binary = await ensureTemporalCli(logger);
    const [httpPort, metricsPort] = extra;
    return startTemporal({
      binary,
      dataDir,
      port: ports.temporal,
      uiPort: ports.temporalUi,
      httpPort: httpPort ?? 0,
      metricsPort: metricsPort ?? 0,
      namespace: temporalNamespace(),
      detached,
      logger,
    });
  };
  const startFerretDbWhenSelected = async (): Promise<FerretDbProcess | undefined> => {
    if (!selection.ferretdb) {
      return undefined;
    }
    const binary = await ensureFerretDb(logger);
    return startFerretDb({ binary, dataDir, port: ports.mongo, detached, logger });
  };

  const [temporal, ferretdb] = await Promise.allSettled([
    startTemporalWhenSelected(),
    startFerretDbWhenSelected(),
  ]);
  if (temporal.status === 'fulfilled' && ferretdb.status === 'fulfilled') {
    return { temporal: temporal.value, ferretdb: ferretdb.value };
  }

  if (temporal.status === 'fulfilled' && temporal.value !== undefined) {
    await stopChild(temporal.value.child, 'temporal', logger);
  }
  if (ferretdb.status === 'fulfilled' && ferretdb.value !== undefined) {
    await stopChild(ferretdb.value.child, 'ferretdb', logger);
  }
  const errors = [temporal, ferretdb]
    .filter((result) => result.status === 'rejected')
    .map((result) => result.reason as unknown);
  if (errors.length === 1) {
    throw errors[0];
  }
  const messages = errors.map((error) => (error instanceof Error ? error.message : String(error)));
  throw new AggregateError(
    errors,
    `Failed to start Temporal and FerretDB:\n${messages.join('\n')}`,
  );
}
