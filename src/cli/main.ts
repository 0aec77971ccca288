import { apiAddress } from '../config.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { dataDir } from '../config.js';
import { createLogger } from '../logger.js';
import { ROLES } from '../auth/claims.js';
import { loadJwtSecret } from '../auth/secret.js';
import { signToken } from '../auth/token.js';
import { connectDatabase } from '../db/mongo.js';
import { dbName } from '../config.js';
import { importOneRoster, formatImportReport } from '../import/index.js';
import { readSetupFile } from '../setup-file.js';
import { connectRuntime } from '../runtime.js';
import { startApiServer } from '../api/server.js';
import { createPushWorker } from '../worker/worker.js';
import { installTemporalRuntime } from '../worker/runtime.js';
import {
  detachedServicesStatus,
  startDetachedServices,
  stopDetachedServices,
} from '../services/index.js';
import { configuredAddresses } from './addresses.js';
import { categoriesCommand } from './categories.js';
import { runDemo } from './demo.js';
import { registerAdminCommands } from './admin.js';
import { registerPushCommands } from './pushes.js';
import { registerPreviewCommands } from './preview.js';
import { applySetupToCourses } from './setup.js';
import { runStart } from './start.js';

const logger = createLogger('gradepush');

function parsePositiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return number;
}

const program = new Command('gradepush')
  .description(
    'Push grading setup from courses to their sections with Temporal workflows over MongoDB.',
  )
  .showHelpAfterError();

program
  .command('start')
  .description(
    'Start the services, a worker and the API; import the demo district into an empty database',
  )
  .action(async () => {
    await runStart(logger);
  });

program
  .command('demo')
  .description(
    'Import a OneRoster bundle, apply the sample setup, push each calendar and print the counts',
  )
  .option('--bundle <dir>', 'OneRoster CSV folder to import (default: the bundled demo district)')
  .action(async (options: { bundle?: string }) => {
    process.exitCode = await runDemo({ bundle: options.bundle, logger });
  });

const services = program
  .command('services')
  .description('Run the local Temporal and FerretDB servers in the background');
services
  .command('start')
  .description(
    'Start both on 127.0.0.1 (ports from GRADEPUSH_TEMPORAL_PORT, GRADEPUSH_TEMPORAL_UI_PORT, GRADEPUSH_MONGO_PORT)',
  )
  .action(async () => {
    const running = await startDetachedServices({ dataDir: dataDir(), logger });
    console.log(`Temporal:        ${running.temporalAddress}`);
    console.log(`Temporal Web UI: ${running.temporalUiUrl}`);
    console.log(`MongoDB:         ${running.mongoUri}`);
  });
services
  .command('stop')
  .description('Stop the services that `services start` started')
  .action(async () => {
    const { stopped } = await stopDetachedServices(dataDir());
    console.log(stopped.length > 0 ? `Stopped ${stopped.join(', ')}.` : 'Nothing was running.');
  });
services
  .command('status')
  .description('Show whether each service runs and where')
  .action(async () => {
    for (const service of await detachedServicesStatus(dataDir())) {
      console.log(
        `${service.name.padEnd(10)} ${service.up ? 'up  ' : 'down'} ${service.address} pid ${service.pid ?? '-'}`,
      );
    }
  });

program
  .command('import')
  .description(
    'Import a OneRoster 1.1 or 1.2 CSV bundle; rejected rows are listed with file, line and reason',
  )
  .argument('<folder>', 'folder with orgs.csv, academicSessions.csv, courses.csv, classes.csv, ...')
  .action(async (folder: string) => {
    const database = await connectDatabase(configuredAddresses().mongoUri, dbName());
    try {
      const report = await importOneRoster(database.collections, folder, { logger });
      console.log(formatImportReport(report));
    } finally {
      await database.close();
    }
  });

