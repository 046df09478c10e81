// Drives every example (examples/*/build/filter.wasm, found at run time) through random, seeded
// traffic in the emulator: random header maps, bodies cut into random chunks (empty ones, very
// large ones), trailers, streams ended at every step, several streams interleaved, outgoing
// calls answered, failed, timed out or answered after their stream is gone, callbacks for
// contexts already deleted, ticks. Plain JS on the built emulator (dist/), so that both the
// vitest suites and `node test/reliability/soak.mjs` use it.
import { createHmac } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Host, WasmTrapError } from "../../dist/host/index.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

// ---- seeded randomness --------------------------------------------------------------------

export class Rng {
  constructor(seed) {
    this.s = seed >>> 0 || 1;
  }
  next() {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n) {
    return Math.floor(this.next() * n);
  }
  chance(p) {
    return this.next() < p;
  }
  pick(a) {
    return a[this.int(a.length)];
  }
  bytes(n) {
    // next() inlined: the same bytes as this.int(256) each (the top 8 bits), without a call per byte.
    const out = new Uint8Array(n);
    let s = this.s;
    for (let i = 0; i < n; i++) {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      out[i] = (t ^ (t >>> 14)) >>> 24;
    }
    this.s = s;
    return out;
  }
  text(n, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_/.é✓😀 \0\t") {
    const chars = charsOf(alphabet);
    let s = "";
    for (let i = 0; i < n; i++) s += this.pick(chars);
    return s;
  }
}

/** An alphabet's characters (code points), split once per alphabet. */
const alphabets = new Map();
function charsOf(alphabet) {
  let chars = alphabets.get(alphabet);
  if (!chars) {
    chars = [...alphabet];
    alphabets.set(alphabet, chars);
  }
  return chars;
}

// ---- the examples and how each is started ---------------------------------------------------

const JWT_SECRET = "s3cret-key";

/**
 * What the examples' own tests use. An example not listed here is started with the first
 * configuration found in its test file that the plugin accepts (else "" / "{}").
 */
const KNOWN = {
  "dispatch-on-tick": {
    configuration: JSON.stringify({
      cluster: "backend",
      path: "/healthz",
      authority: "backend.local",
      period_ms: 1000,
      timeout_ms: 300,
    }),
  },
  "grpc-auth": {
    configuration: JSON.stringify({ cluster: "auth", service: "auth.v1.Authorizer", method: "Check", timeout_ms: 500 }),
  },
  "http-auth": { configuration: JSON.stringify({ cluster: "auth", path: "/verify", timeoutMs: 250 }) },
  "http-routing": { configuration: JSON.stringify({ canary_authority: "canary.internal", percentage: 30 }) },
  "json-validation": { configuration: JSON.stringify({ requiredKeys: ["user", "action"] }) },
  "jwt-auth": { configuration: JSON.stringify({ secret: JWT_SECRET }) },
  "multiple-dispatches": {
    configuration: JSON.stringify({
      cluster: "audit",
      count: 3,
      path: "/audit",
      authority: "audit.local",
      timeout_ms: 700,
    }),
  },
  "postpone-requests": { configuration: JSON.stringify({ tick_period_ms: 250 }), postpones: true },
  properties: {
    configuration: JSON.stringify({
      deny_path_prefixes: ["/admin", "/debug"],
      deny_source_addresses: ["192.0.2.10", "2001:db8::1"],
    }),
  },
  "shared-queue": {
    extraPlugins: [{ rootId: "receiver", configuration: '{"queue": "summaries"}' }],
    rootId: "sender",
    configuration: '{"queue": "summaries"}',
  },
};

/** Every example with a build, by name. */
export function listExamples() {
  const dir = join(ROOT, "examples");
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const wasm = join(dir, name, "build", "filter.wasm");
    if (!existsSync(wasm)) continue;
    const testFile = join(dir, name, "test", "filter.test.ts");
    const testSource = existsSync(testFile) ? readFileSync(testFile, "utf8") : "";
    out.push({ name, wasm, bytes: readFileSync(wasm), testSource });
  }
  return out;
}

/** Configurations an unknown example's test file uses (JSON object literals in quotes). */
function candidateConfigurations(testSource) {
  const found = [];
  for (const m of testSource.matchAll(/'(\{[^'\n]*\})'|`(\{[^`\n]*\})`/g)) {
    const text = m[1] ?? m[2];
    try {
      JSON.parse(text);
      found.push(text);
    } catch {}
  }
  return [...found, "", "{}"];
}

