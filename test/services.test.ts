import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import test, { type ExecutionContext } from 'ava';
import { MongoClient } from 'mongodb';
import { temporalNamespace } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import {
  detachedServicesStatus,
  freePort,
  resolveServices,
  startDetachedServices,
  startServices,
  stopDetachedServices,
  type RunningServices,
} from '../src/services/index.js';
import { isPortOpen } from '../src/services/ports.js';
import { isProcessRunning } from '../src/services/processes.js';
import { searchAttributeRegistrations } from '../src/workflows/definitions.js';

const logger = createLogger('services-test');
const thirtyDaysInSeconds = 30 * 24 * 60 * 60;

/** Creates a temporary data folder that is removed after the test, once `cleanup` has run. */
async function tempDataDir(
  t: ExecutionContext,
  cleanup: () => Promise<unknown> = async () => {},
): Promise<string> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gradepush-services-test-'));
  t.teardown(async () => {
    await cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });
  return dataDir;
}

/** Sets environment variables for the duration of `run`, then restores the old values. */
async function withEnv<T>(variables: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  try {
    return await run();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  }
}

function portsOf(
  services: Pick<RunningServices, 'temporalAddress' | 'temporalUiUrl' | 'mongoUri'>,
) {
  return {
    temporal: Number(services.temporalAddress.split(':').pop()),
    temporalUi: Number(new URL(services.temporalUiUrl).port),
    mongo: Number(new URL(services.mongoUri).port),
  };
}

async function insertAndFind(t: ExecutionContext, mongoUri: string): Promise<void> {
  const client = new MongoClient(mongoUri, { serverSelectionTimeoutMS: 5000 });
  try {
    const collection = client.db('services_test').collection<{ name: string }>('items');
    const { insertedId } = await collection.insertOne({ name: 'first' });
    const found = await collection.findOne({ _id: insertedId });
    t.is(found?.name, 'first');
  } finally {
    await client.close();
  }
}

// The services are heavy and some tests change process.env, so every test runs on its own.

test.serial('startServices serves Temporal and MongoDB', async (t) => {
  const started: RunningServices[] = [];
  const dataDir = await tempDataDir(t, () => Promise.all(started.map((s) => s.stop())));

  const startedAt = Date.now();
  const services = await startServices({ dataDir, freePorts: true, logger });
  started.push(services);
  t.log(`Both services ready in ${Date.now() - startedAt} ms`);
  t.regex(services.temporalAddress, /^127\.0\.0\.1:\d+$/);
  t.regex(services.temporalUiUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.regex(services.mongoUri, /^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
  const ports = portsOf(services);

  const connection = await Connection.connect({ address: services.temporalAddress });
  try {
    const namespace = temporalNamespace();
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace,
    });
    const keyword = encodeSearchAttributeIndexedValueType('KEYWORD');
    for (const { name } of searchAttributeRegistrations) {
      t.is(customAttributes?.[name], keyword, `search attribute ${name}`);
    }

    const described = await connection.workflowService.describeNamespace({ namespace });
    const retention = described.config?.workflowExecutionRetentionTtl?.seconds;
    t.is(Number(String(retention)), thirtyDaysInSeconds);
  } finally {
    await connection.close();
  }

  await insertAndFind(t, services.mongoUri);

  const stoppingAt = Date.now();
  await services.stop();
  t.log(`Both services stopped in ${Date.now() - stoppingAt} ms`);
  t.false(await isPortOpen(ports.temporal), 'Temporal port closed');
  t.false(await isPortOpen(ports.temporalUi), 'Temporal UI port closed');
  t.false(await isPortOpen(ports.mongo), 'MongoDB port closed');
  await t.notThrowsAsync(services.stop(), 'second stop');
});

test.serial('startServices names the busy port', async (t) => {
  const dataDir = await tempDataDir(t);
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const busyPort = (blocker.address() as net.AddressInfo).port;

  const error = await t.throwsAsync(
    startServices({ dataDir, freePorts: true, ports: { mongo: busyPort }, logger }),
  );
  t.regex(error?.message ?? '', new RegExp(`Port ${busyPort} .* already in use`));
  t.regex(error?.message ?? '', /GRADEPUSH_MONGO_PORT/);

  const fromEnv = await withEnv({ GRADEPUSH_TEMPORAL_PORT: String(busyPort) }, () =>
    t.throwsAsync(startServices({ dataDir, ports: { temporalUi: 0, mongo: 0 }, logger })),
  );
  t.regex(fromEnv?.message ?? '', new RegExp(`Port ${busyPort} .* already in use`));
  t.regex(fromEnv?.message ?? '', /GRADEPUSH_TEMPORAL_PORT/);
});

