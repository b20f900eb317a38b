// Runs the published MDN HTTP Observatory's scan() on each host and writes one JSON object:
// host → { score, grade, testsPassed, testsFailed, tests: name → { outcome, pass, modifier } } or { error }.
// A child process because NODE_EXTRA_CA_CERTS (the test CA) is read only at process start.
// Usage: node reference-scan.mjs <package entry> <output file> <host>...
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const [entry, output, ...hosts] = process.argv.slice(2);
const { scan } = await import(pathToFileURL(entry).href);
const results = {};
const queue = [...hosts];

async function worker() {
  for (let host = queue.shift(); host !== undefined; host = queue.shift()) {
    try {
      const r = await scan(host);
      const tests = Object.fromEntries(Object.entries(r.tests).map(([name, t]) => [name, { outcome: t.result, pass: t.pass, modifier: t.scoreModifier }]));
      results[host] = { score: r.scan.score, grade: r.scan.grade, testsPassed: r.scan.testsPassed, testsFailed: r.scan.testsFailed, tests };
    } catch (err) {
      results[host] = { error: String(err?.message ?? err) };
    }
  }
}

// each scan has its own 10 s budget (the package's abortTimeout): a few at a time keeps loopback fast
await Promise.all(Array.from({ length: 6 }, worker));
fs.writeFileSync(output, JSON.stringify(results));
