// Scrapes /metrics on a server's admin listener and reads it with the Prometheus reference parser
// (Debian's python3-prometheus-client, so /usr/bin/python3), so a malformed exposition fails the test.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const PARSER = path.join(import.meta.dirname, 'parse_metrics.py');

export async function scrape(adminBase) {
  const res = await fetch(`${adminBase}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const text = await res.text();
  const r = spawnSync('/usr/bin/python3', [PARSER], { input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the Prometheus parser refused /metrics: ${r.stderr}\n${text}`);
  return { text, contentType: res.headers.get('content-type'), samples: JSON.parse(r.stdout) };
}

// The sum of the samples named `name` whose labels include `labels`.
export function value(scraped, name, labels = {}) {
  let total = 0;
  for (const s of scraped.samples) {
    if (s.name !== name) continue;
    if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}

// One unlabelled sample, read from the text without the parser: cheap enough to poll.
export async function gauge(adminBase, name) {
  const text = await (await fetch(`${adminBase}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}
