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
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];
