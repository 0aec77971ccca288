import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { createLogger, type Logger } from '../logger.js';
import { withLock } from './cache.js';
import { launchServices } from './launch.js';
import { isPortOpen, LOCAL_HOST, PORT_SETTINGS, portFromEnv } from './ports.js';
import { isProcessRunningExecutable, stopPid } from './processes.js';
import type { RunningServices, ServiceName, ServiceOptions } from './types.js';

/** File in the data folder with the addresses and processes of the detached services. */
const STATE_FILE = 'services.json';
const LOCK_DIR = 'services.lock';
const SERVICE_NAMES: ServiceName[] = ['temporal', 'ferretdb'];

const processRecordSchema = z.object({
  executable: z.string(),
  port: z.number().int(),
  logFile: z.string(),
});

const stateSchema = z.object({
  temporalAddress: z.string(),
  temporalUiUrl: z.string(),
  mongoUri: z.string(),
  temporal: processRecordSchema,
  ferretdb: processRecordSchema,
});

type DetachedState = z.infer<typeof stateSchema>;
type ProcessRecord = z.infer<typeof processRecordSchema>;

/**
 * Starts Temporal and FerretDB as detached processes that outlive this one, for
 * `gradepush services start`. Writes `temporal.pid`, `ferretdb.pid` and services.json into
 * `dataDir`. A service whose process runs and whose port accepts connections is kept and not started again.
 */
export async function startDetachedServices(options: ServiceOptions): Promise<RunningServices> {
  const logger = options.logger ?? createLogger('services');
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });

  return withLock(path.join(dataDir, LOCK_DIR), logger, async () => {
    const previous = await readState(dataDir, logger);
    const temporalUp = await isServiceUp(dataDir, 'temporal', previous?.temporal);
    const ferretdbUp = await isServiceUp(dataDir, 'ferretdb', previous?.ferretdb);
    if (previous !== null && temporalUp && ferretdbUp) {
      logger.info({ dataDir }, 'Detached services are already running');
      return detachedHandle(dataDir, previous);
    }

    // A process that runs but refuses connections keeps its database files open, so stop it first.
    for (const name of SERVICE_NAMES) {
      const up = name === 'temporal' ? temporalUp : ferretdbUp;
      if (!up) {
        await stopRecordedProcess(dataDir, name, previous?.[name], logger);
      }
    }

    const launched = await launchServices(
      options,
      { temporal: !temporalUp, ferretdb: !ferretdbUp },
      true,
      logger,
    );
    const { temporal, ferretdb } = launched;
    const next: DetachedState = {
      temporalAddress: temporal?.address ?? previous?.temporalAddress ?? '',
      temporalUiUrl: temporal?.uiUrl ?? previous?.temporalUiUrl ?? '',
      mongoUri: ferretdb?.mongoUri ?? previous?.mongoUri ?? '',
      temporal: pickRecord(temporal ?? previous?.temporal),
      ferretdb: pickRecord(ferretdb ?? previous?.ferretdb),
    };
    await writeState(dataDir, next);
    if (temporal?.child.pid !== undefined) {
      await writeFile(pidFile(dataDir, 'temporal'), `${temporal.child.pid}\n`);
    }
    if (ferretdb?.child.pid !== undefined) {
      await writeFile(pidFile(dataDir, 'ferretdb'), `${ferretdb.child.pid}\n`);
    }
    return detachedHandle(dataDir, next);
  });
}

/** Stops the detached services of `dataDir` and returns the names of those that were running. */
export async function stopDetachedServices(dataDir: string): Promise<{ stopped: string[] }> {
  const logger = createLogger('services');
  const folder = path.resolve(dataDir);
  await mkdir(folder, { recursive: true });

  return withLock(path.join(folder, LOCK_DIR), logger, async () => {
    const state = await readState(folder, logger);
    const stopped: string[] = [];
    for (const name of SERVICE_NAMES) {
      if (await stopRecordedProcess(folder, name, state?.[name], logger)) {
        stopped.push(name);
      }
    }
    return { stopped };
  });
}

