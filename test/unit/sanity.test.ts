import assert from 'node:assert/strict';

describe('toolchain', () => {
  it('runs the suites on Node 24 LTS', () => {
    const major = Number(process.versions.node.split('.')[0]);
    assert.equal(major, 24, `expected Node 24 from the node@24 package, got ${process.versions.node}`);
  });
});
