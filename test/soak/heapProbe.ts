// Soak only, loaded with `--import` into a node process (never by the server): on SIGURG the process
// collects its garbage and prints its heap after GC and its RSS as one JSON line.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

process.on('SIGURG', () => {
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ event: 'soak_heap', heapUsed, rss, at: Date.now() })}\n`);
});
