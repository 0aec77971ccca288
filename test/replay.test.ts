import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { Worker } from '@temporalio/worker';
import { repoRoot } from './helpers/integration.js';

const historiesDir = path.join(repoRoot, 'test', 'fixtures', 'histories');
const workflowsPath = fileURLToPath(new URL('../src/workflows/index.js', import.meta.url));

interface RecordedHistory {
  workflowId: string;
  history: unknown;
}

// Replays recorded push histories against the current workflow code: a change that would break
// pushes already running (a reordered activity, a new command) fails here with a
// nondeterminism error. Record new histories with scripts/record-histories.ts.
test('recorded push histories replay', async (t) => {
  const files = (await readdir(historiesDir)).filter((file) => file.endsWith('.json')).sort();
  const recorded = await Promise.all(
    files.map(async (file) => {
      const text = await readFile(path.join(historiesDir, file), 'utf8');
      return { name: path.basename(file, '.json'), ...(JSON.parse(text) as RecordedHistory) };
    }),
  );

  const replayed: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowsPath }, recorded)) {
    t.is(result.error, undefined, `${result.workflowId}: ${String(result.error)}`);
    replayed.push(recorded.find((entry) => entry.workflowId === result.workflowId)?.name ?? '');
  }

  t.deepEqual(replayed.sort(), [
    'calendar-push',
    'catalog-push',
    'course-push-child',
    'course-sections-push',
  ]);
});
