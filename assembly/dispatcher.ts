// Routes every host callback to its context object: creates plugin and stream contexts,
// forgets them on delete, and routes call answers to the context that made the call.
// A callback for a context it does not know is logged and answered with a harmless default.
import { formatU32 } from "./runtime/format";
import { proxy_set_effective_context } from "./abi/imports";
import { Context } from "./context/context";
import { HttpContext } from "./context/http";
import { PluginContext } from "./context/plugin";
import { TcpContext } from "./context/tcp";
import { VMContext } from "./context/vm";
import { liveContexts as contexts } from "./runtime/live-contexts";
import { collectIfDue, collectInStreamIfDue } from "./runtime/collector";
import { setCurrentContext } from "./runtime/current-context";
import { logRaw } from "./runtime/log-raw";
import { callerOf, forgetCall, forgetCallsOf, messageEndsCall } from "./runtime/pending-calls";
import { Action, LogLevel, PeerType } from "./types";

// --- Registration (called from a filter's top-level code, during _initialize)

let vm = new VMContext();
let defaultPlugin: ((contextId: u32) => PluginContext) | null = null;
// Set only by registerPluginForRootId (root-ids.ts), so filters with one plugin carry no root-id code.
let pluginForRootId: ((contextId: u32) => PluginContext | null) | null = null;

/** Replaces the default VM context (only needed to handle the VM configuration). */
export function setVMContext(context: VMContext): void {
  vm = context;
}

/**
 * Registers the plugin factory that serves every plugin context of this module, whatever
 * its root id (Istio's WasmPlugin chooses its own root ids).
 */
export function registerPlugin(factory: (contextId: u32) => PluginContext): void {
  defaultPlugin = factory;
}

/** Installs the chooser that `registerPluginForRootId` (root-ids.ts) builds. */
export function setPluginChooser(chooser: (contextId: u32) => PluginContext | null): void {
  pluginForRootId = chooser;
}

// --- Live contexts

// A stream receives several callbacks in a row: remember the last one looked up.
let lastHttpId: u32 = 0;
let lastHttp: HttpContext | null = null;
// And the plugin that created the last stream.
let lastPluginId: u32 = 0;
let lastPlugin: PluginContext | null = null;

// Log lines name the callback family, not each callback: every string literal adds bytes.
const HTTP_CALLBACK = "HTTP stream callback";
const PLUGIN_OR_TCP_CALLBACK = "plugin or TCP callback";

function unknownContext(callback: string, contextId: u32): void {
  logRaw(<u32>LogLevel.Warn, callback + " for unknown context " + formatU32(contextId) + "; ignored");
}

/** The context `contextId`, which becomes the current one (calls it makes are routed back to it). */
function findAny(contextId: u32): Context | null {
  // The stream of the previous callback is the likely one: skip the table lookup.
  const context = contextId == lastHttpId && lastHttp !== null
    ? changetype<Context>(lastHttp)
    : changetype<Context | null>(contexts.get(contextId));
  setCurrentContext(context);
  return context;
}

function findHttp(contextId: u32): HttpContext | null {
  // lastHttp is an HTTP context: no table, no class test.
  const last = lastHttpFor(contextId);
  if (last !== null) return last;
  const context = findAny(contextId);
  if (!(context instanceof HttpContext)) return null;
  lastHttpId = contextId;
  lastHttp = changetype<HttpContext>(context);
  return changetype<HttpContext>(context);
}

/** The stream of the previous callback when it is `contextId` (made current), else null. */
function lastHttpFor(contextId: u32): HttpContext | null {
  if (contextId != lastHttpId || lastHttp === null) return null;
  setCurrentContext(lastHttp);
  return lastHttp;
}

function findPlugin(contextId: u32): PluginContext | null {
  // Streams are created by one plugin, over and over: skip its lookup and class test.
  if (contextId == lastPluginId && lastPlugin !== null) {
    setCurrentContext(lastPlugin);
    return lastPlugin;
  }
  const context = findAny(contextId);
  if (context instanceof PluginContext) {
    lastPluginId = contextId;
    lastPlugin = changetype<PluginContext>(context);
    return lastPlugin;
  }
  unknownContext(PLUGIN_OR_TCP_CALLBACK, contextId);
  return null;
}

function findTcp(contextId: u32): TcpContext | null {
  const context = findAny(contextId);
  if (context instanceof TcpContext) return changetype<TcpContext>(context);
  unknownContext(PLUGIN_OR_TCP_CALLBACK, contextId);
  return null;
}

// (After an `instanceof` test or a null check, `changetype` converts without a second runtime
// check, which would bring its error message and file name into every filter.)

// --- Lifecycle

