import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { createApp } from '../api/app.js';
import { loadJwtSecret } from '../auth/secret.js';
import { signToken } from '../auth/token.js';
import { dataDir } from '../config.js';
import type { Logger } from '../logger.js';
import { connectRuntime } from '../runtime.js';
import { configuredAddresses } from './addresses.js';

interface AdminOptions {
  as: string;
}

/**
 * Sends one request to the API's routes in this process, as a district admin, and prints the
 * JSON response. The command line and the HTTP API so share every check and rule.
 */
async function callRoute(
  logger: Logger,
  options: AdminOptions,
  method: string,
  path: string,
  body?: unknown,
): Promise<void> {
  const runtime = await connectRuntime(configuredAddresses(), logger);
  try {
    const jwtSecret = await loadJwtSecret(dataDir());
    const app = createApp({
      collections: runtime.database.collections,
      pushes: runtime.pushes,
      jwtSecret,
      logger,
      checkReadiness: () => runtime.checkReadiness(),
    });
    const token = await signToken({ sub: options.as, role: 'districtAdmin' }, jwtSecret, 300);
    const response = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await response.json()) as { message?: string };
    if (!response.ok) {
      throw new Error(answer.message ?? `${method} ${path} failed with status ${response.status}`);
    }
    console.log(JSON.stringify(answer, null, 2));
  } finally {
    await runtime.close();
  }
}

async function readJsonFile(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new Error(`cannot read ${file}: ${error.message}`);
  });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

const asOption = () =>
  new Option('--as <userId>', 'district admin recorded as the requester').default(
    process.env.USER ?? 'cli',
  );

/**
 * Adds the commands for catalogs, course masters, course links, catalog pushes and the reports.
 * Each runs the matching API route.
 */
export function registerAdminCommands(program: Command, logger: Logger): void {
  const call = (options: AdminOptions, method: string, path: string, body?: unknown) =>
    callRoute(logger, options, method, path, body);
  const id = encodeURIComponent;

  const catalogs = program.command('catalogs').description('Manage course catalogs');
  catalogs
    .command('list')
    .addOption(asOption())
    .action((options: AdminOptions) => call(options, 'GET', '/catalogs'));
  catalogs
    .command('show')
    .argument('<catalogId>')
    .addOption(asOption())
    .action((catalogId: string, options: AdminOptions) =>
      call(options, 'GET', `/catalogs/${id(catalogId)}`),
    );
  catalogs
    .command('create')
    .argument('<catalogId>')
    .requiredOption('--name <name>', 'catalog name')
    .addOption(asOption())
    .action((catalogId: string, options: AdminOptions & { name: string }) =>
      call(options, 'POST', '/catalogs', { id: catalogId, name: options.name }),
    );

  const masters = program.command('masters').description('Manage course masters');
  masters
    .command('create')
    .argument('<catalogId>')
    .argument('<masterId>')
    .requiredOption('--title <title>', 'course master title')
    .addOption(asOption())
    .action((catalogId: string, masterId: string, options: AdminOptions & { title: string }) =>
      call(options, 'POST', `/catalogs/${id(catalogId)}/course-masters`, {
        id: masterId,
        title: options.title,
      }),
    );
  masters
    .command('setup')
    .description(
      'Set a master\'s setup and locks from a JSON file: { "setup": {...}, "locks": {...} }',
    )
    .argument('<masterId>')
    .argument('<file>')
    .addOption(asOption())
    .action(async (masterId: string, file: string, options: AdminOptions) =>
      call(
        options,
        'PUT',
        `/course-masters/${id(masterId)}/grading-setup`,
        await readJsonFile(file),
      ),
    );
  masters
    .command('show')
    .argument('<masterId>')
    .addOption(asOption())
    .action((masterId: string, options: AdminOptions) =>
      call(options, 'GET', `/course-masters/${id(masterId)}`),
    );
  masters
    .command('status')
    .description('Course Status: linked, course controlled and desynced courses')
    .argument('<masterId>')
    .addOption(asOption())
    .action((masterId: string, options: AdminOptions) =>
      call(options, 'GET', `/course-masters/${id(masterId)}/status`),
    );

  const courses = program.command('courses').description('Link courses to course masters');
  courses
    .command('align')
    .argument('<courseId>')
    .argument('<masterId>')
    .addOption(asOption())
    .action((courseId: string, masterId: string, options: AdminOptions) =>
      call(options, 'PUT', `/courses/${id(courseId)}/course-master`, { courseMasterId: masterId }),
    );
  for (const [name, description] of [
    ['relink', 'Restore master control of a course'],
    ['unlink', 'Make a course course controlled'],
  ] as const) {
    courses
      .command(name)
      .description(description)
      .argument('<courseId>')
      .addOption(asOption())
      .action((courseId: string, options: AdminOptions) =>
        call(options, 'POST', `/courses/${id(courseId)}/${name}`),
      );
  }

  program
    .command('awaiting-push')
    .description('Course Awaiting Push: courses with sections behind on an item')
    .argument('<calendarId>')
    .addOption(asOption())
    .action((calendarId: string, options: AdminOptions) =>
      call(options, 'GET', `/calendars/${id(calendarId)}/awaiting-push`),
    );

  const push = program.commands.find((command) => command.name() === 'push');
  (push ?? program.command('push'))
    .command('catalog')
    .description('Push every course master of a catalog to its courses in the given calendars')
    .argument('<catalogId>')
    .requiredOption('--calendar <calendarId...>', 'calendars whose courses receive the push')
    .addOption(
      new Option('--mode <mode>', 'what replaces the course setup')
        .choices(['lockedOnly', 'overwrite'])
        .default('lockedOnly'),
    )
    .option('--to-sections', 'continue each updated course with a push to its sections', false)
    .addOption(asOption())
    .action(
      (
        catalogId: string,
        options: AdminOptions & { calendar: string[]; mode: string; toSections: boolean },
      ) =>
        call(options, 'POST', `/catalogs/${id(catalogId)}/pushes`, {
          calendarIds: options.calendar,
          mode: options.mode,
          pushToSections: options.toSections,
          confirm: true,
        }),
    );
}