/**
 * Reports each detached service of `dataDir`: its pid while the process runs, its address
 * (the configured one when it never ran), and whether the process runs and its port accepts connections.
 */
export async function detachedServicesStatus(
  dataDir: string,
): Promise<{ name: string; pid: number | null; address: string; up: boolean }[]> {
  const folder = path.resolve(dataDir);
  const state = await readState(folder, createLogger('services'));
  const statuses = [];
  for (const name of SERVICE_NAMES) {
    const record = state?.[name];
    const pid = await readPidFile(folder, name);
    const running =
      pid !== null &&
      record !== undefined &&
      (await isProcessRunningExecutable(pid, record.executable));
    const up = running && (await isPortOpen(record.port));
    statuses.push({
      name,
      pid: running ? pid : null,
      address: addressOf(name, state),
      up,
    });
  }
  return statuses;
}

function addressOf(name: ServiceName, state: DetachedState | null): string {
  if (name === 'temporal') {
    const port = portFromEnv(PORT_SETTINGS.temporal.env) ?? PORT_SETTINGS.temporal.defaultPort;
    return state?.temporalAddress || `${LOCAL_HOST}:${port}`;
  }
  const port = portFromEnv(PORT_SETTINGS.mongo.env) ?? PORT_SETTINGS.mongo.defaultPort;
  return state?.mongoUri || `mongodb://${LOCAL_HOST}:${port}/`;
}

function detachedHandle(dataDir: string, state: DetachedState): RunningServices {
  let stopping: Promise<void> | null = null;
  return {
    temporalAddress: state.temporalAddress,
    temporalUiUrl: state.temporalUiUrl,
    mongoUri: state.mongoUri,
    stop() {
      stopping ??= stopDetachedServices(dataDir).then(() => undefined);
      return stopping;
    },
  };
}

async function isServiceUp(
  dataDir: string,
  name: ServiceName,
  record: ProcessRecord | undefined,
): Promise<boolean> {
  const pid = await readPidFile(dataDir, name);
  if (pid === null || record === undefined) {
    return false;
  }
  return (
    (await isProcessRunningExecutable(pid, record.executable)) && (await isPortOpen(record.port))
  );
}

/**
 * Stops the process in the service's pid file when it still runs the recorded executable, and
 * removes the pid file. Returns true when a process was stopped.
 */
async function stopRecordedProcess(
  dataDir: string,
  name: ServiceName,
  record: ProcessRecord | undefined,
  logger: Logger,
): Promise<boolean> {
  const pid = await readPidFile(dataDir, name);
  if (pid === null) {
    return false;
  }
  let stopped = false;
  if (record === undefined) {
    logger.warn(
      { service: name, pid, dataDir },
      `Not stopping pid ${pid}: ${STATE_FILE} is missing, so it may belong to another program`,
    );
  } else if (await isProcessRunningExecutable(pid, record.executable)) {
    stopped = await stopPid(pid, name, logger);
    if (stopped) {
      logger.info({ service: name, pid }, 'Stopped detached service');
    }
  }
  await rm(pidFile(dataDir, name), { force: true });
  return stopped;
}

function pidFile(dataDir: string, name: ServiceName): string {
  return path.join(dataDir, `${name}.pid`);
}

async function readPidFile(dataDir: string, name: ServiceName): Promise<number | null> {
  let text: string;
  try {
    text = await readFile(pidFile(dataDir, name), 'utf8');
  } catch {
    return null;
  }
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

async function readState(dataDir: string, logger: Logger): Promise<DetachedState | null> {
  const file = path.join(dataDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    return stateSchema.parse(JSON.parse(text));
  } catch (error) {
    logger.warn({ err: error, file }, `Ignoring an invalid ${STATE_FILE}`);
    return null;
  }
}

/** Writes services.json through a rename, so a concurrent reader never sees half a file. */
async function writeState(dataDir: string, state: DetachedState): Promise<void> {
  const file = path.join(dataDir, STATE_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, file);
}

function pickRecord(record: ProcessRecord | undefined): ProcessRecord {
  if (record === undefined) {
    throw new Error('A detached service was neither running nor started.');
  }
  return { executable: record.executable, port: record.port, logFile: record.logFile };
}
