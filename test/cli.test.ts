import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { MongoClient } from 'mongodb';
import { hasServices, repoRoot } from './helpers/integration.js';

const execFileAsync = promisify(execFile);
const cli = path.join(repoRoot, 'bin', 'gradepush.js');
const database = `gradepush_test_cli_${randomBytes(4).toString('hex')}`;
const env = { ...process.env, MONGODB_DB: database, LOG_LEVEL: 'error' };
const run = hasServices ? test.serial : test.serial.skip;

async function gradepush(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [cli, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test.after.always(async () => {
  if (!hasServices) return;
  const client = await MongoClient.connect(process.env.MONGODB_URI ?? '');
  await client.db(database).dropDatabase();
  await client.close();
});

run('catalogs create and list through the routes', async (t) => {
  const created = await gradepush('catalogs', 'create', 'cli-catalog', '--name', 'CLI catalog');
  const listed = await gradepush('catalogs', 'list');

  t.is(created.code, 0, created.stderr);
  t.is((JSON.parse(created.stdout) as { _id: string })._id, 'cli-catalog');
  t.is(listed.code, 0, listed.stderr);
  t.regex(listed.stdout, /"cli-catalog"/);
});

run('unknown catalog exits 1 with the route message', async (t) => {
  const result = await gradepush('catalogs', 'show', 'no-such-catalog');

  t.is(result.code, 1);
  t.regex(result.stderr, /catalog "no-such-catalog" not found/);
});

test('school admin token needs a school', async (t) => {
  const result = await gradepush('token', '--role', 'schoolAdmin', '--sub', 'someone');

  t.is(result.code, 1);
  t.regex(result.stderr, /needs --school/);
});
