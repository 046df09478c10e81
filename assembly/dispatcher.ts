// Routes every host callback to its context object: creates plugin and stream contexts,
// forgets them on delete, and routes call answers to the context that made the call.
// A callback for a context it does not know is logged and answered with a harmless default.
import { proxy_set_effective_context } from "./abi/imports";
import { Context } from "./context/context";
import { HttpContext } from "./context/http";
import { PluginContext } from "./context/plugin";
import { TcpContext } from "./context/tcp";
import { VMContext } from "./context/vm";
import { getPropertyString } from "./properties";
import { collectIfDue } from "./runtime/collector";
import { setCurrentContextId } from "./runtime/current-context";
import { logRaw } from "./runtime/log-raw";
import { callerOf, forgetCall } from "./runtime/pending-calls";
import { Action, LogLevel, PeerType } from "./types";

// --- Registration (called from a filter's top-level code, during _initialize)

let vm = new VMContext();
let customVm = false;
let defaultPlugin: ((contextId: u32) => PluginContext) | null = null;
// Few plugins share a module: a list beats a Map (and keeps hashing out of the binary).
const rootIds = new Array<string>();
const rootFactories = new Array<(contextId: u32) => PluginContext>();

/** Replaces the default VM context (only needed to handle the VM configuration). */
export function setVMContext(context: VMContext): void {
  vm = context;
  customVm = true;
}

/**
 * Registers the plugin factory. With no `rootId` it serves every plugin (Istio picks its own
 * root ids); with several registered, each plugin goes to the one named by its root id, and
 * the one without a root id serves the rest.
 */
export function registerPlugin(factory: (contextId: u32) => PluginContext, rootId: string = ""): void {
  if (rootId.length == 0) {
    defaultPlugin = factory;
    return;
  }
  rootIds.push(rootId);
  rootFactories.push(factory);
}

// --- Live contexts

// One table for every kind keeps a single Map in the binary; `instanceof` tells them apart.
const contexts = new Map<u32, Context>();
// A stream receives several callbacks in a row: remember the last one looked up.
let lastHttpId: u32 = 0;
let lastHttp: HttpContext | null = null;

// Log lines name the callback family, not each callback: every string literal adds bytes.
const HTTP_CALLBACK = "HTTP stream callback";
const PLUGIN_OR_TCP_CALLBACK = "plugin or TCP callback";

function unknownContext(callback: string, contextId: u32): void {
  logRaw(<u32>LogLevel.Warn, callback + ": no context " + contextId.toString() + " (already deleted, or never created); ignored");
}

function findAny(contextId: u32): Context | null {
  return contexts.has(contextId) ? contexts.get(contextId) : null;
}

function findHttp(contextId: u32): HttpContext | null {
  if (contextId == lastHttpId && lastHttp !== null) return lastHttp;
  const context = findAny(contextId);
  if (!(context instanceof HttpContext)) return null;
  lastHttpId = contextId;
  lastHttp = <HttpContext>context;
  return <HttpContext>context;
}

function findPlugin(contextId: u32): PluginContext | null {
  const context = findAny(contextId);
  if (context instanceof PluginContext) return <PluginContext>context;
  unknownContext(PLUGIN_OR_TCP_CALLBACK, contextId);
  return null;
}

function findTcp(contextId: u32): TcpContext | null {
  const context = findAny(contextId);
  if (context instanceof TcpContext) return <TcpContext>context;
  unknownContext(PLUGIN_OR_TCP_CALLBACK, contextId);
  return null;
}

// --- Lifecycle

export function onContextCreate(contextId: u32, parentId: u32): void {
  setCurrentContextId(contextId);
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
  if (http !== null) contexts.set(contextId, http);
  else logRaw(<u32>LogLevel.Error, "plugin context " + parentId.toString() + " created no context for stream " + contextId.toString());
}

function createPlugin(contextId: u32): void {
  let rootId = "";
  // The root id costs a host call: read it only when something chooses by it.
  if (customVm || rootIds.length > 0) {
    const name = getPropertyString(["plugin_root_id"]);
    if (name !== null) rootId = name;
  }
  let plugin = vm.newPluginContext(contextId, rootId);
  if (plugin === null) {
    const index = rootIds.indexOf(rootId);
    if (index >= 0) plugin = rootFactories[index](contextId);
    else if (defaultPlugin !== null) plugin = (<(contextId: u32) => PluginContext>defaultPlugin)(contextId);
  }
  if (plugin === null) {
    logRaw(<u32>LogLevel.Error, "no plugin registered for root id \"" + rootId + "\": call registerPlugin() in the filter's entry file");
    // A bare plugin context keeps the ids consistent; its start fails, so the proxy reports it.
    plugin = new UnregisteredPlugin(contextId);
  }
  contexts.set(contextId, plugin);
}

class UnregisteredPlugin extends PluginContext {
  onPluginStart(configurationSize: usize): bool { return false; }
}

export function onVmStart(contextId: u32, configurationSize: usize): bool {
  setCurrentContextId(contextId);
  const started = vm.onVmStart(configurationSize);
  collectIfDue();
  return started;
}

export function onConfigure(contextId: u32, configurationSize: usize): bool {
  setCurrentContextId(contextId);
  const plugin = findPlugin(contextId);
  const started = plugin !== null && plugin.onPluginStart(configurationSize);
  collectIfDue();
  return started;
}

export function onDone(contextId: u32): bool {
  setCurrentContextId(contextId);
  const context = findAny(contextId);
  if (context instanceof HttpContext) (<HttpContext>context).onStreamDone();
  else if (context instanceof TcpContext) (<TcpContext>context).onStreamDone();
  else if (context instanceof PluginContext) return (<PluginContext>context).onPluginDone();
  else unknownContext("proxy_on_done", contextId);
  return true;
}

