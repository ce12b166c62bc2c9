// Runs after `npm install` / `npm ci` (package.json "postinstall"): repairs postgres.js 3.4.9 in
// node_modules, where three faults have no fixed release yet. Each repair is applied once, found by
// its own text, so an install repaired by an earlier version of this script gets the newer ones.
//
// 1. The write scheduler (porsager/postgres#1208, #1154). postgres.js defers a small write to a
//    setImmediate. When the connection closes first:
//    - closed() and terminate() cancel that immediate but leave `nextWriteTimer` set and the bytes
//      in `chunk`. Every later write on that connection object, the reconnect's startup message
//      included, is then appended to `chunk` and never sent, so its queries wait forever;
//    - a write made after the close (a transaction's ROLLBACK) schedules an immediate that finds
//      no socket and throws where nothing can catch it, which ends the process.
//    The database outage drill (tests/integration/drill-db-outage.test.ts) hits both: the gateway
//    exited, or its signal workers stalled on such connections after the database came back.
//    Repair: teardown forgets the pending write (its queries were already rejected as closed), and
//    a write with no socket rejects its queries as closed instead of throwing.
//
// 2. A query that opens a connection can wait forever while the connection reconnects with no
//    delay, thousands of times a second (porsager/postgres#1193). Two ways in:
//    - the server closes the socket cleanly during startup: closed() sees the query still waiting to
//      open the connection and reconnects at once, before anything settles it;
//    - the connection was closed under a running query (a database dropped WITH (FORCE), a
//      terminated backend): closed() rejects that query but keeps it as the running one, so the
//      next connection's startup error ("database does not exist", "the system is starting up")
//      is held for it, as an error to report at ReadyForQuery, and never reaches the new query;
//      the server then closes, which is the first way in.
//    A webhook then hung until the test's 30 s timeout instead of answering 503.
//    Repair: a close during startup rejects the waiting query (the pool's next query connects
//    again, after the backoff), and a closed connection forgets its running query and held error.
//
// 3. A query sent between a socket's error and its close is never settled. A reset socket emits
//    'error' at once and 'close' only after its handle is closed, a turn of the event loop later.
//    The error rejects what the connection holds, but the pool still counts the connection as
//    usable, so a query made in reaction to that rejection (our delivery group commit retries each
//    delivery of a failed batch alone) is sent on it. closed() then rejects nothing, because the
//    close came with an error, and repair 2's forgetting dropped that query unsettled; upstream,
//    it waits until the next connection's startup and is resolved with an empty result. In the
//    outage drill one such commit held every later webhook of the gateway until its client gave
//    up (tests/integration/database-driver-repair.test.ts reproduces it).
//    Repair: whatever a connection still holds when it closes is rejected as closed, error or not.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const MARK = "/* signal-gateway: write-scheduler repair */";
const STARTUP_MARK = "/* signal-gateway: startup-close repair */";
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "postgres");

const edits = [
  {
    find: "  function nextWrite(fn) {\n",
    replace:
      "  function nextWrite(fn) {\n" +
      `    ${MARK}\n` +
      "    if (!socket) {\n" +
      "      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n" +
      "      chunk = nextWriteTimer = null\n" +
      "      error(Errors.connection('CONNECTION_CLOSED', options))\n" +
      "      return true\n" +
      "    }\n",
  },
  {
    find: "    clearImmediate(nextWriteTimer)\n    if (socket) {\n",
    replace: "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {\n",
  },
  {
    find: "    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)\n",
    replace: "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    socket.removeListener('data', data)\n",
  },
  {
    find:
      "    if (initial)\n      return reconnect()\n\n" +
      "    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))\n",
    replace:
      "    if (initial) {\n" +
      `      ${STARTUP_MARK}\n` +
      "      queryError(initial, Errors.connection('CONNECTION_CLOSED', options, socket))\n" +
      "      initial = null\n" +
      "    }\n\n" +
      "    if (query || sent.length)\n" +
      "      error(Errors.connection('CONNECTION_CLOSED', options, socket))\n" +
      "    query = errorResponse = null\n",
  },
];

if (!existsSync(root)) process.exit(0);
const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
let failed = false;
for (const dir of ["src", "cjs/src", "cf/src"]) {
  const file = join(root, dir, "connection.js");
  if (!existsSync(file)) continue;
  let text = readFileSync(file, "utf8");
  for (const { find, replace } of edits) {
    if (text.includes(replace)) continue;
    if (text.split(find).length !== 2) {
      failed = true;
      console.error(`patch-postgres-js: postgres ${version} ${dir}/connection.js does not read as expected; not repaired`);
      break;
    }
    text = text.replace(find, replace);
  }
  if (!failed) writeFileSync(file, text);
}
// On the version this repair was written for, a mismatch means the install is not what we test.
if (failed && version === "3.4.9") process.exit(1);
