import { ChunkedMap } from '@cercle/shared';
import { expect } from 'vitest';

/**
 * `toEqual` on rooms: the engine's card map (`ChunkedMap`) keeps its entries in private fields, so it
 * is compared as the plain record it stands for (with another map, or with the plain record of a room
 * read back, cloned or built by hand), with the same rules as any record.
 */
expect.addEqualityTesters([
  function cardMapEquality(a: unknown, b: unknown, customTesters) {
    if (!(a instanceof ChunkedMap) && !(b instanceof ChunkedMap)) return undefined;
    const plain = (x: unknown) => (x instanceof ChunkedMap ? { ...x.toRecord() } : x);
    return this.equals(plain(a), plain(b), customTesters);
  },
]);
