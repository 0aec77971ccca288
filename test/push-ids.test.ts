import test from 'ava';
import { newPushId, pushWorkflowId, workflowIdOfPushId } from '../src/pushes/ids.js';

const now = new Date('2026-12-04T16:01:02.345Z');

test('push id names kind, scope and time', (t) => {
  t.regex(
    newPushId('calendar', 'or0001-2021', now),
    /^calendar-or0001-2021-20261204T160102Z-[0-9a-f]{6}$/,
  );
});

test('push id maps back to its workflow id', (t) => {
  for (const [kind, scope] of [
    ['calendar', 'or0001-2021'],
    ['course', 'co-0001'],
    ['catalog', 'district catalog'],
  ] as const) {
    t.is(workflowIdOfPushId(newPushId(kind, scope, now)), pushWorkflowId(kind, scope), scope);
  }
});

test('foreign push id maps to no workflow id', (t) => {
  t.is(workflowIdOfPushId('calendar-old-push'), null);
  t.is(workflowIdOfPushId('report-x-20261204T160102Z-abcdef'), null);
});