/**
 * Loads an example into `host` and starts its plugin(s) as its tests do. Returns the VM, the
 * plugin that receives streams, whether it is a TCP filter, and whether it holds requests on
 * purpose until a tick (a documented postpone).
 */
export async function startExample(example, host) {
  const known = KNOWN[example.name] ?? {};
  const vm = await host.loadVm(example.bytes, { vmId: known.vmId ?? "" });
  for (const extra of known.extraPlugins ?? []) vm.startPlugin(extra);
  const candidates =
    known.configuration !== undefined ? [known.configuration] : candidateConfigurations(example.testSource);
  let plugin = null;
  for (const configuration of candidates) {
    const p = vm.startPlugin({ rootId: known.rootId ?? "", configuration });
    if (p.configured) {
      plugin = p;
      break;
    }
  }
  if (!plugin) throw new Error(`${example.name}: no configuration starts the plugin`);
  const tcp = known.tcp ?? /newTcpStream\(/.test(example.testSource);
  const postpones = known.postpones ?? false;
  host.clearLogs();
  return { example, host, vm, plugin, tcp, postpones, configuration: plugin.configurationText };
}

// ---- random traffic ----------------------------------------------------------------------

function base64url(data) {
  return Buffer.from(data).toString("base64").replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

function jwt(r) {
  const header = base64url(JSON.stringify({ alg: r.pick(["HS256", "HS256", "none", "RS256"]), typ: "JWT" }));
  const now = 1_704_067_200;
  const claims = {
    sub: r.text(6),
    exp: now + r.pick([-100, 3600, 10 ** 12]),
    nbf: r.chance(0.2) ? now + 500 : now - 10,
  };
  const payload = base64url(JSON.stringify(claims));
  const sig = base64url(
    createHmac("sha256", r.chance(0.8) ? JWT_SECRET : "wrong")
      .update(`${header}.${payload}`)
      .digest(),
  );
  return r.chance(0.1) ? r.text(20) : `${header}.${payload}.${r.chance(0.9) ? sig : sig.slice(1)}`;
}

/** A random request header map: usually well-formed, sometimes odd (missing pseudo-headers, empty, junk). */
export function requestHeaderMap(r) {
  if (r.chance(0.02)) return [];
  const h = [];
  if (!r.chance(0.03))
    h.push([":method", r.pick(["GET", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "get", ""])]);
  if (!r.chance(0.03))
    h.push([":path", r.pick(["/", "/items", "/admin/x", "/debug", "/items?id=7&x=é", "/" + r.text(r.int(30)), ""])]);
  if (!r.chance(0.03)) h.push([":authority", r.pick(["example.com", "shop.example.com", "", r.text(10)])]);
  if (r.chance(0.5)) h.push([":scheme", r.pick(["http", "https"])]);
  const optional = [
    () => ["authorization", r.chance(0.7) ? `Bearer ${jwt(r)}` : r.text(12)],
    () => ["x-user-id", r.pick(["alice", "bob", r.text(8), ""])],
    () => ["x-forwarded-for", r.pick(["10.0.0.1", "192.0.2.10", "10.0.0.1, 10.0.0.2", r.text(7)])],
    () => ["content-type", r.pick(["application/json", "text/plain", "application/json; charset=utf-8"])],
    () => ["content-length", String(r.int(5000))],
    () => [
      "x-trace-id",
      r.chance(0.5) ? [...r.bytes(16)].map((b) => b.toString(16).padStart(2, "0")).join("") : r.text(r.int(40)),
    ],
    () => ["x-request-id", r.text(12)],
    () => ["x-swimlane", r.pick(["canary", "production", ""])],
    () => ["user-agent", r.text(r.int(20))],
    () => [r.text(1 + r.int(12), "abcdefxyz-_:ABC"), r.text(r.int(40))],
  ];
  for (let i = r.int(6); i > 0; i--) h.push(r.pick(optional)());
  if (r.chance(0.05)) for (let i = 0; i < 100; i++) h.push([`x-many-${i}`, r.text(5)]);
  return h;
}

export function responseHeaderMap(r) {
  const h = [[":status", String(r.pick([200, 200, 200, 204, 301, 400, 403, 404, 429, 500, 503]))]];
  for (let i = r.int(4); i > 0; i--)
    h.push([r.pick(["content-type", "server", "x-upstream", r.text(6, "abcxyz-")]), r.text(r.int(20))]);
  return h;
}

/** A random body: JSON the examples look for, other JSON, text, binary; now and then a very large one. */
export function body(r, { large = true } = {}) {
  const k = r.int(10);
  if (large && r.chance(0.005)) return r.bytes(1 << (20 + r.int(2))); // 1-2 MiB
  if (k < 3)
    return new TextEncoder().encode(
      JSON.stringify({ user: r.pick(["alice", 7, null]), action: r.pick(["read", "write"]), n: r.int(100) }),
    );
  if (k < 5)
    return new TextEncoder().encode(JSON.stringify(r.chance(0.5) ? { name: r.text(5) } : [r.int(9), r.text(3)]));
  if (k < 7) return new TextEncoder().encode(r.text(r.int(200)));
  if (k < 8) return new Uint8Array(0);
  return r.bytes(r.int(4000));
}

/** Cuts data into 1-6 chunks, some of them empty. */
export function cut(r, data) {
  const n = 1 + r.int(6);
  const points = Array.from({ length: n - 1 }, () => r.int(data.length + 1)).sort((a, b) => a - b);
  const out = [];
  let prev = 0;
  for (const p of points) {
    out.push(data.subarray(prev, p));
    prev = p;
  }
  out.push(data.subarray(prev));
  return out;
}

// ---- one stream ----------------------------------------------------------------------------

export class Stats {
  streams = 0;
  tcpConnections = 0;
  endedEarly = 0;
  forwarded = 0;
  localResponses = 0;
  resets = 0;
  pausedWithCall = 0;
  postponed = 0;
  stuck = 0;
  /** Paused at the end after a fault in a call that ends a pause (allowed: the filter has no other way out). */
  stuckAfterFault = 0;
  /** Paused at the end after other faults only: the filter did not turn the failure into an outcome. */
  stuckAfterOtherFault = 0;
  callsAnswered = 0;
  callsFailed = 0;
  callsTimedOut = 0;
  lateAnswers = 0;
  deletedContextCallbacks = 0;
  largeBodies = 0;
  traps = 0;
  problems = [];

  problem(text) {
    if (this.problems.length < 50) this.problems.push(text);
  }
}

/** Calls that end a pause: when one of them fails, a stream may stay paused (the ABI gives no other way out). */
export const PAUSE_ENDING_CALLS = new Set([
  "proxy_continue_stream",
  "proxy_send_local_response",
  "proxy_set_effective_context",
]);

/**
 * Answers the pending calls made by `contextId` (a stream, or the plugin itself) — answered,
 * failed or timed out at random, several rounds as answers may start new calls.
 */
export function settleCalls(env, r, stats, contextId) {
  const { host } = env;
  for (let round = 0; round < 6; round++) {
    const http = host.httpCalls.filter((c) => c.callerContextId === contextId && c.vmId === env.vm.vmId);
    const grpc = host.grpcCalls.filter((c) => c.callerContextId === contextId && c.vmId === env.vm.vmId);
    if (http.length + grpc.length === 0) return;
    for (const c of http) answerHttp(env, r, stats, c.token);
    for (const c of grpc) answerGrpc(env, r, stats, c.token);
  }
}

function answerHttp(env, r, stats, token) {
  const { host } = env;
  if (!host.calls.http.has(token)) return;
  const faults = host.faults;
  if (faults && (faults.upstream.fail > 0 || faults.upstream.timeout > 0)) {
    const fate = faults.settleHttpCall(host, token, { status: r.pick([200, 200, 403, 500]), body: r.text(r.int(30)) });
    if (fate === "failed") stats.callsFailed++;
    else if (fate === "timed-out") stats.callsTimedOut++;
    else stats.callsAnswered++;
    return;
  }
  const k = r.int(10);
  if (k < 7) {
    stats.callsAnswered++;
    host.respondHttpCall(token, {
      status: r.pick([200, 200, 200, 403, 401, 500]),
      headers: r.chance(0.2) ? [] : [["x-auth", r.text(4)]],
      body: r.text(r.int(40)),
    });
  } else if (k < 9) {
    stats.callsFailed++;
    host.failHttpCall(token);
  } else {
    stats.callsTimedOut++;
    host.advanceTime(host.calls.http.get(token).view.timeoutMs);
    if (host.calls.http.has(token)) host.failHttpCall(token);
  }
}

function answerGrpc(env, r, stats, token) {
  const { host } = env;
  if (!host.calls.grpc.has(token)) return;
  const faults = host.faults;
  if (faults && (faults.upstream.fail > 0 || faults.upstream.timeout > 0)) {
    const fate = faults.settleGrpcCall(host, token, r.bytes(r.int(20)));
    if (fate === "failed") stats.callsFailed++;
    else if (fate === "timed-out") stats.callsTimedOut++;
    else stats.callsAnswered++;
    return;
  }
  if (r.chance(0.7)) {
    stats.callsAnswered++;
    host.respondGrpcCall(token, r.bytes(r.int(20)));
  } else {
    stats.callsFailed++;
    host.failGrpcCall(token, r.pick([7, 14, 16, 4]), r.text(8));
  }
}

function pendingOf(env, id) {
  return (
    env.host.httpCalls.some((c) => c.callerContextId === id) || env.host.grpcCalls.some((c) => c.callerContextId === id)
  );
}

/** Ends an HTTP stream as Envoy does, also after the filter reset it (the emulator's complete() refuses then). */
function finish(env, s) {
  if (s.completed) return;
  if (!s.reset) return s.complete();
  // Envoy still runs on_done, on_log and on_delete for a stream the filter reset.
  const { vm } = env;
  env.host.drive(() => {
    s.completed = true;
    for (const cb of ["proxy_on_done", "proxy_on_log", "proxy_on_delete"]) vm.call(cb, s, s.id);
    vm.contexts.delete(s.id);
  });
}

/**
 * Builds one random HTTP stream as a list of steps (run one at a time, interleaved with other
 * streams by `runTraffic`), ending with its classification.
 */
function httpStreamSteps(env, r, stats, opts) {
  const { plugin, host } = env;
  const s = plugin.newHttpStream();
  if (r.chance(0.3))
    s.setProperty(["source", "address"], r.pick(["10.0.0.1:5000", "192.0.2.10:443", "[2001:db8::1]:80"]));
  const reqBody = r.chance(0.4) ? body(r, opts) : null;
  const resBody = r.chance(0.6) ? body(r, opts) : null;
  if ((reqBody?.length ?? 0) > 1 << 19 || (resBody?.length ?? 0) > 1 << 19) stats.largeBodies++;
  const reqTrailers = reqBody && r.chance(0.15);
  const resTrailers = resBody && r.chance(0.15);
  const steps = [];
  const act = (a) => {
    if (a !== null && a !== 0 && a !== 1) stats.problem(`${env.example.name}: callback returned ${a}`);
  };
  steps.push(() => act(s.requestHeaders(requestHeaderMap(r), { endOfStream: !reqBody && !reqTrailers })));
  if (reqBody) {
    const parts = cut(r, reqBody);
    parts.forEach((p, i) => {
      steps.push(() => act(s.requestBody(p, i === parts.length - 1 && !reqTrailers)));
    });
  }
  if (reqTrailers) steps.push(() => act(s.requestTrailers([["x-checksum", r.text(6)]])));
  steps.push("settle");
  const canRespond = () => s.requestHeadersForwarded && !s.localResponse && !s.reset && !s.completed;
  steps.push(() => {
    if (!canRespond()) return;
    responded = true;
    act(s.responseHeaders(responseHeaderMap(r), { endOfStream: !resBody && !resTrailers }));
  });
  if (resBody) {
    const parts = cut(r, resBody);
    parts.forEach((p, i) => {
      steps.push(() => respond(() => act(s.responseBody(p, i === parts.length - 1 && !resTrailers))));
    });
  }
  if (resTrailers) steps.push(() => respond(() => act(s.responseTrailers([["grpc-status", "0"]]))));
  steps.push("settle");
  let responded = false;
  function respond(fn) {
    // The response body and trailers follow response headers that were delivered.
    if (responded && !s.completed && !s.reset && !s.localResponse) fn();
  }

  // End the stream early (client gone) at a random step now and then.
  const stopAt = r.chance(opts.earlyEnd ?? 0.25) ? r.int(steps.length) : steps.length;
  const late = r.chance(0.1); // leave this stream's calls to be answered after it is gone
  let i = 0;
  const faults = host.faults;
  const faultsBefore = faults ? faults.injected : 0;

  return {
    stream: s,
    done: () => i >= stopAt,
    step() {
      const st = steps[i++];
      if (st === "settle") {
        if (!late && r.chance(0.8)) settleCalls(env, r, stats, s.id);
      } else st();
      if (i >= stopAt) this.end();
    },
    end() {
      stats.streams++;
      if (stopAt < steps.length) stats.endedEarly++;
      else {
        if (!late) settleCalls(env, r, stats, s.id);
        if (s.paused && !s.localResponse && !s.reset && env.postpones && !pendingOf(env, s.id)) {
          host.advanceTime(1000); // the documented postpone: released by the plugin's tick
          stats.postponed++;
        }
        if (!late) settleCalls(env, r, stats, s.id);
        classify();
      }
      const pending = [...host.httpCalls, ...host.grpcCalls].filter((c) => c.callerContextId === s.id);
      finish(env, s);
      // Calls answered after their stream is gone: the SDK must drop them quietly.
      for (const c of pending) {
        stats.lateAnswers++;
        if ("upstream" in c && host.calls.http.has(c.token)) {
          if (r.chance(0.5)) host.respondHttpCall(c.token, { status: 200, body: "late" });
          else host.failHttpCall(c.token);
        } else if (host.calls.grpc.has(c.token)) {
          if (r.chance(0.5)) host.respondGrpcCall(c.token, "late");
          else host.failGrpcCall(c.token, 14);
        }
      }
      // Callbacks for the context just deleted (a proxy race): Continue, no trap.
      if (r.chance(opts.deletedCallbacks ?? 0.03)) deletedContextCallbacks(env, r, stats, s.id);
    },
  };

  function classify() {
    if (s.localResponse) stats.localResponses++;
    else if (s.reset) stats.resets++;
    else if (!s.paused) stats.forwarded++;
    else if (pendingOf(env, s.id)) stats.pausedWithCall++;
    else {
      // Under faults: which injected faults touched this stream (or could misroute its answer)?
      const n = faults ? faults.injected - faultsBefore : 0;
      const since = n > 0 ? faults.records.slice(-n) : [];
      const touched = since.filter((f) => f.contextId === s.id || f.call === "proxy_set_effective_context");
      const what = `${env.example.name}: stream ${s.id} left paused (request ${s.requestPaused}, response ${s.responsePaused}) with no pending call`;
      if (touched.some((f) => PAUSE_ENDING_CALLS.has(f.call))) stats.stuckAfterFault++;
      else if (touched.length > 0) {
        stats.stuckAfterOtherFault++;
        stats.problem(`${what}, after faults ${touched.map((f) => `${f.call}=${f.status}`).join(", ")}`);
      } else {
        stats.stuck++;
        stats.problem(what);
      }
    }
  }
}

function deletedContextCallbacks(env, r, stats, id) {
  const { vm, plugin } = env;
  const calls = [
    ["proxy_on_request_headers", id, 3, 0],
    ["proxy_on_request_body", id, 10, 1],
    ["proxy_on_response_headers", id, 1, 1],
    ["proxy_on_response_trailers", id, 1],
    ["proxy_on_done", id],
    ["proxy_on_log", id],
    ["proxy_on_delete", id],
    ["proxy_on_downstream_data", id, 5, 0],
    ["proxy_on_http_call_response", plugin.id, (r.int(0xffffffff) | 1) >>> 0, 1, 0, 0],
    ["proxy_on_grpc_receive", plugin.id, (r.int(0xffffffff) | 1) >>> 0, 3],
  ];
  const [name, ...args] = r.pick(calls);
  stats.deletedContextCallbacks++;
  const result = env.host.drive(() => vm.call(name, plugin, ...args));
  if (/headers|body|trailers|data$/.test(name) && result !== undefined && result !== 0) {
    stats.problem(`${env.example.name}: ${name} for deleted context ${id} returned ${result}`);
  }
}

/** One random TCP connection, as steps. */
function tcpStreamSteps(env, r, stats, opts) {
  const c = env.plugin.newTcpStream();
  const steps = [() => c.newConnection()];
  for (let k = r.int(8); k > 0; k--) {
    const down = r.chance(0.5);
    const data = body(r, opts);
    steps.push(() =>
      down
        ? !c.closed && !c.downstreamClosed && c.downstreamData(data)
        : !c.closed && !c.upstreamClosed && c.upstreamData(data),
    );
  }
  const order = r.chance(0.5);
  steps.push(() => !c.completed && (order ? c.downstreamClose("remote") : c.upstreamClose("remote")));
  steps.push(() => !c.completed && (order ? c.upstreamClose("local") : c.downstreamClose("local")));
  const stopAt = r.chance(opts.earlyEnd ?? 0.25) ? 1 + r.int(steps.length) : steps.length;
  let i = 0;
  return {
    stream: c,
    done: () => i >= stopAt,
    step() {
      steps[i++]();
      if (i >= stopAt) this.end();
    },
    end() {
      stats.streams++;
      stats.tcpConnections++;
      if (stopAt < steps.length) stats.endedEarly++;
      if (!c.completed) c.complete();
      if (r.chance(opts.deletedCallbacks ?? 0.03)) deletedContextCallbacks(env, r, stats, c.id);
    },
  };
}

/**
 * Runs `count` random streams through a started example, `concurrency` at a time, interleaving
 * their steps; ticks the clock now and then and settles the plugin's own calls. A trap is
 * counted and stops the run (the VM is failed, as in Envoy).
 */
export function runTraffic(
  env,
  { seed = 1, count = 1000, concurrency = 3, stats = new Stats(), large = true, earlyEnd, deletedCallbacks } = {},
) {
  const r = new Rng(seed);
  const opts = { large, earlyEnd, deletedCallbacks };
  const active = [];
  let started = 0;
  try {
    while (started < count || active.length) {
      while (active.length < concurrency && started < count) {
        started++;
        active.push(env.tcp ? tcpStreamSteps(env, r, stats, opts) : httpStreamSteps(env, r, stats, opts));
      }
      const k = r.int(active.length);
      const st = active[k];
      st.step();
      if (st.done()) active.splice(k, 1);
      if (r.chance(0.02)) env.host.advanceTime(r.pick([1, 50, 250, 1000, 5000]));
      if (r.chance(0.05)) settleCalls(env, r, stats, env.plugin.id);
    }
  } catch (e) {
    if (!(e instanceof WasmTrapError)) throw e;
    stats.traps++;
    stats.problem(`${env.example.name}: TRAP ${e.message}`);
  }
  return stats;
}

/** A fresh host with the example started in it. */
export async function fresh(example, hostOptions = {}) {
  return startExample(example, new Host(hostOptions));
}

// ---- faults --------------------------------------------------------------------------------

/** Host calls whose status the SDK does not check (documented in docs/reliability.md). */
export const UNCHECKED_CALLS = new Set(["proxy_log", "proxy_get_log_level", "proxy_set_effective_context"]);
/** Statuses the SDK treats as ordinary results, not errors (no log line). */
export const ORDINARY_STATUSES = new Set([0, 1, 7, 8]);

/**
 * Faults the SDK should have logged ("<operation> failed: host status N", warn, on the context
 * the call acted on) and did not. Compares multisets of (vm, context, status).
 */
export function unloggedFaults(host) {
  const key = (vm, ctx, status) => `${vm}|${ctx}|${status}`;
  const logged = new Map();
  for (const l of host.logs) {
    const m = / failed: host status (\d+)$/.exec(l.message);
    if (l.level === "warn" && m)
      logged.set(key(l.vmId, l.contextId, m[1]), (logged.get(key(l.vmId, l.contextId, m[1])) ?? 0) + 1);
  }
  const missing = [];
  for (const f of host.faults.records) {
    if (ORDINARY_STATUSES.has(f.status) || UNCHECKED_CALLS.has(f.call)) continue;
    const k = key(f.vmId, f.contextId, String(f.status));
    const n = logged.get(k) ?? 0;
    if (n > 0) logged.set(k, n - 1);
    else missing.push(f);
  }
  return missing;
}

/** The `env` host functions an example imports (the ones it can see fail). */
export async function importedHostCalls(example) {
  const { readWasm } = await import("../../dist/host/wasm/wasm-reader.js");
  return readWasm(example.bytes)
    .imports.filter((i) => i.module === "env")
    .map((i) => i.name)
    .sort();
}
