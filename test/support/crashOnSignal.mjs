// Test only, loaded with `--import` into a server process (never by the server): on SIGWINCH the
// process throws an uncaught exception, or leaves a promise rejection unhandled when
// CRASH_WITH=rejection, as a bug in any handler would.
process.on('SIGWINCH', () => {
  if (process.env.CRASH_WITH === 'rejection') {
    Promise.reject(new TypeError('a rejection nobody handles'));
    return;
  }
  setImmediate(() => {
    throw new RangeError('an exception nobody catches');
  });
});
