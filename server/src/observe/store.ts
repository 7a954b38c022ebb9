import type { Observers } from './observer.js';

/** The store's calls that are timed (its listeners and `kind` pass through untouched). */
const timed = new Set([
  'create',
  'load',
  'apply',
  'touch',
  'purge',
  'scheduleTimer',
  'claimDueTimers',
  'ping',
]);

/**
 * The same store, each timed call told to the observer with its duration. A proxy rather than a class,
 * so a method a store gains later passes through without being listed here. Two clock reads and one
 * callback per call: small beside a Redis round trip.
 */
export function observeStore<S extends object>(store: S, observer: Observers): S {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (typeof property !== 'string' || !timed.has(property)) return value.bind(target);
      return (...args: unknown[]) => {
        const started = performance.now();
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        result.then(
          () => observer.storeCall(property, performance.now() - started, true),
          () => observer.storeCall(property, performance.now() - started, false),
        );
        return result;
      };
    },
  });
}