export function onContextCreate(contextId: u32, parentId: u32): void {
  createContext(contextId, parentId);
  // A new stream pays for collecting the garbage of earlier ones (see collector.ts).
  collectIfDue();
}

function createContext(contextId: u32, parentId: u32): void {
  if (parentId == 0) {
    createPlugin(contextId);
    return;
  }
  const plugin = findPlugin(parentId);
  if (plugin === null) return;
  const tcp = plugin.newTcpContext(contextId);
  if (tcp !== null) {
    contexts.set(contextId, tcp);
    return;
  }
  const http = plugin.newHttpContext(contextId);
  if (http !== null) {
    contexts.set(contextId, http);
    // Its request headers come next: they find it without the table.
    lastHttpId = contextId;
    lastHttp = http;
  }
  else logRaw(<u32>LogLevel.Error, "plugin context " + formatU32(parentId) + " created no context for stream " + formatU32(contextId));
}

function createPlugin(contextId: u32): void {
  let plugin = vm.newPluginContext(contextId);
  if (plugin === null && pluginForRootId !== null) plugin = changetype<(contextId: u32) => PluginContext | null>(pluginForRootId)(contextId);
  if (plugin === null && defaultPlugin !== null) plugin = changetype<(contextId: u32) => PluginContext>(defaultPlugin)(contextId);
  if (plugin === null) {
    logRaw(<u32>LogLevel.Error, "no plugin registered: call registerPlugin() in the entry file");
    // A bare plugin context keeps the ids consistent; its start fails, so the proxy reports it.
    plugin = new UnregisteredPlugin(contextId);
  }
  contexts.set(contextId, plugin);
}

class UnregisteredPlugin extends PluginContext {
  onPluginStart(configurationSize: usize): bool { return false; }
}

export function onVmStart(contextId: u32, configurationSize: usize): bool {
  findAny(contextId);
  const started = vm.onVmStart(configurationSize);
  collectIfDue();
  return started;
}

export function onConfigure(contextId: u32, configurationSize: usize): bool {
  const plugin = findPlugin(contextId);
  const started = plugin !== null && plugin.onPluginStart(configurationSize);
  collectIfDue();
  return started;
}

export function onDone(contextId: u32): bool {
  const http = lastHttpFor(contextId);
  if (http !== null) { http.onStreamDone(); return true; }
  const context = findAny(contextId);
  if (context instanceof HttpContext) changetype<HttpContext>(context).onStreamDone();
  else if (context instanceof TcpContext) changetype<TcpContext>(context).onStreamDone();
  else if (context instanceof PluginContext) return changetype<PluginContext>(context).onPluginDone();
  else unknownContext("proxy_on_done", contextId);
  return true;
}

export function onLog(contextId: u32): void {
  const http = lastHttpFor(contextId);
  if (http !== null) { http.onLog(); return; }
  const context = findAny(contextId);
  if (context instanceof HttpContext) changetype<HttpContext>(context).onLog();
  else if (context instanceof TcpContext) changetype<TcpContext>(context).onLog();
}

export function onDelete(contextId: u32): void {
  if (contextId == lastHttpId) { lastHttpId = 0; lastHttp = null; }
  if (contextId == lastPluginId) { lastPluginId = 0; lastPlugin = null; }
  const context = contexts.take(contextId);
  if (context === null) unknownContext("proxy_on_delete", contextId);
  else forgetCallsOf(context);
  setCurrentContext(null);
  collectInStreamIfDue();
}

// --- HTTP streams

export function onRequestHeaders(contextId: u32, numHeaders: u32, endOfStream: bool): Action {
  const http = findHttp(contextId);
  if (http === null) { unknownContext(HTTP_CALLBACK, contextId); return Action.Continue; }
  const action = http.onRequestHeaders(numHeaders, endOfStream);
  collectInStreamIfDue();
  return action;
}

export function onRequestBody(contextId: u32, bodySize: usize, endOfStream: bool): Action {
  const http = findHttp(contextId);
  if (http === null) { unknownContext(HTTP_CALLBACK, contextId); return Action.Continue; }
  const action = http.onRequestBody(bodySize, endOfStream);
  collectInStreamIfDue();
  return action;
}

export function onRequestTrailers(contextId: u32, numTrailers: u32): Action {
  const http = findHttp(contextId);
  if (http === null) { unknownContext(HTTP_CALLBACK, contextId); return Action.Continue; }
  const action = http.onRequestTrailers(numTrailers);
  collectInStreamIfDue();
  return action;
}

export function onResponseHeaders(contextId: u32, numHeaders: u32, endOfStream: bool): Action {
  const http = findHttp(contextId);
  if (http === null) { unknownContext(HTTP_CALLBACK, contextId); return Action.Continue; }
  const action = http.onResponseHeaders(numHeaders, endOfStream);
  collectInStreamIfDue();
  return action;
}

