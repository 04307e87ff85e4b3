// One Node floor: package.json's engines, the README, and every package of the lockfile
// (dependencies and the dev toolchain) agree with the Node the machines run (20).
import * as fs from 'fs';
import * as path from 'path';
import * as semver from 'semver';

const root = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const floor = semver.minVersion(pkg.engines.node)!;

test('the README states the engines floor', () => {
  expect(pkg.engines.node).toBe(`>= ${floor.version}`);
  expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(`Node ${floor.major}.${floor.minor} or later`);
});

test('every locked package runs on the floor', () => {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const needMore = Object.entries<any>(lock.packages)
    .filter(([, p]) => p.engines?.node && !semver.satisfies(floor, p.engines.node))
    .map(([name, p]) => `${name}@${p.version}: node ${p.engines.node}`);
  expect(needMore).toEqual([]);
});
