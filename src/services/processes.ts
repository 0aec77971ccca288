import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Logger } from '../logger.js';

const execFileAsync = promisify(execFile);

/** Time a service gets to exit after SIGTERM before it receives SIGKILL, in milliseconds. */
export const STOP_TIMEOUT_MS = 15_000;
const READY_POLL_MS = 200;
const EXIT_POLL_MS = 100;
const LOG_TAIL_LINES = 40;
const LOG_TAIL_BYTES = 64 * 1024;

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion and returns its output. Throws an error that contains the exit
 * code and the end of stderr when the command fails or runs longer than `timeoutMs`.
 */
export async function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<CommandResult> {
  try {
    return await execFileAsync(command, args, {
      cwd: options.cwd,
      env: options.env,
      timeout: options.timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
      encoding: 'utf8',
    });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & {
      stdout?: string;
      stderr?: string;
      killed?: boolean;
      signal?: string | null;
    };
    const commandLine = [command, ...args].join(' ');
    if (failure.code === 'ENOENT') {
      throw new Error(`Command not found: ${command} (while running: ${commandLine})`, {
        cause: error,
      });
    }
    const reason = failure.killed
      ? `timed out after ${options.timeoutMs} ms`
      : `failed with exit code ${String(failure.code)}`;
    const output = lastLines(`${failure.stderr ?? ''}\n${failure.stdout ?? ''}`.trim(), 20);
    throw new Error(`Command ${reason}: ${commandLine}${output ? `\n${output}` : ''}`, {
      cause: error,
    });
  }
}

export interface SpawnServiceOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** File that receives the service's stdout and stderr. It is truncated first. */
  logFile: string;
  /**
   * Detached services run in their own session and outlive this process. Attached services get
   * SIGTERM when this process exits.
   */
  detached: boolean;
}

/** Starts a service process whose stdout and stderr go to its log file. */
export function spawnService(options: SpawnServiceOptions): ChildProcess {
  const logFd = openSync(options.logFile, 'w');
  try {
    const child = spawn(options.command, options.args, {
      env: options.env,
      stdio: ['ignore', logFd, logFd],
      detached: options.detached,
    });
    // Without a listener, a failed spawn (such as a missing binary) would crash this process.
    child.once('error', (error) => spawnErrors.set(child, error));
    if (options.detached) {
      child.unref();
    } else {
      trackAttachedChild(child);
    }
    return child;
  } finally {
    // The child has its own copy of the descriptor.
    closeSync(logFd);
  }
}

/** Errors of children that failed to start, for waitUntilReady. */
const spawnErrors = new WeakMap<ChildProcess, Error>();
const attachedChildren = new Set<ChildProcess>();
const hookedSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Keeps track of an attached child so that it receives SIGTERM when this process exits. The
 * 'exit' hook covers normal exits, process.exit() and uncaught exceptions. The signal hooks act
 * only when no other handler exists for that signal: they send SIGTERM to the children and then
 * raise the signal again, so Node's default of exiting still applies. An application with its
 * own signal handler is expected to call stop() itself.
 * NOTE: SIGKILL of this process leaves attached children running, because Node cannot react.
 */
function trackAttachedChild(child: ChildProcess): void {
  if (attachedChildren.size === 0) {
    process.on('exit', terminateAttachedChildren);
    for (const signal of hookedSignals) {
      process.on(signal, onTerminationSignal);
    }
  }
  attachedChildren.add(child);
  const untrack = (): void => {
    if (!attachedChildren.delete(child) || attachedChildren.size > 0) {
      return;
    }
    process.removeListener('exit', terminateAttachedChildren);
    for (const signal of hookedSignals) {
      process.removeListener(signal, onTerminationSignal);
    }
  };
  // A child that fails to spawn emits 'error' and never 'exit'.
  child.once('exit', untrack);
  child.once('error', untrack);
}

function terminateAttachedChildren(): void {
  for (const child of attachedChildren) {
    if (hasExited(child)) {
      continue;
    }
    child.kill('SIGTERM');
  }
}

function onTerminationSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) {
    return;
  }
  terminateAttachedChildren();
  process.removeListener(signal, onTerminationSignal);
  process.kill(process.pid, signal);
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function describeExit(child: ChildProcess): string {
  return child.signalCode !== null
    ? `was killed by ${child.signalCode}`
    : `exited with code ${String(child.exitCode)}`;
}

export interface ReadinessCheck {
  /** Service name for messages, such as "Temporal". */
  label: string;
  child: ChildProcess;
  logFile: string;
  address: string;
  timeoutMs: number;
  /** Returns true once the service serves requests. Errors count as not ready yet. */
  probe: () => Promise<boolean>;
}

/**
 * Polls `probe` until the service is ready. Throws an error with the last lines of the log file
 * when the process exits first or the timeout passes.
 */
