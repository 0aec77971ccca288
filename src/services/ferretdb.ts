import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MongoClient } from 'mongodb';
import { createLogger, type Logger } from '../logger.js';
import { binaryCacheDir, isExecutableFile, withLock } from './cache.js';
import { isPortOpen, LOCAL_HOST } from './ports.js';
import { runCommand, spawnService, stopChild, waitUntilReady } from './processes.js';

const READY_TIMEOUT_MS = 30_000;
const PROBE_TIMEOUT_MS = 1000;
const GO_BUILD_TIMEOUT_MS = 30 * 60_000;
/** Files of the wrapper module whose content determines the built binary. */
const SOURCE_FILES = ['go.mod', 'go.sum', 'main.go'];

/**
 * Returns the path of a FerretDB binary built from tools/ferretdb, building it into the binary
 * cache when needed. FERRETDB_BIN overrides it and must name a binary with the same flags.
 * Building needs Go on PATH and downloads modules through the Go module proxy on a cold cache.
 */
export async function ensureFerretDb(logger: Logger = createLogger('services')): Promise<string> {
  const override = process.env.FERRETDB_BIN;
  if (override) {
    const binary = path.resolve(override);
    if (!(await isExecutableFile(binary))) {
      throw new Error(
        `FERRETDB_BIN is set to ${override}, which is not an executable file. ` +
          'Point it to a binary built from tools/ferretdb or unset it.',
      );
    }
    return binary;
  }

  const sourceDir = await findWrapperSource();
  const { version, hash } = await describeSource(sourceDir);
  const cacheRoot = binaryCacheDir();
  const target = path.join(cacheRoot, `ferretdb-${version}-${hash}`);
  if (await isExecutableFile(target)) {
    return target;
  }

  return withLock(path.join(cacheRoot, 'ferretdb-install.lock'), logger, async () => {
    if (!(await isExecutableFile(target))) {
      await buildWrapper(sourceDir, target, logger);
    }
    return target;
  });
}

/** Finds tools/ferretdb from this file, which runs from src/services or dist/src/services. */
async function findWrapperSource(): Promise<string> {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(folder, 'tools', 'ferretdb');
    if (await isReadableFile(path.join(candidate, 'go.mod'))) {
      return candidate;
    }
    const parent = path.dirname(folder);
    if (parent === folder) {
      throw new Error(
        `Failed to find tools/ferretdb/go.mod above ${fileURLToPath(import.meta.url)}. ` +
          'Run gradepush from its repository or set FERRETDB_BIN to a built FerretDB binary.',
      );
    }
    folder = parent;
  }
}

async function isReadableFile(file: string): Promise<boolean> {
  try {
    await readFile(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads the FerretDB version from go.mod and hashes the wrapper's source, so a changed wrapper
 * or dependency gets a new binary name in the cache.
 */
async function describeSource(sourceDir: string): Promise<{ version: string; hash: string }> {
  const digest = createHash('sha256');
  let goMod = '';
  for (const file of SOURCE_FILES) {
    const content = await readFile(path.join(sourceDir, file), 'utf8');
    if (file === 'go.mod') {
      goMod = content;
    }
    digest.update(`${file}\0${content}\0`);
  }
  const match = /github\.com\/FerretDB\/FerretDB v(\S+)/.exec(goMod);
  if (match?.[1] === undefined) {
    throw new Error(`Failed to find the FerretDB version in ${path.join(sourceDir, 'go.mod')}.`);
  }
  return { version: match[1], hash: digest.digest('hex').slice(0, 12) };
}

async function buildWrapper(sourceDir: string, target: string, logger: Logger): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  // Building next to the target keeps the final rename atomic.
  const temporary = `${target}.build-${process.pid}`;
  const goFlags = [process.env.GOFLAGS, '-mod=mod'].filter(Boolean).join(' ');
  logger.info({ sourceDir, binary: target }, 'Building FerretDB with go build');
  const startedAt = Date.now();
  try {
    await runCommand('go', ['build', '-o', temporary, '.'], {
      cwd: sourceDir,
      env: { ...process.env, GOFLAGS: goFlags },
      timeoutMs: GO_BUILD_TIMEOUT_MS,
    });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new Error(
      `Failed to build FerretDB from ${sourceDir}. It needs Go (see the go line of its go.mod) ` +
        'on PATH. Alternatively, set FERRETDB_BIN to a binary built from that folder.',
      { cause: error },
    );
  }
  logger.info({ binary: target, buildMs: Date.now() - startedAt }, 'Built FerretDB');
}

export interface FerretDbProcess {
  child: ChildProcess;
  executable: string;
  port: number;
  mongoUri: string;
  logFile: string;
}

export interface StartFerretDbOptions {
  binary: string;
  dataDir: string;
  port: number;
  detached: boolean;
  logger: Logger;
}

/**
 * Starts FerretDB with its SQLite databases in `dataDir`/ferretdb and waits until it responds to a
 * MongoDB ping. DO_NOT_TRACK=1 keeps FerretDB from reporting telemetry.
 */
export async function startFerretDb(options: StartFerretDbOptions): Promise<FerretDbProcess> {
  const { binary, port, logger } = options;
  const sqliteDir = path.join(options.dataDir, 'ferretdb');
  await mkdir(sqliteDir, { recursive: true });
  const logFile = path.join(options.dataDir, 'ferretdb.log');
  const address = `${LOCAL_HOST}:${port}`;
  const mongoUri = `mongodb://${address}/`;

  const startedAt = Date.now();
  const child = spawnService({
    command: binary,
    // FerretDB requires the trailing slash of the SQLite folder URI.
    args: ['--listen-addr', address, '--sqlite-url', `${pathToFileURL(sqliteDir).href}/`],
    env: { ...process.env, DO_NOT_TRACK: '1' },
    logFile,
    detached: options.detached,
  });
  try {
    await waitUntilReady({
      label: 'FerretDB',
      child,
      logFile,
      address,
      timeoutMs: READY_TIMEOUT_MS,
      // The port check fails fast, while the driver waits for its server selection timeout.
      probe: async () => (await isPortOpen(port)) && (await pingMongo(mongoUri)),
    });
  } catch (error) {
    await stopChild(child, 'ferretdb', logger);
    throw error;
  }

  logger.info(
    { mongoUri, pid: child.pid, startupMs: Date.now() - startedAt, logFile },
    'FerretDB is ready',
  );
  return { child, executable: binary, port, mongoUri, logFile };
}

/** Returns true when a MongoDB server at `uri` responds to a ping. */
export async function pingMongo(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, {
    directConnection: true,
    serverSelectionTimeoutMS: PROBE_TIMEOUT_MS,
    connectTimeoutMS: PROBE_TIMEOUT_MS,
  });
  try {
    const reply = await client.db('admin').command({ ping: 1 });
    return reply.ok === 1;
  } finally {
    await client.close();
  }
}
