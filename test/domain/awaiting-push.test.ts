import test from 'ava';

import { findSectionsBehind, type ReceivedVersions } from '../../src/domain/awaiting-push.js';
import { ZERO_VERSIONS, type ItemVersions } from '../../src/domain/setup.js';

const versions: ItemVersions = { ...ZERO_VERSIONS, categories: 3, advisory: 1 };

test('findSectionsBehind: current sections are not behind', (t) => {
  const current: ReceivedVersions = { categories: { version: 3 }, advisory: { version: 1 } };

  t.deepEqual(findSectionsBehind(versions, [current, current]), { items: [], sectionsBehind: 0 });
});

test('findSectionsBehind: absent version counts as 0', (t) => {
  const result = findSectionsBehind(versions, [{}, { categories: { version: 3 } }]);

  t.deepEqual(result.items, [
    { item: 'categories', courseVersion: 3, sectionsBehind: 1 },
    { item: 'advisory', courseVersion: 1, sectionsBehind: 2 },
  ]);
  t.is(result.sectionsBehind, 2);
});

test('findSectionsBehind: version 0 items never lag', (t) => {
  const result = findSectionsBehind(ZERO_VERSIONS, [{}]);

  t.deepEqual(result, { items: [], sectionsBehind: 0 });
});

test('findSectionsBehind: older version lags', (t) => {
  const sections: ReceivedVersions[] = [
    { categories: { version: 2 }, advisory: { version: 1 } },
    { categories: { version: 3 }, advisory: { version: 1 } },
  ];

  const result = findSectionsBehind(versions, sections);

  t.deepEqual(result.items, [{ item: 'categories', courseVersion: 3, sectionsBehind: 1 }]);
  t.is(result.sectionsBehind, 1);
});

test('findSectionsBehind: no sections means nothing behind', (t) => {
  t.deepEqual(findSectionsBehind(versions, []), { items: [], sectionsBehind: 0 });
});
