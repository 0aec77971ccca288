import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import type { Collections } from '../db/mongo.js';
import type { Logger } from '../logger.js';

export interface PushWorkerOptions {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  collections: Collections;
  logger: Logger;
  /** Client the activities signal workflows with; one on the worker's connection when absent. */
  client?: Client;
  /** Workflow tasks and activities run at once by this worker process. */
  maxConcurrentActivities?: number;
  maxConcurrentWorkflowTasks?: number;
}

export interface PushWorker {
  worker: Worker;
  /** Resolves when the worker has stopped; rejects when it failed. */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

// Resolved from this file so the compiled worker finds the compiled workflows (ESM has no __dirname).
const workflowsPath = fileURLToPath(new URL('../workflows/index.js', import.meta.url));

/** Creates a worker for the push workflows and activities on one task queue. */
export async function createPushWorker(options: PushWorkerOptions): Promise<PushWorker> {
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath,
    activities: createActivities({
      collections: options.collections,
      client: options.client ?? new Client({ connection, namespace: options.namespace }),
    }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 20,
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTasks ?? 20,
    shutdownGraceTime: '10 seconds',
  });
  let running: Promise<void> | null = null;
  return {
    worker,
    run() {
      options.logger.info(
        { taskQueue: options.taskQueue, namespace: options.namespace },
        'Worker started',
      );
      running ??= worker.run().finally(async () => {
        await connection.close();
        options.logger.info({ taskQueue: options.taskQueue }, 'Worker stopped');
      });
      return running;
    },
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