export async function waitUntilReady(check: ReadinessCheck): Promise<void> {
  const deadline = Date.now() + check.timeoutMs;
  for (;;) {
    const spawnError = spawnErrors.get(check.child);
    if (spawnError !== undefined) {
      throw new Error(`Failed to start ${check.label}: ${spawnError.message}`, {
        cause: spawnError,
      });
    }
    if (hasExited(check.child)) {
      throw new Error(
        `${check.label} ${describeExit(check.child)} before it became ready on ` +
          `${check.address}.${await formatLogTail(check.logFile)}`,
      );
    }
    if (await check.probe().catch(() => false)) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${check.label} did not become ready on ${check.address} within ` +
          `${check.timeoutMs / 1000} s.${await formatLogTail(check.logFile)}`,
      );
    }
    await sleep(READY_POLL_MS);
  }
}

/** Stops an attached or detached child of this process: SIGTERM, then SIGKILL after a timeout. */
export async function stopChild(
  child: ChildProcess,
  label: string,
  logger: Logger,
  timeoutMs = STOP_TIMEOUT_MS,
): Promise<void> {
  if (hasExited(child) || child.pid === undefined) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  if (await settlesWithin(exited, timeoutMs)) {
    return;
  }
  logger.warn(
    { service: label, pid: child.pid, timeoutMs },
    'Service did not exit after SIGTERM, sending SIGKILL',
  );
  child.kill('SIGKILL');
  await settlesWithin(exited, timeoutMs);
}

/**
 * Stops a process that may belong to another parent, by pid: SIGTERM, then SIGKILL after a
 * timeout. Returns false when the process was not running.
 */
export async function stopPid(
  pid: number,
  label: string,
  logger: Logger,
  timeoutMs = STOP_TIMEOUT_MS,
): Promise<boolean> {
  if (!sendSignal(pid, 'SIGTERM')) {
    return false;
  }
  if (await waitForPidExit(pid, timeoutMs)) {
    return true;
  }
  logger.warn(
    { service: label, pid, timeoutMs },
    'Service did not exit after SIGTERM, sending SIGKILL',
  );
  sendSignal(pid, 'SIGKILL');
  if (!(await waitForPidExit(pid, timeoutMs))) {
    throw new Error(`Failed to stop ${label} (pid ${pid}) even with SIGKILL.`);
  }
  return true;
}

function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') {
      return false;
    }
    throw error;
  }
}

async function waitForPidExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() <= deadline) {
    if (!(await isProcessRunning(pid))) {
      return true;
    }
    await sleep(EXIT_POLL_MS);
  }
  return false;
}

async function settlesWithin(promise: Promise<void>, timeoutMs: number): Promise<boolean> {
  const timeout = new AbortController();
  const timedOut = sleep(timeoutMs, false, { signal: timeout.signal }).catch(() => false);
  const settled = await Promise.race([promise.then(() => true), timedOut]);
  timeout.abort();
  return settled;
}

/**
 * Returns true when a process with this pid exists and is not a zombie. A zombie has exited but
 * waits for its parent to collect it, which some container init processes never do.
 */
export async function isProcessRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM means the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the command name, which is in parentheses and may contain spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z';
  } catch {
    // No /proc (macOS) or the process has just exited. kill(pid, 0) succeeded, so trust it.
    return true;
  }
}

/**
 * Returns true when the process `pid` runs `executable`, to avoid signalling an unrelated
 * process that reused the pid of a service that exited. Without /proc (macOS) it returns true
 * for any running process.
 */
export async function isProcessRunningExecutable(
  pid: number,
  executable: string,
): Promise<boolean> {
  if (!(await isProcessRunning(pid))) {
    return false;
  }
  let commandLine: string;
  try {
    commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT' || !(await hasProcFs());
  }
  return commandLine.split('\0')[0] === executable;
}

async function hasProcFs(): Promise<boolean> {
  try {
    await readFile('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

/** Returns the last lines of a log file as a message suffix, or a note when it is unreadable. */
export async function formatLogTail(logFile: string): Promise<string> {
  const tail = await readLogTail(logFile);
  if (tail === null) {
    return ` Its log file ${logFile} could not be read.`;
  }
  if (tail === '') {
    return ` Its log file ${logFile} is empty.`;
  }
  return `\nLast lines of ${logFile}:\n${tail}`;
}

async function readLogTail(logFile: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(logFile, 'r');
  } catch {
    return null;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, LOG_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return lastLines(buffer.toString('utf8').trimEnd(), LOG_TAIL_LINES);
  } finally {
    await handle.close();
  }
}

function lastLines(text: string, count: number): string {
  return text.split('\n').slice(-count).join('\n');
}

export interface RetryOptions {
  timeoutMs: number;
  intervalMs: number;
  logger: Logger;
  /** Returns false for errors that another attempt cannot fix. By default every error is retried. */
  isRetryable?: (error: unknown) => boolean;
}

/**
 * Calls `task` until it succeeds or `timeoutMs` passes, logging each failed attempt. Throws the
 * last error when time runs out or the error is not retryable.
 */
export async function retryUntil<T>(
  description: string,
  task: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      const retryable = options.isRetryable?.(error) ?? true;
      if (!retryable || Date.now() + options.intervalMs > deadline) {
        throw error;
      }
      options.logger.warn({ err: error, attempt }, `${description} failed, retrying`);
      await sleep(options.intervalMs);
    }
  }
}
