import test from 'ava';

import { deepEqual, stableStringify } from '../../src/domain/diff.js';

test('stableStringify: sorts keys', (t) => {
  t.is(stableStringify({ b: 1, a: { d: [1, 2], c: null } }), '{"a":{"c":null,"d":[1,2]},"b":1}');
});

test('stableStringify: skips undefined keys', (t) => {
  t.is(stableStringify({ a: undefined, b: 2 }), '{"b":2}');
  t.is(stableStringify([undefined]), '[null]');
});

test('deepEqual: key order ignored', (t) => {
  t.true(deepEqual({ a: 1, b: [{ x: true, y: 's' }] }, { b: [{ y: 's', x: true }], a: 1 }));
});

test('deepEqual: array order counts', (t) => {
  t.false(deepEqual([1, 2], [2, 1]));
});

test('deepEqual: different values', (t) => {
  t.false(deepEqual({ a: 1 }, { a: '1' }));
  t.false(deepEqual({ a: 1 }, { a: 1, b: 0 }));
  t.false(deepEqual(null, {}));
});