program
  .command('setup')
  .description(
    'Set the grading setup of courses from a JSON file (a grade calc option with "termId": "*" applies to each term)',
  )
  .argument('<file>', 'JSON file with any of categories, gradeCalcOptions, composites, advisory')
  .option('--course <courseId...>', 'courses to update')
  .option('--calendar <calendarId>', 'update every course of this calendar')
  .action(async (file: string, options: { course?: string[]; calendar?: string }) => {
    if (!options.course && !options.calendar) {
      throw new InvalidArgumentError(
        'name the courses with --course <id...> or a calendar with --calendar <id>',
      );
    }
    const update = await readSetupFile(file);
    const database = await connectDatabase(configuredAddresses().mongoUri, dbName());
    try {
      const courseIds = options.course ?? [];
      if (options.calendar) {
        const courses = await database.collections.courses
          .find({ calendarId: options.calendar }, { projection: { _id: 1 } })
          .toArray();
        if (courses.length === 0)
          throw new Error(
            `calendar "${options.calendar}" has no courses; check the id with GET /calendars`,
          );
        courseIds.push(...courses.map((course) => course._id));
      }
      for (const applied of await applySetupToCourses(database.collections, courseIds, update)) {
        const changes =
          applied.changedItems.length > 0
            ? `changed ${applied.changedItems.join(', ')}`
            : 'unchanged';
        console.log(`${applied.courseId}: ${changes}`);
      }
    } finally {
      await database.close();
    }
  });

program
  .command('token')
  .description('Print an API token signed with the local secret (or GRADEPUSH_JWT_SECRET)')
  .addOption(new Option('--role <role>', 'role claim').choices(ROLES).makeOptionMandatory())
  .requiredOption('--sub <id>', "subject: the user id (a teacher's sourcedId for teachers)")
  .option('--school <schoolId...>', 'schools a school admin administers')
  .option('--name <name>', 'display name')
  .option('--ttl <seconds>', 'lifetime in seconds', parsePositiveInt, 12 * 3600)
  .action(
    async (options: {
      role: (typeof ROLES)[number];
      sub: string;
      school?: string[];
      name?: string;
      ttl: number;
    }) => {
      if (options.role === 'schoolAdmin' && !options.school) {
        throw new InvalidArgumentError('a school admin token needs --school <schoolId...>');
      }
      if (options.role !== 'schoolAdmin' && options.school) {
        throw new InvalidArgumentError(
          `--school applies to school admins only, not to ${options.role}`,
        );
      }
      if (options.ttl === 0) throw new InvalidArgumentError('--ttl must be at least 1 second');
      const secret = await loadJwtSecret(dataDir());
      const token = await signToken(
        { sub: options.sub, role: options.role, schools: options.school ?? [], name: options.name },
        secret,
        options.ttl,
      );
      console.log(token);
    },
  );

registerPushCommands(program, logger);
registerAdminCommands(program, logger);

registerPreviewCommands(program);
program.addCommand(categoriesCommand());

program
  .command('worker')
  .description('Run a worker process (start as many as the load needs)')
  .action(async () => {
    const runtime = await connectRuntime(configuredAddresses(), logger);
    installTemporalRuntime(logger, process.env.GRADEPUSH_METRICS_ADDRESS);
    const worker = await createPushWorker({
      temporalAddress: configuredAddresses().temporalAddress,
      namespace: runtime.namespace,
      taskQueue: runtime.taskQueue,
      collections: runtime.database.collections,
      logger,
    });
    const stop = () => void worker.shutdown();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await worker.run();
    } finally {
      await runtime.close();
    }
  });

program
  .command('api')
  .description('Run the HTTP API (GRADEPUSH_API_HOST, GRADEPUSH_API_PORT)')
  .action(async () => {
    const runtime = await connectRuntime(configuredAddresses(), logger);
    const server = await startApiServer({
      runtime,
      jwtSecret: await loadJwtSecret(dataDir()),
      logger,
      ...apiAddress(),
    });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await server.close();
    await runtime.close();
  });

program.parseAsync().catch((error: unknown) => {
  // The final catch of the command line: print the message, not a stack, for expected errors.
  console.error(`gradepush: ${error instanceof Error ? error.message : String(error)}`);
  logger.debug({ err: error }, 'Command failed');
  // Open connections or a worker would keep the process alive after a failed command.
  process.exit(1);
});
