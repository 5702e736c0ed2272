// Drives tests/client_probe (libtokengate's TokenSource or Verifier in a process of its own): one
// command per line in, one JSON line out.
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

import { BIN } from './tokengate.mjs';

export const PROBE = process.env.TOKENGATE_CLIENT_PROBE ?? path.join(path.dirname(BIN), 'tests', 'client_probe');

const live = new Set();

// Ends every probe still running (a test that failed half-way leaves its own): call in after().
export function killProbes() {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

// `kind`: token or verify; `options`: { '--token-url': …, … }.
export function startProbe(kind, options) {
  const args = [kind, ...Object.entries(options).flat().map(String)];
  const child = spawn(PROBE, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  live.add(child);
  child.on('exit', () => live.delete(child));
  const lines = readline.createInterface({ input: child.stdout });
  const waiting = [];
  const early = [];
  lines.on('line', (line) => {
    const value = JSON.parse(line);
    if (waiting.length) waiting.shift()(value); else early.push(value);
  });
  return {
    // Sends one command; resolves with its answer.
    ask(command) {
      child.stdin.write(`${command}\n`);
      return new Promise((resolve) => { if (early.length) resolve(early.shift()); else waiting.push(resolve); });
    },
    close() {
      child.stdin.end();
      return new Promise((resolve) => child.on('exit', resolve));
    },
  };
}