test.serial('startServices reports a crashed service', async (t) => {
  const dataDir = await tempDataDir(t);
  const fakeFerretDb = path.join(dataDir, 'fake-ferretdb.sh');
  await writeFile(
    fakeFerretDb,
    '#!/bin/sh\necho "fake FerretDB cannot open its database" >&2\nexit 3\n',
  );
  await chmod(fakeFerretDb, 0o755);
  const temporalPort = await freePort();

  const error = await withEnv({ FERRETDB_BIN: fakeFerretDb }, () =>
    t.throwsAsync(
      startServices({ dataDir, freePorts: true, ports: { temporal: temporalPort }, logger }),
    ),
  );
  t.regex(error?.message ?? '', /FerretDB exited with code 3 before it became ready/);
  t.regex(error?.message ?? '', /fake FerretDB cannot open its database/);
  t.false(await isPortOpen(temporalPort), 'Temporal was stopped again');
});

test.serial('resolveServices skips configured services', async (t) => {
  const started: RunningServices[] = [];
  const dataDir = await tempDataDir(t, () => Promise.all(started.map((s) => s.stop())));
  // Nothing listens there, and resolveServices must not connect to it.
  const configuredTemporal = `127.0.0.1:${await freePort()}`;

  const services = await withEnv({ TEMPORAL_ADDRESS: configuredTemporal, MONGODB_URI: '' }, () =>
    resolveServices({ dataDir, freePorts: true, logger }),
  );
  started.push(services);
  t.is(services.temporalAddress, configuredTemporal);
  t.is(services.temporalUiUrl, '');
  await insertAndFind(t, services.mongoUri);

  const mongoPort = Number(new URL(services.mongoUri).port);
  await services.stop();
  t.false(await isPortOpen(mongoPort), 'MongoDB port closed');

  const external = await withEnv(
    { TEMPORAL_ADDRESS: configuredTemporal, MONGODB_URI: 'mongodb://127.0.0.1:1/' },
    () => resolveServices({ dataDir, freePorts: true, logger }),
  );
  t.is(external.temporalAddress, configuredTemporal);
  t.is(external.mongoUri, 'mongodb://127.0.0.1:1/');
  await t.notThrowsAsync(external.stop());
});

test.serial('detached services start, report and stop', async (t) => {
  const dataDir = await tempDataDir(t, () => stopDetachedServices(dataDir));

  const before = await detachedServicesStatus(dataDir);
  t.deepEqual(
    before.map(({ name, pid, up }) => ({ name, pid, up })),
    [
      { name: 'temporal', pid: null, up: false },
      { name: 'ferretdb', pid: null, up: false },
    ],
  );

  const startedAt = Date.now();
  const first = await startDetachedServices({ dataDir, freePorts: true, logger });
  t.log(`Detached services ready in ${Date.now() - startedAt} ms`);
  const ports = portsOf(first);
  const running = await detachedServicesStatus(dataDir);
  t.deepEqual(
    running.map(({ name, address, up }) => ({ name, address, up })),
    [
      { name: 'temporal', address: first.temporalAddress, up: true },
      { name: 'ferretdb', address: first.mongoUri, up: true },
    ],
  );
  const pids = running.map((service) => service.pid);
  t.true(
    pids.every((pid) => typeof pid === 'number'),
    'pids are reported',
  );

  const second = await startDetachedServices({ dataDir, freePorts: true, logger });
  t.is(second.temporalAddress, first.temporalAddress);
  t.is(second.mongoUri, first.mongoUri);
  const again = await detachedServicesStatus(dataDir);
  t.deepEqual(
    again.map((service) => service.pid),
    pids,
    'second start keeps the running processes',
  );
  await insertAndFind(t, second.mongoUri);

  const { stopped } = await stopDetachedServices(dataDir);
  t.deepEqual(stopped, ['temporal', 'ferretdb']);
  for (const pid of pids) {
    t.false(await isProcessRunning(pid ?? 0), `process ${String(pid)} exited`);
  }
  t.false(await isPortOpen(ports.temporal), 'Temporal port closed');
  t.false(await isPortOpen(ports.temporalUi), 'Temporal UI port closed');
  t.false(await isPortOpen(ports.mongo), 'MongoDB port closed');

  const after = await detachedServicesStatus(dataDir);
  t.deepEqual(
    after.map(({ name, address, pid, up }) => ({ name, address, pid, up })),
    [
      { name: 'temporal', address: first.temporalAddress, pid: null, up: false },
      { name: 'ferretdb', address: first.mongoUri, pid: null, up: false },
    ],
  );
  t.deepEqual(await stopDetachedServices(dataDir), { stopped: [] });
});