export function onResponseBody(contextId: u32, bodySize: usize, endOfStream: bool): Action {
  const http = findHttp(contextId);
  if (http === null) { unknownContext(HTTP_CALLBACK, contextId); return Action.Continue; }
  const action = http.onResponseBody(bodySize, endOfStream);
  collectInStreamIfDue();
  return action;
}

export function onResponseTrailers(contextId: u32, numTrailers: u32): Action {
  const http = findHttp(contextId);
  if (http === null) { unknownContext(HTTP_CALLBACK, contextId); return Action.Continue; }
  const action = http.onResponseTrailers(numTrailers);
  collectInStreamIfDue();
  return action;
}

// --- TCP streams

export function onNewConnection(contextId: u32): Action {
  const tcp = findTcp(contextId);
  if (tcp === null) return Action.Continue;
  const action = tcp.onNewConnection();
  collectInStreamIfDue();
  return action;
}

export function onDownstreamData(contextId: u32, dataSize: usize, endOfStream: bool): Action {
  const tcp = findTcp(contextId);
  if (tcp === null) return Action.Continue;
  const action = tcp.onDownstreamData(dataSize, endOfStream);
  collectInStreamIfDue();
  return action;
}

export function onDownstreamClose(contextId: u32, peer: PeerType): void {
  const tcp = findTcp(contextId);
  if (tcp !== null) tcp.onDownstreamClose(peer);
}

export function onUpstreamData(contextId: u32, dataSize: usize, endOfStream: bool): Action {
  const tcp = findTcp(contextId);
  if (tcp === null) return Action.Continue;
  const action = tcp.onUpstreamData(dataSize, endOfStream);
  collectInStreamIfDue();
  return action;
}

export function onUpstreamClose(contextId: u32, peer: PeerType): void {
  const tcp = findTcp(contextId);
  if (tcp !== null) tcp.onUpstreamClose(peer);
}

// --- Plugin-level events

export function onTick(contextId: u32): void {
  const plugin = findPlugin(contextId);
  if (plugin !== null) plugin.onTick();
  collectIfDue();
}

export function onQueueReady(contextId: u32, queueId: u32): void {
  const plugin = findPlugin(contextId);
  if (plugin !== null) plugin.onQueueReady(queueId);
  collectIfDue();
}

export function onForeignFunction(contextId: u32, functionId: u32, argumentsSize: usize): void {
  const plugin = findPlugin(contextId);
  if (plugin !== null) plugin.onForeignFunction(functionId, argumentsSize);
  collectIfDue();
}

// --- Call answers: they arrive on the plugin's id; route them to the caller.

/** The context that made call `token`, made effective; null (answer dropped) when it is gone. */
function callerFor(token: u32, finished: bool): Context | null {
  const caller = changetype<Context | null>(callerOf(token));
  if (finished) forgetCall(token);
  // Host calls made while handling the answer (headers, resume) must act on the caller's
  // stream; a caller the SDK or the host has already deleted gets nothing.
  if (caller === null || (!(caller instanceof PluginContext) && proxy_set_effective_context(caller.id) != 0)) {
    logRaw(<u32>LogLevel.Debug, "answer to call " + formatU32(token) + " dropped: its context is gone");
    return null;
  }
  setCurrentContext(caller);
  return caller;
}

export function onHttpCallResponse(contextId: u32, token: u32, numHeaders: u32, bodySize: usize, numTrailers: u32): void {
  const caller = callerFor(token, true);
  if (caller !== null) caller.onHttpCallResponse(token, numHeaders, bodySize, numTrailers);
  collectIfDue();
}

export function onGrpcReceiveInitialMetadata(contextId: u32, token: u32, numHeaders: u32): void {
  const caller = callerFor(token, false);
  if (caller !== null) caller.onGrpcReceiveInitialMetadata(token, numHeaders);
}

export function onGrpcReceive(contextId: u32, token: u32, messageSize: usize): void {
  const caller = callerFor(token, messageEndsCall(token));
  if (caller !== null) caller.onGrpcReceive(token, messageSize);
}

export function onGrpcReceiveTrailingMetadata(contextId: u32, token: u32, numTrailers: u32): void {
  const caller = callerFor(token, false);
  if (caller !== null) caller.onGrpcReceiveTrailingMetadata(token, numTrailers);
}

export function onGrpcClose(contextId: u32, token: u32, statusCode: u32): void {
  const caller = callerFor(token, true);
  if (caller !== null) caller.onGrpcClose(token, statusCode);
  collectIfDue();
}
