/**
 * Node's own flags for a Cercle node: the image's CMD and `npm start` run the server with them, and the
 * bench runs both of its servers (Cercle and the bare Socket.IO floor) with them
 * (test/integration/deploy.test.ts checks the three agree).
 *
 * A young generation of two 16 MB semi-spaces, said explicitly (it is Node 20's default, and a later
 * Node may size it otherwise). A scavenge's pause follows what it copies, not how much garbage it
 * frees: a node's live young objects at any instant are mostly its rooms' current versions and the
 * commands in flight, about the same whenever it runs. Two 32 MB semi-spaces halved the scavenges but
 * each copied three times as many bytes and, in all, five times as many were promoted to the old
 * generation, so each pause was about four times as long, their sum longer, and the old generation's
 * collections came back (docs/performance.md, "the young generation back to 2 x 16 MB": 16 against 32
 * and 64 MB).
 *
 * An old generation that may double between two major collections (`--heap-growing-percent=100`). V8
 * otherwise sizes the next limit from how fast it marks against how fast objects are promoted, and at a
 * node's load (rooms' versions and cards promoted at ~2 MB/s, a heap of 50-90 MB marked concurrently in
 * tens of ms) it chose a factor near its floor of 1.1: a major collection every 2-3 s under the board,
 * each a concurrent marking on the second core and a finishing pause on the first, and the posts'
 * slowest 1 % waited on them. Doubled, the board's 10 s saw none, for at most twice the live old
 * generation held between two (docs/performance.md, "the old generation's growth"). The flag replaces
 * V8's factor in its memory-saving modes too; the limit stays under halfway to the heap's maximum, and
 * an idle node is still collected by V8's memory reducer.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16', '--heap-growing-percent=100'];
