/**
 * Node's own flags for a Cercle node: the image's CMD and `npm start` run the server with them, and the
 * bench runs both of its servers (Cercle and the bare Socket.IO floor) with them
 * (test/integration/deploy.test.ts checks the three agree).
 *
 * A young generation of two 32 MB semi-spaces instead of V8's two 16 MB: a node's garbage is mostly
 * short-lived (a command's step, its write, its patch, each alive for a round trip to Redis), and with
 * the default young generation, collected several times a second at 1,000 posts a second, a quarter
 * more of it survived two collections and was moved to the old generation, whose collections make the
 * longest pauses of the latency tails (docs/performance.md, "latency tails"). It costs up to 32 MB more
 * memory per node, not per person.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