export function onLog(contextId: u32): void {
  setCurrentContextId(contextId);
  const context = findAny(contextId);
  if (context instanceof HttpContext) (<HttpContext>context).onLog();
  else if (context instanceof TcpContext) (<TcpContext>context).onLog();
}

export function onDelete(contextId: u32): void {
  if (contextId == lastHttpId) { lastHttpId = 0; lastHttp = null; }
  if (!contexts.delete(contextId)) unknownContext("proxy_on_delete", contextId);
  collectIfDue();
}

// --- HTTP streams

export function onRequestHeaders(contextId: u32, numHeaders: u32, endOfStream: bool): Action {
  setCurrentContextId(contextId);
  const http = findHttp(contextId);
  if (http === null) { unknownContext(HTTP_CALLBACK, contextId); return Action.Continue; }
  return http.onRequestHeaders(numHeaders, endOfStream);
}

export function onRequestBody(contextId: u32, bodySize: usize, endOfStream: bool): Action {
  setCurrentContextId(contextId);
  const http = findHttp(contextId);
  if (http === null) { unknownContext(HTTP_CALLBACK, contextId); return Action.Continue; }
  return http.onRequestBody(bodySize, endOfStream);
}

export function onRequestTrailers(contextId: u32, numTrailers: u32): Action {
  setCurrentContextId(contextId);
  const http = findHttp(contextId);
  if (http === null) { unknownContext(HTTP_CALLBACK, contextId); return Action.Continue; }
  return http.onRequestTrailers(numTrailers);
}

export function onResponseHeaders(contextId: u32, numHeaders: u32, endOfStream: bool): Action {
  setCurrentContextId(contextId);
  const http = findHttp(contextId);
  if (http === null) { unknownContext(HTTP_CALLBACK, contextId); return Action.Continue; }
  return http.onResponseHeaders(numHeaders, endOfStream);
}

export function onResponseBody(contextId: u32, bodySize: usize, endOfStream: bool): Action {
  setCurrentContextId(contextId);
  const http = findHttp(contextId);
  if (http === null) { unknownContext(HTTP_CALLBACK, contextId); return Action.Continue; }
  return http.onResponseBody(bodySize, endOfStream);
}

export function onResponseTrailers(contextId: u32, numTrailers: u32): Action {
  setCurrentContextId(contextId);
  const http = findHttp(contextId);
  if (http === null) { unknownContext(HTTP_CALLBACK, contextId); return Action.Continue; }
  return http.onResponseTrailers(numTrailers);
}

// --- TCP streams

export function onNewConnection(contextId: u32): Action {
  setCurrentContextId(contextId);
  const tcp = findTcp(contextId);
  return tcp === null ? Action.Continue : tcp.onNewConnection();
}

export function onDownstreamData(contextId: u32, dataSize: usize, endOfStream: bool): Action {
  setCurrentContextId(contextId);
  const tcp = findTcp(contextId);
  return tcp === null ? Action.Continue : tcp.onDownstreamData(dataSize, endOfStream);
}

export function onDownstreamClose(contextId: u32, peer: PeerType): void {
  setCurrentContextId(contextId);
  const tcp = findTcp(contextId);
  if (tcp !== null) tcp.onDownstreamClose(peer);
}

export function onUpstreamData(contextId: u32, dataSize: usize, endOfStream: bool): Action {
  setCurrentContextId(contextId);
  const tcp = findTcp(contextId);
  return tcp === null ? Action.Continue : tcp.onUpstreamData(dataSize, endOfStream);
}

export function onUpstreamClose(contextId: u32, peer: PeerType): void {
  setCurrentContextId(contextId);
  const tcp = findTcp(contextId);
  if (tcp !== null) tcp.onUpstreamClose(peer);
}

// --- Plugin-level events

export function onTick(contextId: u32): void {
  setCurrentContextId(contextId);
  const plugin = findPlugin(contextId);
  if (plugin !== null) plugin.onTick();
  collectIfDue();
}

export function onQueueReady(contextId: u32, queueId: u32): void {
  setCurrentContextId(contextId);
  const plugin = findPlugin(contextId);
  if (plugin !== null) plugin.onQueueReady(queueId);
  collectIfDue();
}

export function onForeignFunction(contextId: u32, functionId: u32, argumentsSize: usize): void {
  setCurrentContextId(contextId);
  const plugin = findPlugin(contextId);
  if (plugin !== null) plugin.onForeignFunction(functionId, argumentsSize);
  collectIfDue();
}

// --- Call answers: they arrive on the plugin's id; route them to the caller.

/** The context that made call `token`, made effective; null (answer dropped) when it is gone. */
function callerFor(token: u32, finished: bool): Context | null {
  const callerId = callerOf(token);
  if (finished) forgetCall(token);
  if (callerId == 0) {
    logRaw(<u32>LogLevel.Debug, "answer to unknown call token " + token.toString() + "; ignored");
    return null;
  }
  const caller = findAny(callerId);
  if (caller === null) {
    logRaw(<u32>LogLevel.Debug, "context " + callerId.toString() + " is gone; answer to call " + token.toString() + " dropped");
    return null;
  }
  // Host calls made while handling the answer (headers, resume) must act on the caller's stream.
  if (!(caller instanceof PluginContext)) proxy_set_effective_context(callerId);
  setCurrentContextId(callerId);
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
  const caller = callerFor(token, false);
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
