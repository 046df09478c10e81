// An asc transform used by the SDK's asconfig.json: a callback the filter cannot act on costs
// next to nothing. `export * from "proxy-wasm-as/assembly/proxy"` exports every proxy_on_*
// function, and one whose context method the filter never overrides (proxy_on_tick without an
// onTick, the TCP callbacks in an HTTP filter, a call's answer in a filter that makes no call)
// would only find the context, run the SDK's default and return Continue (or nothing). Its body
// is replaced, before compilation, by just that: `return 0` (Continue) or nothing. The dispatch
// code behind it, and the log messages that code carries, are then never compiled: about
// 0.8 KB of a 9 KB filter.
// The export itself stays: Envoy (cpp-host) treats a missing callback as Continue, but
// ngx_wasm_module calls every stream callback it looks up without checking that it exists.
//
// Read from the parsed sources: a method counts as overridden when any class outside the SDK's
// context classes declares it (the filter's, or a library's), and a filter makes calls when any
// source outside the SDK names dispatchHttpCall, dispatchGrpcCall or openGrpcStream (the SDK
// must then see every answer, to forget the call). proxy_on_context_create, proxy_on_vm_start,
// proxy_on_configure, proxy_on_done, proxy_on_log and proxy_on_delete are never replaced: they
// create, start, finish and free contexts.
import { NodeKind, Parser, Source, SourceKind, Tokenizer } from "assemblyscript/dist/assemblyscript.js";

/** Callbacks kept only when some class outside the SDK's context classes overrides the method. */
const BY_OVERRIDE = {
  proxy_on_request_headers: "onRequestHeaders",
  proxy_on_request_body: "onRequestBody",
  proxy_on_request_trailers: "onRequestTrailers",
  proxy_on_response_headers: "onResponseHeaders",
  proxy_on_response_body: "onResponseBody",
  proxy_on_response_trailers: "onResponseTrailers",
  proxy_on_new_connection: "onNewConnection",
  proxy_on_downstream_data: "onDownstreamData",
  proxy_on_downstream_connection_close: "onDownstreamClose",
  proxy_on_upstream_data: "onUpstreamData",
  proxy_on_upstream_connection_close: "onUpstreamClose",
  proxy_on_tick: "onTick",
  proxy_on_queue_ready: "onQueueReady",
  proxy_on_foreign_function: "onForeignFunction",
};

/** Answers to calls: kept when the filter can make a call (the SDK then records its caller). */
const CALL_ANSWERS = [
  "proxy_on_http_call_response",
  "proxy_on_grpc_receive_initial_metadata",
  "proxy_on_grpc_receive",
  "proxy_on_grpc_receive_trailing_metadata",
  "proxy_on_grpc_close",
];

const SDK = "~lib/proxy-wasm-as/assembly/";
const SDK_CONTEXTS = `${SDK}context/`;
const PROXY = `${SDK}proxy.ts`;
const MAKES_CALLS = /\b(dispatchHttpCall|dispatchGrpcCall|openGrpcStream)\b/;

/**
 * The callbacks no override or call needs, given the methods declared outside the SDK's context
 * classes and whether the filter makes calls.
 */
export function unusedCallbacks(overridden, makesCalls) {
  const unused = Object.entries(BY_OVERRIDE)
    .filter(([, method]) => !overridden.has(method))
    .map(([exported]) => exported);
  if (!makesCalls) unused.push(...CALL_ANSWERS);
  return unused;
}

/** Every class declaration in `statements`, namespaces included. */
function* classes(statements) {
  for (const s of statements) {
    if (s.kind === NodeKind.ClassDeclaration) yield s;
    else if (s.kind === NodeKind.NamespaceDeclaration) yield* classes(s.members);
  }
}

/** A function body that does what the SDK's default would: `return 0` (Continue), or nothing. */
function defaultBody(declaration) {
  const type = declaration.signature.returnType.range;
  const returnsVoid = type.source.text.slice(type.start, type.end).trim() === "void";
  const code = `function stub(): ${returnsVoid ? "void {}" : "u32 { return 0; }"}`;
  const source = new Source(SourceKind.Library, declaration.range.source.normalizedPath, code);
  return new Parser().parseTopLevelStatement(new Tokenizer(source), null).body;
}

export default class UnusedCallbacks {
  afterParse(parser) {
    const overridden = new Set();
    let makesCalls = false;
    let proxy = null;
    for (const source of parser.sources) {
      const path = source.normalizedPath;
      if (path === PROXY) proxy = source;
      if (path.startsWith(SDK_CONTEXTS)) continue;
      for (const declaration of classes(source.statements)) {
        for (const member of declaration.members) {
          if (member.kind === NodeKind.MethodDeclaration) overridden.add(member.name.text);
        }
      }
      if (!path.startsWith(SDK) && MAKES_CALLS.test(source.text)) makesCalls = true;
    }
    if (proxy === null) return; // not a filter built on the SDK's callbacks
    const unused = new Set(unusedCallbacks(overridden, makesCalls));
    for (const statement of proxy.statements) {
      if (statement.kind === NodeKind.FunctionDeclaration && unused.has(statement.name.text)) {
        statement.body = defaultBody(statement);
      }
    }
  }
}
