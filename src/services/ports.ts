import net from 'node:net';
import type { ServiceOptions } from './types.js';

/** Every service binds to the loopback interface only, so nothing is reachable from outside. */
export const LOCAL_HOST = '127.0.0.1';

/** Ports that callers can choose, with their environment variables and defaults. */
export const PORT_SETTINGS = {
  temporal: {
    env: 'GRADEPUSH_TEMPORAL_PORT',
    defaultPort: 7233,
    label: 'the Temporal frontend (gRPC)',
  },
  temporalUi: {
    env: 'GRADEPUSH_TEMPORAL_UI_PORT',
    defaultPort: 8233,
    label: 'the Temporal Web UI',
  },
  mongo: { env: 'GRADEPUSH_MONGO_PORT', defaultPort: 27017, label: 'FerretDB (MongoDB protocol)' },
} as const;

export type PortName = keyof typeof PORT_SETTINGS;

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) {
    throw new Error('Failed to pick a free port.');
  }
  return port;
}

/** Returns `count` different TCP ports on 127.0.0.1 that were free a moment ago. */
export async function freePorts(count: number): Promise<number[]> {
  const { extra } = await resolvePorts([], {}, count);
  return extra;
}

/** Returns true when something accepts TCP connections on 127.0.0.1:`port`. */
export async function isPortOpen(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: LOCAL_HOST, port });
    const finish = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** Returns the requested port of a service: a fixed number, or 0 for any free port. */
function requestedPort(
  name: PortName,
  options: Pick<ServiceOptions, 'ports' | 'freePorts'>,
): number {
  const requested = options.ports?.[name];
  if (requested !== undefined && !isValidPort(requested, 0)) {
    throw new Error(
      `Invalid port in ports.${name}: ${requested}. Use 0 for a free port or a number up to 65535.`,
    );
  }
  if (requested === undefined && options.freePorts === true) {
    return 0;
  }
  const setting = PORT_SETTINGS[name];
  return requested ?? portFromEnv(setting.env) ?? setting.defaultPort;
}

/**
 * Resolves the ports of the named services from the options, the environment and the defaults,
 * and picks `extraFreePorts` more free ports. All sockets stay open until every port is known,
 * so the results differ from each other. Throws an error that names the port and its
 * environment variable when a fixed port is in use.
 */
export async function resolvePorts<Name extends PortName>(
  names: Name[],
  options: Pick<ServiceOptions, 'ports' | 'freePorts'>,
  extraFreePorts = 0,
): Promise<{ ports: Record<Name, number>; extra: number[] }> {
  const servers: net.Server[] = [];
  const listen = async (port: number): Promise<number | string> => {
    const result = await tryListen(port);
    if (typeof result === 'string') {
      return result;
    }
    servers.push(result);
    return (result.address() as net.AddressInfo).port;
  };

  try {
    const ports = {} as Record<Name, number>;
    for (const name of names) {
      const requested = requestedPort(name, options);
      const result = await listen(requested);
      if (typeof result === 'string') {
        throw portError(name, requested, result);
      }
      ports[name] = result;
    }
    const extra: number[] = [];
    for (let index = 0; index < extraFreePorts; index++) {
      const result = await listen(0);
      if (typeof result === 'string') {
        throw new Error(`Failed to pick a free port on ${LOCAL_HOST} (${result}).`);
      }
      extra.push(result);
    }
    return { ports, extra };
  } finally {
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }
}

function portError(name: PortName, port: number, errorCode: string): Error {
  const setting = PORT_SETTINGS[name];
  if (errorCode === 'EADDRINUSE') {
    return new Error(
      `Port ${port} for ${setting.label} is already in use on ${LOCAL_HOST}. ` +
        `Stop the program that listens on it, or set ${setting.env} to another port.`,
    );
  }
  return new Error(
    `Failed to listen on ${LOCAL_HOST}:${port} for ${setting.label} (${errorCode}). ` +
      `Set ${setting.env} to another port.`,
  );
}

/** Returns the port from an environment variable, or undefined when it is unset or empty. */
export function portFromEnv(variable: string): number | undefined {
  const text = process.env[variable];
  if (text === undefined || text.trim() === '') {
    return undefined;
  }
  const port = Number(text);
  if (!isValidPort(port, 1)) {
    throw new Error(`Invalid port in ${variable}: "${text}". Use a whole number from 1 to 65535.`);
  }
  return port;
}

function isValidPort(port: number, min: number): boolean {
  return Number.isInteger(port) && port >= min && port <= 65_535;
}

/** Listens on 127.0.0.1:`port`, returning the listening server or the error code. */
async function tryListen(port: number): Promise<net.Server | string> {
  const server = net.createServer();
  return new Promise<net.Server | string>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen(port, LOCAL_HOST, () => resolve(server));
  });
}
