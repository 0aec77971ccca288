import proto from '@temporalio/proto';
import { SingleBar, Presets } from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { PUSH_ITEMS, type PushItem } from '../domain/setup.js';
import type { Logger } from '../logger.js';
import type { PushService, PushView } from '../pushes/service.js';
import { connectRuntime, type Runtime } from '../runtime.js';
import { PUSH_STATES, type PushState } from '../workflows/types.js';
import { configuredAddresses } from './addresses.js';
import { summaryLine } from './demo.js';

/** Waits for a push to end, drawing a progress bar on a terminal and a line per change elsewhere. */
export async function waitWithProgress(pushes: PushService, pushId: string): Promise<PushView> {
  const interactive = process.stderr.isTTY === true;
  const bar = new SingleBar(
    {
      format:
        'courses {bar} {value}/{total} | sections {updated} updated, {unchanged} unchanged, {failed} failed | {state}',
      stream: process.stderr,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  let started = false;
  let lastLine = '';
  const draw = (view: PushView) => {
    const p = view.progress;
    const payload = {
      updated: p?.sectionsUpdated ?? 0,
      unchanged: p?.sectionsUnchanged ?? 0,
      failed: p?.sectionsFailed ?? 0,
      state: view.state,
    };
    if (interactive) {
      if (!started) {
        bar.start(p?.coursesTotal ?? 0, p?.coursesDone ?? 0, payload);
        started = true;
      } else {
        bar.setTotal(p?.coursesTotal ?? 0);
        bar.update(p?.coursesDone ?? 0, payload);
      }
      return;
    }
    const line = `${view.state}: ${p?.coursesDone ?? 0}/${p?.coursesTotal ?? 0} courses, ${payload.updated} sections updated, ${payload.unchanged} unchanged, ${payload.failed} failed`;
    if (line !== lastLine) console.error(line);
    lastLine = line;
  };
  try {
    const view = await pushes.waitForPush(pushId, draw);
    draw(view);
    return view;
  } finally {
    if (started) bar.stop();
  }
}

export function formatPushLine(view: PushView): string {
  const p = view.progress;
  const scope = view.calendarId
    ? `calendar ${view.calendarId}`
    : `catalog ${view.catalogId ?? '?'}`;
  const counts = p
    ? `${p.coursesDone}/${p.coursesTotal} courses (${p.coursesFailed} failed), sections ${p.sectionsUpdated} updated, ${p.sectionsUnchanged} unchanged, ${p.sectionsFailed} failed`
    : '';
  return [
    view.startedAt,
    view.pushId,
    view.kind,
    scope,
    view.state,
    view.requestedBy?.sub ?? '?',
    counts,
  ]
    .filter((part) => part !== '')
    .join('  ');
}

interface StartOptions {
  items?: PushItem[];
  overwrite: boolean;
  as: string;
  wait: boolean;
}

function parseItems(value: string): PushItem[] {
  const items = value.split(',').map((item) => item.trim());
  for (const item of items) {
    if (!(PUSH_ITEMS as readonly string[]).includes(item)) {
      throw new InvalidArgumentError(
        `"${item}" is not an item; use a comma-separated list of ${PUSH_ITEMS.join(', ')}`,
      );
    }
  }
  return items as PushItem[];
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    throw new InvalidArgumentError(`"${value}" is not a whole number from 1 to 200`);
  }
  return limit;
}

/** Runs a command with a runtime connected to the configured services, closing it after. */
async function withRuntime<T>(
  logger: Logger,
  action: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const runtime = await connectRuntime(configuredAddresses(), logger);
  try {
    return await action(runtime);
  } finally {
    await runtime.close();
  }
}

/** True when at least one worker polls the push task queue. */
async function hasWorker(runtime: Runtime): Promise<boolean> {
  const answer = await runtime.connection.workflowService.describeTaskQueue({
    namespace: runtime.namespace,
    taskQueue: { name: runtime.taskQueue },
    taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return (answer.pollers ?? []).length > 0;
}

async function reportEnd(runtime: Runtime, pushId: string, wait: boolean): Promise<void> {
  console.log(`Started push ${pushId}.`);
  if (!(await hasWorker(runtime))) {
    console.error(
      `No worker polls task queue "${runtime.taskQueue}", so the push stays queued until one ` +
        'starts: run `npm start` or `gradepush worker`.',
    );
  }
  if (!wait) return;
  const view = await waitWithProgress(runtime.pushes, pushId);
  for (const failure of view.failures) {
    console.log(`  course ${failure.courseId} failed: ${failure.type}: ${failure.message}`);
  }
  console.log(summaryLine(view));
  if (view.state !== 'completed') process.exitCode = 1;
}

/** Adds `push calendar|course` and `pushes list|show|cancel|retry`. */
export function registerPushCommands(program: Command, logger: Logger): void {
  const withStartOptions = (command: Command) =>
    command
      .option(
        '--items <list>',
        `comma-separated items (default all: ${PUSH_ITEMS.join(',')})`,
        parseItems,
      )
      .option(
        '--overwrite',
        'overwrite section categories (teacher categories with assignments stay)',
        false,
      )
      .option('--as <userId>', 'requester recorded on the push', process.env.USER ?? 'cli')
      .option('--wait', 'show progress until the push ends, then print its counts', false);

  const push = program.command('push').description('Start a push');
  withStartOptions(
    push
      .command('calendar')
      .description('Push the setup of every course of a calendar to its sections')
      .argument('<calendarId>'),
  ).action((calendarId: string, options: StartOptions) =>
    withRuntime(logger, async (runtime) => {
      const started = await runtime.pushes.startCalendarPush({
        calendarId,
        items: options.items ?? [...PUSH_ITEMS],
        overwriteCategories: options.overwrite,
        requestedBy: { sub: options.as, role: 'districtAdmin' },
      });
      await reportEnd(runtime, started.pushId, options.wait);
    }),
  );
  withStartOptions(
    push
      .command('course')
      .description('Push the setup of one course to its sections')
      .argument('<courseId>'),
  ).action((courseId: string, options: StartOptions) =>
    withRuntime(logger, async (runtime) => {
      const started = await runtime.pushes.startCoursePush({
        courseId,
        items: options.items ?? [...PUSH_ITEMS],
        overwriteCategories: options.overwrite,
        requestedBy: { sub: options.as, role: 'districtAdmin' },
      });
      await reportEnd(runtime, started.pushId, options.wait);
    }),
  );

  const pushes = program
    .command('pushes')
    .description('Read and control the batch queue of pushes');
  pushes
    .command('list')
    .description('List pushes, newest first')
    .option('--calendar <calendarId>', 'only this calendar')
    .option('--status <state>', `only this state (${PUSH_STATES.join(', ')})`)
    .option('--limit <count>', 'how many to list, from 1 to 200', parseLimit, 20)
    .action((options: { calendar?: string; status?: PushState; limit: number }) =>
      withRuntime(logger, async (runtime) => {
        if (options.status && !PUSH_STATES.includes(options.status)) {
          throw new InvalidArgumentError(
            `"${options.status}" is not a state; use one of ${PUSH_STATES.join(', ')}`,
          );
        }
        const page = await runtime.pushes.listPushes({
          calendarId: options.calendar,
          state: options.status,
          limit: options.limit,
        });
        if (page.pushes.length === 0) console.log('No pushes.');
        for (const view of page.pushes) console.log(formatPushLine(view));
      }),
    );
  pushes
    .command('show')
    .description('Show one push as JSON')
    .argument('<pushId>')
    .action((pushId: string) =>
      withRuntime(logger, async (runtime) => {
        const view = await runtime.pushes.getPush(pushId);
        if (!view)
          throw new Error(`push "${pushId}" not found; \`gradepush pushes list\` lists them`);
        console.log(JSON.stringify(view, null, 2));
      }),
    );
  pushes
    .command('cancel')
    .description('Cancel a running push')
    .argument('<pushId>')
    .option('--as <userId>', 'who cancels', process.env.USER ?? 'cli')
    .action((pushId: string, options: { as: string }) =>
      withRuntime(logger, async (runtime) => {
        await runtime.pushes.cancelPush(pushId, { sub: options.as, role: 'districtAdmin' });
        console.log(`Cancellation of push ${pushId} requested.`);
      }),
    );
  pushes
    .command('retry')
    .description('Start a new push for the courses that failed in an ended push')
    .argument('<pushId>')
    .option('--as <userId>', 'requester recorded on the new push', process.env.USER ?? 'cli')
    .option('--wait', 'show progress until the new push ends', false)
    .action((pushId: string, options: { as: string; wait: boolean }) =>
      withRuntime(logger, async (runtime) => {
        const started = await runtime.pushes.retryPush(pushId, {
          sub: options.as,
          role: 'districtAdmin',
        });
        await reportEnd(runtime, started.pushId, options.wait);
      }),
    );
}
