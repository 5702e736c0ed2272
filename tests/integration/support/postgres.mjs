// The throwaway PostgreSQL cluster ctest starts for the suites (scripts/pg_cluster.sh): a database of
// each suite's own, and stopping and starting the server itself.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const SOCKET = process.env.TOKENGATE_TEST_PG_SOCKET;
const PORT = process.env.TOKENGATE_TEST_PG_PORT;
export const PG_PASSWORD = 'tokengate-test-password';

function bin(name) {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  return path.join('/usr/lib/postgresql', versions.at(-1), 'bin', name);
}

export function available() { return Boolean(SOCKET && PORT); }

// Runs SQL as the cluster's superuser, over the socket.
export function psql(sql, database = 'postgres') {
  return execFileSync(bin('psql'), ['-h', SOCKET, '-p', PORT, '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1',
    '-qAt', '-c', sql], { encoding: 'utf8' });
}

// A new empty database owned by the nodes' role; returns its URI (with the password).
export function createDatabase() {
  const name = `it_${randomBytes(6).toString('hex')}`;
  psql(`CREATE DATABASE ${name} OWNER tokengate`);
  return { name, url: `postgresql://tokengate:${PG_PASSWORD}@127.0.0.1:${PORT}/${name}` };
}

export function dropDatabase(name) {
  try { psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } catch { /* the cluster may be stopping */ }
}

// pg_ctl on the cluster (as its owner: nobody when we are root).
function pgCtl(...args) {
  const dataDir = path.join(path.dirname(SOCKET), 'data');
  const command = [bin('pg_ctl'), '-D', dataDir, ...args];
  const asOwner = process.getuid() === 0 ? ['runuser', ['-u', 'nobody', '--', ...command]] : [command[0], command.slice(1)];
  execFileSync(asOwner[0], asOwner[1], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function stopPostgres() { pgCtl('-m', 'immediate', 'stop'); }
export function startPostgres() { pgCtl('-l', path.join(path.dirname(SOCKET), 'server.log'), '-w', '-t', '30', 'start'); }
export const PG_PORT = PORT;

// A PostgreSQL cluster of the suite's own (scripts/pg_cluster.sh), for a suite that stops and
// starts the database: the shared cluster stays up for the suites running beside it.
export function privateCluster(port) {
  const script = path.resolve(import.meta.dirname, '../../../scripts/pg_cluster.sh');
  const dir = `/tmp/tokengate-pg-${randomBytes(6).toString('hex')}`;
  execFileSync('bash', [script, 'start', dir, String(port)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const ctl = (...args) => {
    const command = [bin('pg_ctl'), '-D', path.join(dir, 'data'), ...args];
    const asOwner = process.getuid() === 0 ? ['runuser', ['-u', 'nobody', '--', ...command]] : [command[0], command.slice(1)];
    execFileSync(asOwner[0], asOwner[1], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  };
  return {
    url: `postgresql://tokengate:${PG_PASSWORD}@127.0.0.1:${port}/tokengate`,
    stop: () => ctl('-m', 'immediate', 'stop'),
    start: () => ctl('-l', path.join(dir, 'server.log'), '-w', '-t', '30', 'start'),
    psql: (sql) => execFileSync(bin('psql'), ['-h', path.join(dir, 'socket'), '-p', String(port), '-U', 'postgres',
      '-d', 'tokengate', '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], { encoding: 'utf8' }),
    remove: () => execFileSync('bash', [script, 'stop', dir], { stdio: 'ignore' }),
  };
}
