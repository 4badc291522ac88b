// Loaded into the soak's server process (`node --expose-gc --import`): on SIGUSR2 it collects
// garbage and prints the memory still in use, so the soak compares what the server keeps, not
// what V8 has not got round to collecting yet.
process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  process.stdout.write(`MEMORY ${JSON.stringify({ rss, heapUsed, external, arrayBuffers })}\n`);
});
